module.exports = {
    apps: [
        {
            name: "mtd-manager",
            script: "build/index.js",
        }
    ]
}