#!/usr/bin/env bash
# ready: tcp:PORT (issue 14 item 1): a python3 server that starts listening
# only once it is let go. Until then the probe's connects are refused and
# retried without blocking the daemon (other requests are answered); the
# app is launching and `opm start` waits; once it listens, the app is
# online. `opm restart` waits the same way, and exits 1 when the new
# process does not listen in time. A server that never listens fails its
# start after
# listen_timeout, as many times as max_restarts allows, and is errored.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
cat >server.py <<'PY'
import os, socket, sys, time
gate, port = sys.argv[1], int(sys.argv[2])
while not os.path.exists(gate):
    time.sleep(0.02)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
print("listening on", port)
while True:
    c, _ = s.accept()
    c.close()
PY
# A port nothing listens on now.
port=$(free_port)

"$OPM" start --name api --ready "tcp:$port" --listen-timeout 8s server.py \
    "$TEST_TMP/go" "$port" >start.out 2>start.err &
start=$!
wait_status api launching
# The daemon answers while it probes, and the app stays launching.
for _ in 1 2 3; do
	assert_exit 0 "$OPM" ping
	assert_eq launching "$(app_field api status)" "status before listen"
done
pid_alive "$start" || fail "opm start answered before the port listened"
touch "$TEST_TMP/go"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start exited $?: $(<start.err)"
assert_eq online "$(app_field api status)" "status once listening"
assert_eq true "$(app_field api ready)" "ready once listening"
grep -q "api: ready (tcp:$port answered)" "$OPM_HOME/opmd.log" ||
    fail "opmd.log does not say how api became ready"

# restart: answered once the new process listens; then one that does not.
assert_exit 0 "$OPM" restart api
assert_eq online "$(app_field api status)" "status after restart"
assert_eq true "$(app_field api ready)" "ready after restart"
rm "$TEST_TMP/go"
assert_exit 1 "$OPM" restart api
assert_contains "$ERR" "api: cannot start: not ready within listen_timeout" \
    "restart of a server that does not listen"
# Backing off (waiting, or launching again already), never online.
assert_ne online "$(app_field api status)" "status after a failed restart"
assert_exit 0 "$OPM" info --json api
(( $(jq .failed_starts <<<"$OUT") >= 1 )) || fail "no failed start: $OUT"

# --- Never listening: failed starts, then errored. -------------------------
port2=$(free_port)
assert_exit 1 "$OPM" start --name deaf --ready "tcp:$port2" --listen-timeout 1s \
    --max-restarts 1 server.py "$TEST_TMP/never" "$port2"
assert_contains "$ERR" "deaf: cannot start: not ready within listen_timeout" \
    "start of a server that never listens"
wait_status deaf errored 30
assert_eq 1 "$(app_field deaf restarts)" "restarts of deaf"
