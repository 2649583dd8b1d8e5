// pm2cluster.js: a program written for PM2's cluster mode, unchanged: a
// plain http.createServer().listen(PORT), as every worker of a PM2
// cluster calls it. It answers "pid P instance K path PATH".
'use strict';
const http = require('http');

const port = process.env.PORT || 3000;
http.createServer((req, res) => {
	res.setHeader('Connection', 'close');
	res.end(`pid ${process.pid} instance ` +
	    `${process.env.NODE_APP_INSTANCE} path ${req.url}\n`);
}).listen(port, () => console.log(`listening on ${port} pid ${process.pid}`));
process.on('SIGINT', () => process.exit(0));
