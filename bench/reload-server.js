// bench/reload-server.js: the program both managers reload in
// bench/reload.sh, written for PM2's cluster mode: listen(PORT), then
// process.send('ready') (wait_ready), and a graceful end on SIGINT or
// SIGTERM (PM2 sends SIGINT, opm its stop_signal).
'use strict';
const http = require('http');

const server = http.createServer((req, res) => {
	res.setHeader('Connection', 'close');
	res.end(`pid ${process.pid}\n`);
});
server.listen(process.env.PORT, () => {
	if (process.send)
		process.send('ready');
});
const stop = () => {
	server.close(() => process.exit(0));
	server.closeIdleConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
