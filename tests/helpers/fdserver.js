// fdserver.js: a Node HTTP server on the socket opm passes (systemd
// protocol): listen({fd: 3}). Refuses to run unless LISTEN_PID is its own
// pid (exit 3) and LISTEN_FDS is at least 1 (exit 4). Prints
// "node LISTEN_FDS=N LISTEN_FDNAMES=... pid P" and answers every request
// with "pid P path PATH\n". On SIGTERM it stops accepting, finishes what
// it serves and exits 0, leaving queued connections to the next process.
// With Node's IPC channel (ready: ipc, PM2's wait_ready) it says
// process.send('ready') once listening, and the message 'shutdown' (PM2's
// shutdown_with_message) stops it as SIGTERM does, saying so.
'use strict';
const http = require('http');

if (process.env.LISTEN_PID !== String(process.pid)) {
	console.log(`LISTEN_PID=${process.env.LISTEN_PID} but pid ` +
	    `${process.pid}`);
	process.exit(3);
}
const n = parseInt(process.env.LISTEN_FDS || '0', 10);
if (!(n >= 1)) {
	console.log(`LISTEN_FDS=${process.env.LISTEN_FDS}`);
	process.exit(4);
}
const server = http.createServer((req, res) => {
	res.setHeader('Connection', 'close');
	res.end(`pid ${process.pid} path ${req.url}\n`);
});
server.listen({ fd: 3 }, () => {
	console.log(`node LISTEN_FDS=${n} ` +
	    `LISTEN_FDNAMES=${process.env.LISTEN_FDNAMES} pid ${process.pid}`);
	if (process.send)
		process.send('ready');
});
function stop(why) {
	console.log(`node pid ${process.pid} stopping: ${why}`);
	server.close(() => process.exit(0));
	server.closeIdleConnections();
}
process.on('SIGTERM', () => stop('SIGTERM'));
if (process.send)
	process.on('message', (m) => {
		if (m === 'shutdown')
			stop('shutdown message');
	});
