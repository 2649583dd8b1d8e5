#!/usr/bin/env python3
"""httploop.py: HTTP GETs in a loop, each on a new connection, counting failures.

usage: httploop.py ADDR [--count N] [--until FILE] [--min N] [--timeout S]
                        [--ready FILE]

ADDR is tcp://HOST:PORT or unix:PATH. Sends GET /N one after the other:
N requests with --count; with --until, until FILE exists and at least --min
requests were made. A refused connection, a reset, a timeout (default 15 s:
a connection waiting in the backlog through a restart is no failure) or a
reply other than 200 is a failure, printed on stderr. --ready FILE is
created once the first request succeeded. The last line on stdout is
"requests R failures F pids P1,P2,...": the pids that answered (fdserver's
"pid P" replies), in order of first answer. Exit 0 when F is 0, else 1.
"""
import http.client
import os
import socket
import sys
import time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        http.client.HTTPConnection.__init__(self, "localhost",
                                            timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def opt(args, name, default=None, conv=str):
    if name in args:
        return conv(args[args.index(name) + 1])
    return default


def connection(addr, timeout):
    if addr.startswith("unix:"):
        return UnixConnection(addr[5:], timeout)
    hp = addr[len("tcp://"):]
    host, port = hp.rsplit(":", 1)
    return http.client.HTTPConnection(host.strip("[]"), int(port),
                                      timeout=timeout)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    addr = argv[1]
    count = opt(argv, "--count", None, int)
    until = opt(argv, "--until")
    least = opt(argv, "--min", 0, int)
    timeout = opt(argv, "--timeout", 15.0, float)
    ready = opt(argv, "--ready")
    n = fails = 0
    pids = []
    while True:
        if count is not None and n >= count:
            break
        if count is None and (until is None or os.path.exists(until)) \
                and n >= least:
            break
        n += 1
        try:
            c = connection(addr, timeout)
            c.request("GET", "/%d" % n)
            r = c.getresponse()
            body = r.read().decode(errors="replace")
            c.close()
            if r.status != 200:
                raise RuntimeError("status %d" % r.status)
            words = body.split()
            if len(words) >= 2 and words[0] == "pid" and \
                    words[1] not in pids:
                pids.append(words[1])
            if ready is not None and not os.path.exists(ready):
                open(ready, "w").close()
        except Exception as e:
            fails += 1
            print("request %d: %s: %s" % (n, e.__class__.__name__, e),
                  file=sys.stderr, flush=True)
            time.sleep(0.01)
    print("requests %d failures %d pids %s" % (n, fails, ",".join(pids)),
          flush=True)
    return 0 if fails == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
