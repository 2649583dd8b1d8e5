#!/usr/bin/env python3
"""rawclient.py: a raw client of opmd's control socket, for hostile tests.

usage: rawclient.py MODE SOCKET [OPTIONS]

  send SOCK [--timeout S] [--lines N] [--close]
      Connects, sends stdin as is (bytes), then reads. Prints "CONNECTED",
      each reply line, then "END EOF" (the daemon closed), "END RESET",
      "END OPEN" (N reply lines came and the connection stayed open for
      0.15 s more) or "END TIMEOUT". --close: close right after sending,
      print "END SENT".
  flood SOCK --bytes N [--timeout S]
      Sends N bytes of one never-ending JSON string (no newline) in 64 KiB
      chunks, stopping when the daemon stops taking them. Prints one JSON
      object: {"sent": BYTES, "replies": [...], "end": "EOF|RESET|TIMEOUT"}.
  idle SOCK --count N --ready FILE --stop FILE [--timeout S]
      Opens N connections and holds them without sending anything; writes
      FILE once all are connected; closes them when the stop file appears
      (or after the timeout). Exits 1 if a connection was closed by the
      daemon meanwhile.
  noreader SOCK --ready FILE --stop FILE [--seconds S] [--timeout S]
      Sends one ping and never reads; writes "one" into the ready file;
      then sends pipelined pings for S seconds (never reading) until the
      daemon stops taking them or drops us; writes a JSON summary
      {"sent": BYTES, "requests": N, "end": "..."} into the ready file;
      then waits for the stop file.

  batch SOCK CASES --opm OPM --pidfile FILE --pid PID
      Runs every case of the file CASES, one per line, tab-separated:
          KIND LABEL NEEDLE ID BASE64-DATA
      each on a fresh connection, and after each one checks that `OPM ping`
      answers "pong" and that FILE still names PID, alive. KIND:
        fatal     one error reply (ok false, v 1, error containing NEEDLE),
                  then the daemon closes the connection;
        nonfatal  the data, then a ping with id 4242 on the same
                  connection: an error reply containing NEEDLE whose id is
                  ID ("null" or a number), then the ping's ok reply, and
                  the connection stays open;
        ok        one ok reply, connection open;
        close     send the data and close at once.
      Prints "ok: LABEL" or "FAIL: LABEL: why" per case; exits 1 when a
      case failed. Stops at once if the daemon died or changed.

Exit status 0 unless something unexpected (cannot connect...) happened.
"""
import errno
import json
import os
import select
import socket
import sys
import time

# How long a connection must stay open after the replies to count as open.
GRACE = 0.15


def connect(path, timeout=5.0):
    """Connects, retrying while the listen backlog is full (EAGAIN: a
    Unix socket does not wait for room), up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def read_lines(s, deadline, want_lines=None):
    """Reads until EOF, reset, deadline or want_lines lines (+0.3 s)."""
    buf = b""
    lines = []
    grace = None
    while True:
        now = time.monotonic()
        limit = deadline if grace is None else min(deadline, grace)
        if now >= limit:
            return lines, buf, ("OPEN" if grace is not None else "TIMEOUT")
        r, _, _ = select.select([s], [], [], limit - now)
        if not r:
            continue
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return lines, buf, "RESET"
        if not chunk:
            return lines, buf, "EOF"
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            lines.append(line.decode("utf-8", "replace"))
        if want_lines is not None and len(lines) >= want_lines \
                and grace is None:
            grace = time.monotonic() + GRACE


def opt(args, name, default=None, conv=str):
    if name in args:
        i = args.index(name)
        return conv(args[i + 1])
    return default


def mode_send(path, args):
    timeout = opt(args, "--timeout", 5.0, float)
    want = opt(args, "--lines", None, int)
    data = sys.stdin.buffer.read()
    s = connect(path)
    print("CONNECTED", flush=True)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError) as e:
        print("SEND-ERROR %s" % e.__class__.__name__, flush=True)
    if "--close" in args:
        s.close()
        print("END SENT")
        return 0
    lines, rest, end = read_lines(s, time.monotonic() + timeout, want)
    for l in lines:
        print(l)
    if rest:
        print("PARTIAL %r" % rest[:200])
    print("END " + end)
    s.close()
    return 0


def mode_flood(path, args):
    total = opt(args, "--bytes", 64 << 20, int)
    timeout = opt(args, "--timeout", 10.0, float)
    s = connect(path)
    s.setblocking(False)
    head = b'{"v":1,"id":1,"cmd":"ping","args":{"x":"'
    chunk = b"a" * 65536
    sent = 0
    pending = head
    deadline = time.monotonic() + timeout
    end = None
    replies = []
    buf = b""
    while sent < total and end is None:
        if time.monotonic() >= deadline:
            end = "TIMEOUT"
            break
        if not pending:
            pending = chunk[:min(len(chunk), total - sent)]
        r, w, _ = select.select([s], [s], [], 0.5)
        if r:
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                end = "RESET"
                break
            if not got:
                end = "EOF"
                break
            buf += got
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                replies.append(line.decode("utf-8", "replace"))
        if w:
            try:
                n = s.send(pending)
            except (BrokenPipeError, ConnectionResetError):
                end = "SEND-CLOSED"
                break
            except BlockingIOError:
                n = 0
            sent += n
            pending = pending[n:]
    # Whatever the daemon said before closing.
    s.setblocking(True)
    lines, rest, end2 = read_lines(s, time.monotonic() + 5.0)
    replies += lines
    if end in (None, "SEND-CLOSED"):
        end = end2
    print(json.dumps({"sent": sent, "replies": replies, "end": end}))
    s.close()
    return 0


def mode_idle(path, args):
    count = opt(args, "--count", 100, int)
    ready = opt(args, "--ready")
    stop = opt(args, "--stop")
    timeout = opt(args, "--timeout", 30.0, float)
    socks = []
    for _ in range(count):
        socks.append(connect(path))
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(ready + ".tmp", ready)
    deadline = time.monotonic() + timeout
    closed = 0
    poller = select.poll()
    byfd = {}
    for s in socks:
        poller.register(s, select.POLLIN)
        byfd[s.fileno()] = s
    while not os.path.exists(stop) and time.monotonic() < deadline:
        for fd, _ in poller.poll(50):
            s = byfd.pop(fd)
            poller.unregister(fd)
            socks.remove(s)
            s.close()
            closed += 1
    for s in socks:
        s.close()
    if closed:
        print("idle: %d connections closed by the daemon" % closed)
        return 1
    return 0


def mode_noreader(path, args):
    ready = opt(args, "--ready")
    stop = opt(args, "--stop")
    seconds = opt(args, "--seconds", 3.0, float)
    timeout = opt(args, "--timeout", 30.0, float)

    def tell(text):
        with open(ready + ".tmp", "w") as f:
            f.write(text + "\n")
        os.rename(ready + ".tmp", ready)

    s = connect(path)
    s.sendall(b'{"v":1,"id":1,"cmd":"ping"}\n')
    # From here on nothing is ever read.
    tell("one")
    while not os.path.exists(stop + ".one"):
        if os.path.exists(stop):
            s.close()
            return 0
        time.sleep(0.02)
    req = b'{"v":1,"id":1,"cmd":"ping"}\n' * 2048
    s.setblocking(False)
    sent = 0
    end = "STALLED"
    t0 = time.monotonic()
    stalled_since = None
    while time.monotonic() - t0 < seconds:
        _, w, _ = select.select([], [s], [], 0.1)
        if not w:
            # The daemon stopped reading us: fine, that is back-pressure.
            if stalled_since is None:
                stalled_since = time.monotonic()
            continue
        stalled_since = None
        try:
            n = s.send(req)
        except (BrokenPipeError, ConnectionResetError):
            end = "DROPPED"
            break
        except BlockingIOError:
            continue
        sent += n
    else:
        end = "STALLED" if stalled_since is not None else "TAKING"
    tell(json.dumps({"sent": sent,
                     "requests": sent // 28, "end": end}))
    deadline = time.monotonic() + timeout
    while not os.path.exists(stop) and time.monotonic() < deadline:
        time.sleep(0.02)
    s.close()
    return 0


def daemon_mem(pid):
    rss = hwm = "?"
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = line.split()[1]
                elif line.startswith("VmHWM:"):
                    hwm = line.split()[1]
    except OSError:
        pass
    return "VmRSS %s kB, VmHWM %s kB" % (rss, hwm)


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
        return st not in ("Z", "X")
    except OSError:
        return False


def check_case(path, kind, needle, want_id, data):
    """Returns None when the case behaved, else why not."""
    s = connect(path)
    try:
        if kind == "nonfatal":
            data += b'{"v":1,"id":4242,"cmd":"ping"}\n'
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            if kind not in ("fatal", "close"):
                return "the daemon closed the connection while we sent"
        if kind == "close":
            return None
        want = {"fatal": None, "nonfatal": 2, "ok": 1}[kind]
        lines, rest, end = read_lines(s, time.monotonic() + 5.0, want)
    finally:
        s.close()
    got = "replies %r, end %s" % (lines, end)
    try:
        replies = [json.loads(l) for l in lines]
    except ValueError:
        return "a reply is not JSON: " + got
    if rest:
        return "a reply without newline: %r; %s" % (rest[:100], got)
    if kind == "ok":
        if len(replies) != 1 or replies[0].get("ok") is not True:
            return "want one ok reply: " + got
        if end != "OPEN":
            return "connection closed after an ok reply: " + got
        return None
    if not replies:
        return "no error reply: " + got
    r = replies[0]
    if r.get("ok") is not False or r.get("v") != 1 or \
            not isinstance(r.get("error"), str):
        return "first reply is not an error reply with v 1: " + got
    if needle.lower() not in r["error"].lower():
        return "error does not mention %r: %s" % (needle, got)
    if kind == "fatal":
        if len(replies) != 1:
            return "want exactly one error line: " + got
        if end not in ("EOF", "RESET"):
            return "connection not closed after a fatal error: " + got
        return None
    if json.dumps(r.get("id")) != want_id:
        return "error reply id %s, want %s: %s" % (json.dumps(r.get("id")),
                                                    want_id, got)
    if len(replies) != 2 or replies[1].get("ok") is not True or \
            replies[1].get("id") != 4242:
        return "the ping after the error was not answered: " + got
    if end != "OPEN":
        return "connection closed after a non-fatal error: " + got
    return None


def mode_batch(path, args):
    import base64
    import subprocess
    cases = args[0]
    opm = opt(args, "--opm")
    pidfile = opt(args, "--pidfile")
    pid = opt(args, "--pid", None, int)
    failed = 0
    with open(cases) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            kind, label, needle, want_id, b64 = line.split("\t")
            data = base64.b64decode(b64)
            try:
                why = check_case(path, kind, needle, want_id, data)
            except OSError as e:
                why = "socket error: %s" % e
            p = subprocess.run([opm, "ping"], capture_output=True,
                               text=True, timeout=20)
            try:
                with open(pidfile) as pf:
                    now = int(pf.readline())
            except (OSError, ValueError):
                now = None
            dead = None
            if p.returncode != 0 or p.stdout != "pong\n":
                dead = "opm ping after it: exit %d, [%s] [%s]" % (
                    p.returncode, p.stdout.strip(), p.stderr.strip())
            elif now != pid or not pid_alive(pid):
                dead = "daemon pid %s, was %d (alive: %s)" % (
                    now, pid, pid_alive(pid))
            if why is None and dead is None:
                print("ok: %s (%s)" % (label, daemon_mem(pid)), flush=True)
                continue
            failed += 1
            print("FAIL: %s: %s" % (label, why or dead), flush=True)
            if dead is not None:
                if why is not None:
                    print("FAIL: %s: %s" % (label, dead), flush=True)
                print("FAIL: the daemon died or changed; stopping here")
                return 1
    return 1 if failed else 0


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    fn = {"send": mode_send, "flood": mode_flood, "idle": mode_idle,
          "noreader": mode_noreader, "batch": mode_batch}.get(mode)
    if fn is None:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return fn(path, args)
    except OSError as e:
        print("rawclient: %s: %s" % (path, e), file=sys.stderr)
        print("END CONNECT-ERROR %s" % errno.errorcode.get(e.errno, e.errno))
        return 3


if __name__ == "__main__":
    sys.exit(main())
