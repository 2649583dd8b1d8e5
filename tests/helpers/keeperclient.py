#!/usr/bin/env python3
"""keeperclient.py: a raw client of the descriptor keeper, for hostile tests.

usage: keeperclient.py SOCKET [--timeout S] [--request R]

Connects to the keeper's SOCK_SEQPACKET socket, sends one datagram R
(default "G": send every held pipe back, src/daemon/keeper.c), then reads
datagrams until the keeper closes the connection or the timeout. Prints
"CONNECTED", "SENT" (or "SEND-ERROR NAME" if the keeper had already closed),
one "MSG FDS TEXT" line per datagram received (FDS: descriptors passed with
it by SCM_RIGHTS, closed at once), then "END EOF", "END RESET" or
"END TIMEOUT", and last "FDS N", the number of descriptors received in all.

Exit status 0 unless something unexpected (cannot connect...) happened.
"""
import array
import os
import select
import socket
import sys
import time

MAXFDS = 64


def opt(args, name, default=None, conv=str):
    if name in args:
        i = args.index(name)
        return conv(args[i + 1])
    return default


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = argv[1]
    timeout = opt(argv, "--timeout", 3.0, float)
    request = opt(argv, "--request", "G").encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    s.connect(path)
    print("CONNECTED", flush=True)
    try:
        s.send(request)
        print("SENT", flush=True)
    except (BrokenPipeError, ConnectionResetError) as e:
        print("SEND-ERROR %s" % e.__class__.__name__, flush=True)
    total = 0
    end = "TIMEOUT"
    deadline = time.monotonic() + timeout
    fdsize = array.array("i").itemsize
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        try:
            data, anc, _, _ = s.recvmsg(8192,
                                        socket.CMSG_SPACE(MAXFDS * fdsize))
        except ConnectionResetError:
            end = "RESET"
            break
        fds = array.array("i")
        for level, kind, cdata in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(cdata[:len(cdata) - len(cdata) % fdsize])
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
        total += len(fds)
        if not data and not fds:
            end = "EOF"
            break
        print("MSG %d %s" % (len(fds), data.decode("utf-8", "replace")),
              flush=True)
    print("END " + end)
    print("FDS %d" % total)
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
