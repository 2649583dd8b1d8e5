#!/usr/bin/env bash
# PM2's first habit: `opm start app.js` runs the file with node (it is not
# executable), resolved against the app's cwd, named "app", online at once,
# and really serving a request. info --json shows what was written (config:
# script) and what runs (argv: node /abs/app.js); export gives back script
# keys, not a baked argv, and the export starts again as it was.
# `--interpreter none` executes the file itself: a clear error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

command -v node >/dev/null || fail "node is needed"
port=$(free_port)
dir=$TEST_TMP/srv
mkdir -p "$dir"
cat >"$dir/app.js" <<JS
// $TAG
const http = require("http");
http.createServer((req, res) => res.end("hello from node " + process.argv.slice(2).join(" ") + "\n"))
    .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
JS
chmod 644 "$dir/app.js"

cd "$dir"
assert_exit 0 "$OPM" start --env PORT="$port" app.js
wait_status app online 5
wait_for 10 curl -sf "http://127.0.0.1:$port/"
assert_eq "hello from node " "$(curl -sf "http://127.0.0.1:$port/")" "reply of app.js"

assert_exit 0 "$OPM" info app --json
assert_eq '"app.js"' "$(jq -c .config.script <<<"$OUT")" "config.script as written"
assert_eq 'null' "$(jq -c .config.argv <<<"$OUT")" "no baked argv in config"
assert_eq "[\"node\",\"$dir/app.js\"]" "$(jq -c .argv <<<"$OUT")" "resolved argv"

# Export round trip: the script keys come back, and start again.
assert_exit 0 "$OPM" export app
exported=$OUT
assert_eq '"app.js"' "$(jq -c '(.apps // .)[0].script' <<<"$exported")" \
    "exported script"
assert_eq 'null' "$(jq -c '(.apps // .)[0].argv' <<<"$exported")" \
    "exported argv"
assert_exit 0 "$OPM" delete app
printf '%s\n' "$exported" >"$TEST_TMP/back.json"
cd /
assert_exit 0 "$OPM" start "$TEST_TMP/back.json"
wait_status app online 5
wait_for 10 curl -sf "http://127.0.0.1:$port/"
assert_exit 0 "$OPM" info app --json
assert_eq "[\"node\",\"$dir/app.js\"]" "$(jq -c .argv <<<"$OUT")" \
    "argv after the round trip"
assert_exit 0 "$OPM" delete app

# Arguments after the script reach it (opm start app.js a b).
cd "$dir"
assert_exit 0 "$OPM" start --name withargs --env PORT="$port" app.js one two
wait_status withargs online 5
wait_for 10 curl -sf "http://127.0.0.1:$port/"
assert_eq "hello from node one two" "$(curl -sf "http://127.0.0.1:$port/")" \
    "reply with arguments"
assert_exit 0 "$OPM" delete withargs

# interpreter none: the file itself is executed, and it is not executable.
assert_exit 1 "$OPM" start --name raw --interpreter none app.js
assert_contains "$ERR" "not an executable file" "error of interpreter none"
assert_contains "$ERR" "app.js" "error names the script"
assert_exit 0 "$OPM" list --json
assert_eq '[]' "$(jq -c 'map(.name)' <<<"$OUT")" "nothing created"
