#!/usr/bin/env bash
# Only `opm daemon run` talks to NOTIFY_SOCKET (issue 12 item 3). A CLI
# that runs inside another systemd service has that service's
# NOTIFY_SOCKET in its environment: the daemon it starts must not send
# the service READY=1 or STOPPING=1, and no app (nor the keeper) gets the
# variable. `opm daemon run` still sends READY=1, and its apps and keeper
# do not inherit its NOTIFY_SOCKET either.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

# The other service's end: one line per datagram.
cat >"$TEST_TMP/notify.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        try:
            msg = s.recv(4096)
        except socket.timeout:
            break
        for line in msg.decode(errors="replace").splitlines():
            f.write(line + "\n")
PY
sock=$TEST_TMP/notify.sock
notes=$TEST_TMP/notify.out
: >"$notes"
"$PYTHON" "$TEST_TMP/notify.py" "$sock" "$notes" &
wait_for 5 test -S "$sock"

# Fails when any process of PIDS... has NOTIFY_SOCKET in its environment.
no_notify_env()	# LABEL PID...
{
	local label=$1 p

	shift
	for p in "$@"; do
		if tr '\0' '\n' <"/proc/$p/environ" | grep -q '^NOTIFY_SOCKET='
		then
			fail "$label: pid $p has NOTIFY_SOCKET in its environment"
		fi
	done
}

# --- A daemon started by a CLI with NOTIFY_SOCKET set. -------------------
export NOTIFY_SOCKET=$sock
assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" forever
wait_status a online
assert_exit 0 "$OPM" env a
assert_not_contains "$OUT" "NOTIFY_SOCKET=" "opm env a"
# (/proc/PID/environ of the daemon shows what it was started with, not
# what it unset; its re-exec below shows the latter.)
no_notify_env "CLI-started" "$(app_field a pid)" $(keeper_pids)
# A restart and a reload of the daemon do not make it talk either.
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" restart a
wait_status a online
no_notify_env "after reload" "$(daemon_pid)" "$(app_field a pid)"
assert_exit 0 "$OPM" daemon stop
wait_for 10 not test -S "$OPM_HOME/opmd.sock"
# A datagram sent before the stop has long arrived by now: the ping below
# goes through the same socket, after them.
"$PYTHON" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.sendto(b"PING", sys.argv[1])' "$sock"
wait_for 5 grep -q '^PING$' "$notes"
assert_eq "PING" "$(<"$notes")" "datagrams from a CLI-started daemon"
unset NOTIFY_SOCKET

# --- opm daemon run: READY=1, apps and keeper without the variable. ------
: >"$notes"
NOTIFY_SOCKET=$sock "$OPM" daemon run >"$TEST_TMP/run.out" 2>&1 </dev/null &
main=$!
wait_for 10 grep -q '^READY=1$' "$notes"
assert_exit 0 "$OPM" start --name b "$TESTAPP" tag "$TAG" forever
wait_status b online
no_notify_env "daemon run" "$(app_field b pid)" $(keeper_pids)
assert_exit 0 "$OPM" env b
assert_not_contains "$OUT" "NOTIFY_SOCKET=" "opm env b"
# A reload keeps the service informed.
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$main"
wait_for 5 grep -q '^STOPPING=1$' "$notes"
echo "notifications of opm daemon run: $(tr '\n' ';' <"$notes")"
