// opm-cluster.js: preloaded by opm (node --require) into the processes of
// an app with exec_mode: cluster. PM2's cluster workers share the master's
// socket when they call server.listen(PORT); under opm the socket is opm's,
// passed as fd 3 upwards with LISTEN_FDS (the systemd protocol), so a
// listen on the port of one of those sockets takes its descriptor instead
// of binding. Any other listen (another port, a path, port 0) is left
// alone. The port of each descriptor is read from /proc/net/tcp{,6} by the
// socket's inode.
'use strict';
const fs = require('fs');
const net = require('net');

const count = parseInt(process.env.LISTEN_FDS || '0', 10);

function fdPort(fd) {
	let inode;
	try {
		const m = /^socket:\[(\d+)\]$/.exec(
		    fs.readlinkSync(`/proc/self/fd/${fd}`));
		if (m === null)
			return null;
		inode = m[1];
	} catch (e) {
		return null;
	}
	for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text;
		try {
			text = fs.readFileSync(f, 'utf8');
		} catch (e) {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const c = line.trim().split(/\s+/);
			if (c.length > 9 && c[9] === inode)
				return parseInt(c[1].split(':')[1], 16);
		}
	}
	return null;
}

// The graceful end a cluster worker gets from PM2's master: on the stop
// signal, a program that did not take SIGTERM itself stops accepting on
// opm's sockets (its copy only: the other processes keep the port), lets
// the requests under way finish, closes idle keep-alive connections and
// exits; kill_timeout still bounds it. A program with its own SIGTERM
// handler keeps it.
const servers = new Set();

function graceful() {
	if (process.listenerCount('SIGTERM') > 1 || servers.size === 0) {
		process.removeListener('SIGTERM', graceful);
		if (process.listenerCount('SIGTERM') === 0)
			process.kill(process.pid, 'SIGTERM');
		return;
	}
	let open = servers.size;
	for (const s of servers) {
		s.close(() => {
			if (--open === 0)
				process.exit(0);
		});
		if (typeof s.closeIdleConnections === 'function')
			s.closeIdleConnections();
	}
}

if (count > 0 && process.env.LISTEN_PID === String(process.pid)) {
	process.on('SIGTERM', graceful);
	const ports = new Map();
	for (let i = 0; i < count; i++) {
		const p = fdPort(3 + i);
		if (p !== null && !ports.has(p))
			ports.set(p, 3 + i);
	}
	const listen = net.Server.prototype.listen;
	net.Server.prototype.listen = function (...args) {
		let port = null;
		const a = args[0];
		if (typeof a === 'number' || (typeof a === 'string' &&
		    /^[0-9]+$/.test(a)))
			port = Number(a);
		else if (a !== null && typeof a === 'object' &&
		    a.port !== undefined && a.fd === undefined &&
		    a.path === undefined)
			port = Number(a.port);
		if (port === null || !ports.has(port))
			return listen.apply(this, args);
		const cb = args.find((x) => typeof x === 'function');
		const opts = { fd: ports.get(port) };
		servers.add(this);
		return cb !== undefined ? listen.call(this, opts, cb) :
		    listen.call(this, opts);
	};
}
