#!/usr/bin/env bash
# `opm daemon reload` re-executes the daemon in place (LESSONS.md 11): same
# daemon pid, every app keeps its pid, its restart counter and its uptime
# (which goes on growing, never reset), no log line is lost (the ticking
# app's sequence has no gap across the reloads), and clients never notice:
# `opm ping` loops hammering the socket during the reloads never fail, and
# (deterministically) connections the daemon accepted just before a reload
# get their requests answered after it instead of being cut.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
assert_exit 0 "$OPM" start --name idle1 "$TESTAPP" tag "$TAG" tag idle1 \
    forever
assert_exit 0 "$OPM" start --name idle2 "$TESTAPP" tag "$TAG" tag idle2 \
    forever
apps=(idle1 idle2 ticker)
for a in "${apps[@]}"; do
	wait_status "$a" online
done
# A non-zero counter must survive too.
assert_exit 0 "$OPM" restart idle2
wait_status idle2 online

out_log=$(app_field ticker out_log)
wait_for 5 seq_above "$out_log" 20
before=$(snapshot)
assert_exit 0 "$OPM" list --json
declare -A up
for a in "${apps[@]}"; do
	up[$a]=$(jq --arg n "$a" '.[] | select(.name == $n) | .uptime_ms' \
	    <<<"$OUT")
done
assert_exit 0 "$OPM" daemon status --json
assert_eq 0 "$(jq .reloads <<<"$OUT")" "reloads before"
dpid=$(jq .pid <<<"$OUT")
assert_eq "$dpid" "$(opmd_pidfile)" "daemon pid in status and pid file"
keeper=$(keeper_pids)
RELOADS=5

# Deterministic first: clients that connected before a reload (accepted by
# the old image) and send their request after it must be answered, not
# find their connection closed under them. This is exactly what a CLI
# connecting at the wrong moment goes through.
cat >"$TEST_TMP/held.py" <<'PY'
import json, os, socket, sys, time
path, n, ready, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    socks.append(s)
open(ready, "w").close()
deadline = time.time() + 15
while not os.path.exists(go):
    if time.time() > deadline:
        print("FAIL: no go file")
        sys.exit(1)
    time.sleep(0.01)
for i, s in enumerate(socks):
    try:
        s.sendall(b'{"v":1,"id":%d,"cmd":"ping"}\n' % (i + 1))
        data = b""
        while not data.endswith(b"\n"):
            c = s.recv(4096)
            if not c:
                raise EOFError("connection closed by the daemon")
            data += c
        r = json.loads(data)
        print("ok" if r.get("ok") is True else "FAIL: reply %r" % data)
    except Exception as e:
        print("FAIL: %s: %s" % (type(e).__name__, e))
PY
clients_at_least()
{
	local n

	n=$("$OPM" daemon status --json | jq .clients)
	echo "clients: $n (want >= $1)"
	(( n >= $1 ))
}
"$PYTHON" "$TEST_TMP/held.py" "$OPM_HOME/opmd.sock" 3 "$TEST_TMP/held.ready" \
    "$TEST_TMP/held.go" >"$TEST_TMP/held.out" 2>&1 &
held=$!
wait_for 5 test -e "$TEST_TMP/held.ready"
# Accepted by the daemon: 3 held connections + the status request itself.
wait_for 5 clients_at_least 4
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" daemon status --json
assert_eq 1 "$(jq .reloads <<<"$OUT")" "reloads after the first one"
touch "$TEST_TMP/held.go"
rc=0
wait "$held" || rc=$?
held_out=$(<"$TEST_TMP/held.out")
echo "connections held across a reload:"$'\n'"$held_out"

# Clients hammering the daemon while it reloads: every ping must succeed.
# Each loop appends one line per ping: "ok" or "FAIL rc: stderr".
pinger()
{
	local rc err

	while [[ ! -e $TEST_TMP/stop-pinging ]]; do
		rc=0
		err=$("$OPM" ping 2>&1 >/dev/null) || rc=$?
		if (( rc == 0 )); then
			echo ok
		else
			echo "FAIL $rc: $err"
		fi
	done >>"$TEST_TMP/pings.$1"
}
pings_total()
{
	cat "$TEST_TMP"/pings.* 2>/dev/null | wc -l
}
pings_above()
{
	local n

	n=$(pings_total)
	echo "pings so far: $n (want > $1)"
	(( n > $1 ))
}
pingers=()
for i in 1 2 3; do
	pinger "$i" &
	pingers+=("$!")
done
wait_for 5 pings_above 10

killed_at=$(last_seq "$out_log")
for ((r = 1; r <= RELOADS; r++)); do
	n=$(pings_total)
	assert_exit 0 "$OPM" daemon reload
	# Pings keep flowing after each reload.
	wait_for 5 pings_above $((n + 5))
	wait_for 5 seq_above "$out_log" "$(last_seq "$out_log")"
done

touch "$TEST_TMP/stop-pinging"
for p in "${pingers[@]}"; do
	wait "$p"
done

# Same daemon process, reloads counted.
assert_exit 0 "$OPM" daemon status --json
assert_eq "$dpid" "$(jq .pid <<<"$OUT")" "daemon pid after reloads"
assert_eq $((RELOADS + 1)) "$(jq .reloads <<<"$OUT")" "reloads after"
assert_eq "$dpid" "$(opmd_pidfile)" "pid file after reloads"
assert_eq 1 "$(count_procs opmd)" "daemons"
assert_eq "$keeper" "$(keeper_pids)" "keeper (the same one)"

# Same apps, same pids, same counters; uptime went on.
assert_eq "$before" "$(snapshot)" "apps after the reloads"
assert_exit 0 "$OPM" list --json
for a in "${apps[@]}"; do
	u=$(jq --arg n "$a" '.[] | select(.name == $n) | .uptime_ms' <<<"$OUT")
	(( u >= up[$a] )) ||
	    fail "uptime of $a went back: ${up[$a]} ms before, $u ms after"
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
done
grep -q '^idle2 [0-9]* 1 online$' <<<"$before" ||
    fail "idle2 should have restarts 1: $before"

# Not one line lost by the log writers across the execs.
wait_for 5 seq_above "$out_log" $((killed_at + 100))
last=$(seq_check "$out_log")
echo "ticker: reloads started at $killed_at, now at $last, no gap"

# The reloaded daemon still supervises: a crash is seen and restarted.
p=$(app_field idle1 pid)
kill -KILL "$p"
wait_for 5 pid_changed idle1 "$p"
wait_status idle1 online
assert_eq 1 "$(app_field idle1 restarts)" "restarts of idle1 after SIGKILL"
assert_eq SIGKILL "$(app_field idle1 exit_signal)" \
    "exit_signal of idle1 (our child: status known)"

# Last, so that a failure here does not hide the checks above.
fails=$(cat "$TEST_TMP"/pings.* | grep -v '^ok$' || true)
[[ -z $fails ]] || fail "of $(pings_total) pings during $RELOADS reloads," \
    "$(grep -c . <<<"$fails") failed:"$'\n'"$fails"
echo "$(pings_total) pings during $RELOADS reloads, none failed"
[[ $rc == 0 && $held_out == $'ok\nok\nok' ]] ||
    fail "connections accepted before a reload, used after it" \
    "(exit $rc):"$'\n'"$held_out"
