#!/usr/bin/env bash
# 100 clients that send `list` requests (250 KB replies) and never read
# them must not grow the daemon without bound: queued output has a global
# budget, the clients over it are dropped (and logged), the daemon's
# memory stays bounded and `opm ping` still answers (issue 12 item 12).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

SOCK=$OPM_HOME/opmd.sock
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
MEM_LIMIT_KB=$((64 * 1024))
# ASan's shadow memory and quarantine make RSS meaningless (as in
# t-socket-hostile): under the sanitizer build figures are only reported.
if [[ $(ldd "$OPMD" 2>/dev/null) == *libasan* ]]; then
	MEM_LIMIT_KB=$((4 * 1024 * 1024))
	echo "sanitizer build: memory figures reported, not bounded"
fi
ulimit -n "$(( $(ulimit -Hn) < 4096 ? $(ulimit -Hn) : 4096 ))"

status_kb()	# FIELD
{
	awk -v f="$1:" '$1 == f {print $2}' "/proc/$DPID/status"
}

# 100 apps with a 2 KB argument each, created stopped: `list` is ~250 KB.
"$PY" - "$TEST_TMP/apps.json" "$TESTAPP" "$TAG" <<'PY'
import json, sys
apps = [{"name": "a%d" % i, "argv": [sys.argv[2], "tag", sys.argv[3],
         "x" * 2000, "forever"], "autostart": False} for i in range(100)]
open(sys.argv[1], "w").write(json.dumps({"apps": apps}))
PY
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
assert_exit 0 "$OPM" list --json
echo "one list reply: ${#OUT} bytes"
DPID=$(daemon_pid)
echo "daemon before: VmRSS $(status_kb VmRSS) kB, VmHWM $(status_kb VmHWM) kB"

# 100 connections, 40 pipelined list requests each, nothing ever read.
"$PY" - "$SOCK" "$TEST_TMP/ready" "$TEST_TMP/stop" >"$TEST_TMP/py.out" 2>&1 <<'PY' &
import os, socket, sys, time
path, ready, stop = sys.argv[1:4]
req = b'{"v":1,"id":1,"cmd":"list"}\n' * 40
socks = []
for _ in range(100):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    try:
        s.send(req)
    except OSError:
        pass
    socks.append(s)
open(ready, "w").write("%d\n" % len(socks))
deadline = time.monotonic() + 60
while not os.path.exists(stop) and time.monotonic() < deadline:
    time.sleep(0.05)
PY
hostile=$!
wait_for 10 test -s "$TEST_TMP/ready"

# Let the daemon work through what it was sent: ping until it answers
# fast, then look at its memory.
pings=0
for ((k = 0; k < 50; k++)); do
	t0=${EPOCHREALTIME/[.,]/}
	assert_exit 0 timeout 20 "$OPM" ping
	t1=${EPOCHREALTIME/[.,]/}
	pings=$((pings + 1))
	(( t1 - t0 < 100000 && k >= 5 )) && break
	sleep 0.05
done
rss=$(status_kb VmRSS)
hwm=$(status_kb VmHWM)
echo "daemon with 100 unread clients: VmRSS $rss kB, VmHWM $hwm kB"
touch "$TEST_TMP/stop"
wait "$hostile" || fail "hostile client failed: $(<"$TEST_TMP/py.out")"

pid_alive "$DPID" || fail "the daemon died"
assert_eq "$DPID" "$(daemon_pid)" "daemon pid"
assert_exit 0 "$OPM" ping
assert_eq pong "$OUT"
(( hwm < MEM_LIMIT_KB )) ||
    fail "daemon VmHWM $hwm kB >= $MEM_LIMIT_KB kB with 100 clients that" \
    "never read their replies"
grep -q "dropped" "$OPM_HOME/opmd.log" ||
    fail "no client was logged as dropped: $(tail -n 5 "$OPM_HOME/opmd.log")"
grep -m 2 "dropped" "$OPM_HOME/opmd.log"
assert_exit 0 "$OPM" list --json
assert_eq 100 "$(jq length <<<"$OUT")" "list still works"
