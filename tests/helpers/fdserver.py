#!/usr/bin/env python3
"""fdserver.py: an HTTP server on the socket opm passes (systemd protocol).

usage: fdserver.py [--hang-if FILE] [TAG...]   (other arguments are tags)

Takes fds 3 .. 3+N-1 from LISTEN_FDS=N, refuses to run unless LISTEN_PID
is its own pid (exit 3) and N is at least 1 (exit 4), prints
"LISTEN_FDS=N LISTEN_FDNAMES=... pid P family F" (F: fd 3's family) on
stdout, and answers every GET on any of them with "pid P path PATH\\n".
On SIGTERM it finishes the request it is serving, accepts nothing more
and exits 0: connections waiting in the backlog are left for the next
process on the same sockets. Several processes may share the sockets
(instances, a rolling reload): each is made non-blocking, so a process
that loses the race for a connection goes back to waiting. With
NOTIFY_SOCKET set it sends READY=1 once it serves. With --hang-if FILE and
FILE present at start (a broken new version), it neither serves nor says
it is ready, and waits for SIGTERM. On SIGWINCH it finishes the request
it is serving and stops accepting, but lives on until SIGTERM or SIGKILL:
a stop that lasts the kill timeout (t-reload-daemon-death) without a
process that still takes connections when the SIGKILL comes.
"""
import http.server
import os
import select
import signal
import socket
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("pid %d path %s\n" % (os.getpid(), self.path)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


class Server(http.server.HTTPServer):
    def __init__(self, sock):
        # Not bound here: the socket is opm's, bound and listening already.
        http.server.HTTPServer.__init__(self, None, Handler,
                                        bind_and_activate=False)
        self.socket = sock
        self.server_address = sock.getsockname()
        self.timeout = 0.05


def notify(msg):
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):
        path = "\0" + path[1:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(msg.encode(), path)
    s.close()


def main():
    if "--hang-if" in sys.argv:
        hang = sys.argv[sys.argv.index("--hang-if") + 1]
        if os.path.exists(hang):
            print("hanging: %s exists; pid %d" % (hang, os.getpid()),
                  flush=True)
            stop = []
            signal.signal(signal.SIGTERM, lambda s, f: stop.append(s))
            while not stop:
                time.sleep(0.05)
            return 0
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        print("LISTEN_PID=%s but pid %d" % (os.environ.get("LISTEN_PID"),
                                             os.getpid()), flush=True)
        return 3
    n = int(os.environ.get("LISTEN_FDS", "0"))
    if n < 1:
        print("LISTEN_FDS=%d" % n, flush=True)
        return 4
    # Each socket's own family: tcp or unix alike.
    socks = [socket.socket(fileno=3 + i) for i in range(n)]
    print("LISTEN_FDS=%d LISTEN_FDNAMES=%s pid %d family %s" % (
        n, os.environ.get("LISTEN_FDNAMES"), os.getpid(),
        socks[0].family.name), flush=True)
    stop = []
    drain = []
    signal.signal(signal.SIGTERM, lambda s, f: stop.append(s))
    signal.signal(signal.SIGWINCH, lambda s, f: drain.append(s))
    for s in socks:
        s.setblocking(False)
    servers = [Server(s) for s in socks]
    notify("READY=1")
    while not stop:
        if drain and servers:
            for srv in servers:
                srv.socket.close()
            servers = []
        if not servers:
            time.sleep(0.05)
            continue
        ready, _, _ = select.select(servers, [], [], 0.05)
        for srv in ready:
            srv._handle_request_noblock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
