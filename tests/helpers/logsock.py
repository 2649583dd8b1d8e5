#!/usr/bin/env python3
"""A stand-in for journald or syslogd, for the log_target tests.

    logsock.py journal|syslog SOCKET OUT

Binds a unix datagram socket at SOCKET and appends one JSON object per
datagram to OUT. journal: the native protocol decoded, both forms of a
field ("KEY=VALUE\\n", and "KEY\\n" + 64-bit little-endian length + bytes
+ "\\n"): {"fields": {KEY: VALUE}, "binary": [KEYs sent in binary form]};
a malformed datagram is {"error": WHY}. syslog: {"raw": TEXT}. Runs until
killed.
"""
import json
import os
import socket
import struct
import sys


def decode(data):
    fields, binary, pos = {}, [], 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            raise ValueError("field without its newline at %d" % pos)
        line = data[pos:nl]
        eq = line.find(b"=")
        if eq >= 0:
            key, value, pos = line[:eq], line[eq + 1:], nl + 1
        else:
            key = line
            if nl + 9 > len(data):
                raise ValueError("binary field %r cut" % key)
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            start = nl + 9
            value = data[start:start + n]
            if len(value) != n or data[start + n:start + n + 1] != b"\n":
                raise ValueError("binary field %r: bad length %d" % (key, n))
            pos = start + n + 1
            binary.append(key.decode())
        k = key.decode()
        if not k or not all(c.isupper() or c.isdigit() or c == "_" for c in k):
            raise ValueError("bad field name %r" % k)
        fields[k] = value.decode("utf-8", "backslashreplace")
    return {"fields": fields, "binary": binary}


def main():
    kind, path, out = sys.argv[1:4]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path + ".tmp")
    os.rename(path + ".tmp", path)
    with open(out, "a") as f:
        while True:
            data = s.recv(1 << 20)
            if kind == "journal":
                try:
                    rec = decode(data)
                except ValueError as e:
                    rec = {"error": str(e)}
            else:
                rec = {"raw": data.decode("utf-8", "backslashreplace")}
            f.write(json.dumps(rec) + "\n")
            f.flush()


main()
