#!/usr/bin/env bash
# ready: notify (issue 14 item 1). A python3 app that sends READY=1 and
# STATUS=serving over NOTIFY_SOCKET once it is let go: `opm start` answers
# only after READY=1, the app is launching (ready false) before and online
# (ready true) after, and info shows the status text. The socket is in the
# runtime directory. A datagram from a process that is not the app's is
# ignored (and logged); one from the app's child, in its process group,
# counts. An app that never sends READY=1 with --listen-timeout 1s: `opm
# start` exits 1 naming the timeout, and after max_restarts failed starts
# the app is errored, never online.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
# Sends READY=1 and STATUS=serving once the file $1 exists; then sleeps.
# With a second argument, a child process in its group sends it.
cat >notify_app.py <<'PY'
import os, socket, subprocess, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
msg = b"READY=1\nSTATUS=serving"
if len(sys.argv) > 2:
    code = ("import os, socket, time; s = socket.socket(socket.AF_UNIX, "
            "socket.SOCK_DGRAM); s.sendto(%r, os.environ['NOTIFY_SOCKET']);"
            " time.sleep(3600)" % msg)
    subprocess.Popen([sys.executable, "-c", code])
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(msg, os.environ["NOTIFY_SOCKET"])
time.sleep(3600)
PY
# A process of the test, not of any app, that claims an app is ready.
cat >foreign.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1\nSTATUS=forged", sys.argv[1])
PY

# The value of variable $2 in the environment of pid $1.
env_of()
{
	tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p"
}

# App $1 has a pid.
has_pid()
{
	[[ $(app_field "$1" pid) != null ]]
}

# Process $1 has executed its program: NOTIFY_SOCKET is in its environment.
has_notify()
{
	[[ -n $(env_of "$1" NOTIFY_SOCKET) ]]
}

# --- Online only after READY=1, and start waits for it. ------------------
"$OPM" start --name srv --ready notify notify_app.py "$TEST_TMP/go-srv" \
    >start.out 2>start.err &
start=$!
wait_status srv launching
wait_for 10 has_pid srv
pid=$(app_field srv pid)
wait_for 10 has_notify "$pid"
assert_eq false "$(app_field srv ready)" "ready while launching"
sock=$(env_of "$pid" NOTIFY_SOCKET)
assert_eq "$OPM_HOME/notify/$(app_field srv id)" "$sock" "NOTIFY_SOCKET"
test -S "$sock" || fail "no socket at $sock"
# Still launching a while later, and opm start still waits.
"$OPM" info srv >/dev/null
pid_alive "$start" || fail "opm start answered before READY=1: $(<start.out)"
assert_eq launching "$(app_field srv status)" "status before READY=1"
touch "$TEST_TMP/go-srv"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start exited $?: $(<start.err)"
assert_contains "$(<start.out)" "srv: created" "opm start output"
assert_contains "$(<start.out)" "online" "opm start output"
assert_eq online "$(app_field srv status)" "status after READY=1"
assert_eq true "$(app_field srv ready)" "ready after READY=1"
assert_exit 0 "$OPM" info --json srv
assert_eq serving "$(jq -r .status_text <<<"$OUT")" "status_text"
assert_exit 0 "$OPM" info srv
assert_contains "$OUT" "serving" "opm info"
# A reload keeps the socket and the status text.
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" info --json srv
assert_eq serving "$(jq -r .status_text <<<"$OUT")" "status_text after reload"
assert_eq true "$(jq -r .ready <<<"$OUT")" "ready after reload"
test -S "$sock" || fail "no socket at $sock after a reload"

# --- A datagram from another process is ignored; the app's child counts.
"$OPM" start --name gated --ready notify notify_app.py "$TEST_TMP/go-gated" \
    child >gated.out 2>&1 &
start=$!
wait_for 10 has_pid gated
pid=$(app_field gated pid)
wait_for 10 has_notify "$pid"
python3 foreign.py "$(env_of "$pid" NOTIFY_SOCKET)"
wait_for 10 grep -q "gated: notify datagram from pid [0-9]* ignored" \
    "$OPM_HOME/opmd.log"
assert_eq launching "$(app_field gated status)" "after a foreign READY=1"
pid_alive "$start" || fail "opm start answered a foreign READY=1"
touch "$TEST_TMP/go-gated"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start of gated failed: $(<gated.out)"
assert_eq online "$(app_field gated status)" "READY=1 from the app's child"
assert_exit 0 "$OPM" info --json gated
assert_eq serving "$(jq -r .status_text <<<"$OUT")" "status_text of gated"

# --- Never ready: failed starts, then errored. ---------------------------
assert_exit 1 "$OPM" start --name never --ready notify --listen-timeout 1s \
    --max-restarts 1 notify_app.py "$TEST_TMP/no-such-file"
assert_contains "$ERR" "never: cannot start: not ready within listen_timeout" \
    "opm start of an app never ready"
wait_status never errored 30
assert_eq null "$(app_field never pid)" "pid of the errored app"
assert_exit 0 "$OPM" info --json never
assert_eq 2 "$(jq -r .failed_starts <<<"$OUT")" "failed starts"
assert_eq 1 "$(jq -r .restarts <<<"$OUT")" "restarts"
assert_contains "$(jq -r .reason <<<"$OUT")" "not ready within listen_timeout" \
    "reason"
log=$(<"$OPM_HOME/opmd.log")
assert_not_contains "$(grep 'never: ' <<<"$log")" "-> online" \
    "the app never ready was online"
