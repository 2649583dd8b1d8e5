#!/usr/bin/env bash
# The daemon's life: which commands start it and which never do, daemon
# start/status/stop, file modes, SIGTERM with apps running, the foreground
# mode's sd_notify messages, and recovery from a SIGKILLed daemon's stale
# socket and pid file.
# shellcheck disable=SC2016 # single quotes are python programs
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

SOCK=$OPM_HOME/opmd.sock
PIDFILE=$OPM_HOME/opmd.pid
# The distribution's python: a pyenv shim costs a second or two per start.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

main_daemons()
{
	local all keepers

	all=$(count_daemons)
	keepers=$(count_procs '*opmd --keeper')
	echo $((all - keepers))
}

no_daemon()
{
	[[ $(count_daemons) == 0 ]]
}

# Mode bits of PATH have nothing for group and others, and PATH is ours.
owner_only()
{
	local path=$1 mode owner

	[[ -e $path ]] || fail "$path: no such file"
	mode=$(stat -c %a -- "$path")
	owner=$(stat -c %u -- "$path")
	(( (8#$mode & 8#077) == 0 )) ||
	    fail "$path: mode $mode gives access to group or others"
	assert_eq "$(id -u)" "$owner" "$path: owner"
}

# --- Commands that must not start a daemon. -------------------------------
assert_exit 3 "$OPM" daemon status
assert_contains "$OUT$ERR" "not running"
assert_exit 3 "$OPM" daemon status --json
assert_eq false "$(jq -r .running <<<"$OUT")" "daemon status --json: running"
assert_exit 0 "$OPM" version
assert_contains "$OUT" "opm "
assert_contains "$OUT" "not running" "opm version without a daemon"
assert_exit 0 "$OPM" help
assert_exit 0 "$OPM" daemon stop
assert_eq 0 "$(count_daemons)" "daemon status/version/help/stop start no daemon"
[[ ! -e $SOCK ]] || fail "a socket appeared though no daemon was started"

# --- daemon start, under a careless umask. --------------------------------
# Returns only once the daemon answers: status right after, no waiting.
assert_exit 0 bash -c 'umask 000; exec "$1" daemon start' - "$OPM"
assert_contains "$OUT" "$OPM_HOME/opmd.log" "daemon start prints the log path"
assert_exit 0 "$OPM" daemon status
pid=$(daemon_pid)
pid_alive "$pid" || fail "pid file names $pid, not running"
assert_contains "$OUT" "$pid" "daemon status shows the pid"
assert_exit 0 "$OPM" daemon status --json
assert_eq "$pid" "$(jq -r .pid <<<"$OUT")" "daemon status --json pid"
assert_eq 1 "$(main_daemons)" "opmd processes after daemon start"
assert_exit 0 "$OPM" daemon start
assert_contains "$OUT" "already running"
assert_eq "$pid" "$(daemon_pid)" "second daemon start keeps the daemon"

# File modes: the daemon sets its own umask whatever it inherited.
assert_file_mode 700 "$OPM_HOME"
owner_only "$OPM_HOME"
[[ -S $SOCK ]] || fail "$SOCK is not a socket"
owner_only "$SOCK"
assert_file_mode 600 "$PIDFILE"
owner_only "$PIDFILE"
assert_file_mode 600 "$OPM_HOME/opmd.log"
echo "modes: home $(stat -c %a "$OPM_HOME"), socket $(stat -c %a "$SOCK")," \
    "pid file $(stat -c %a "$PIDFILE"), log $(stat -c %a "$OPM_HOME/opmd.log")"
# Whatever else the daemon created: nothing open to group or others.
while IFS= read -r -d '' f; do
	owner_only "$f"
done < <(find "$OPM_HOME" -mindepth 1 -print0)

# An app's log files, too.
assert_exit 0 bash -c 'umask 000; exec "$@"' - "$OPM" start --name modes \
    "$TESTAPP" tag "$TAG" print hello forever
wait_status modes online
out_log=$(app_field modes out_log)
err_log=$(app_field modes err_log)
assert_file_mode 600 "$out_log"
assert_file_mode 600 "$err_log"
owner_only "$(dirname "$out_log")"

# --- daemon stop: apps stopped first, process gone, socket removed. -------
app_pid=$(app_field modes pid)
assert_exit 0 "$OPM" daemon stop
assert_contains "$OUT" "stopped"
# The CLI returns once the daemon is gone: no waiting here.
pid_dead "$pid" || fail "opm daemon stop returned, daemon $pid still alive"
pid_dead "$app_pid" || fail "daemon stopped, app $app_pid still alive"
[[ ! -e $SOCK ]] || fail "socket left behind by daemon stop"
[[ ! -e $PIDFILE ]] || fail "pid file left behind by daemon stop"
wait_for 5 no_daemon
assert_exit 3 "$OPM" daemon status
assert_exit 0 "$OPM" daemon stop
assert_contains "$OUT" "not running"
assert_eq 0 "$(count_daemons)" "daemon stop with no daemon starts none"

# --- SIGTERM with apps running: apps stopped, then the daemon exits. ------
assert_exit 0 "$OPM" start --name plain "$TESTAPP" tag "$TAG" forever
# This one ignores SIGTERM: the daemon must wait for the SIGKILL.
assert_exit 0 "$OPM" start --name stubborn --kill-timeout 1s \
    "$TESTAPP" tag "$TAG" ignore TERM forever
wait_status plain online
wait_status stubborn online
pid=$(daemon_pid)
plain_pid=$(app_field plain pid)
stubborn_pid=$(app_field stubborn pid)
t0=${EPOCHREALTIME/[.,]/}
kill -TERM "$pid"
wait_for 10 pid_dead "$pid"
t1=${EPOCHREALTIME/[.,]/}
# Apps survive the daemon's death by design: dead here means stopped.
pid_dead "$plain_pid" || fail "daemon exited on SIGTERM, app plain still runs"
pid_dead "$stubborn_pid" ||
    fail "daemon exited on SIGTERM, app stubborn (ignores TERM) still runs"
echo "SIGTERM to the daemon: exited after $(( (t1 - t0) / 1000 )) ms"
(( t1 - t0 >= 900000 )) ||
    fail "daemon exited $(( (t1 - t0) / 1000 )) ms after SIGTERM: it did not wait for the 1s kill timeout"
[[ ! -e $SOCK ]] || fail "socket left behind after SIGTERM"
wait_for 5 no_daemon
assert_contains "$(<"$OPM_HOME/opmd.log")" "SIGTERM"

# --- daemon run in the foreground, with NOTIFY_SOCKET. --------------------
# A datagram listener that prints every message it gets, one per line.
# (It prints to the file $2 and creates $2.ready: not the same file.)
# shellcheck disable=SC2094
notify_listen()
{
	"$PY" -u -c '
import socket, sys
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(sys.argv[2] + ".ready", "w").close()
while True:
    msg = s.recv(4096).decode("utf-8", "replace")
    for part in msg.split("\n"):
        if part:
            print(part, flush=True)
' "$1" "$2" >"$2" 2>"$2.err" &
	listener=$!
	track_pid "$listener"
	wait_for 5 test -e "$2.ready"
}

for addr in "$TEST_TMP/notify.sock" "@opm-e2e-notify-$$-$RANDOM"; do
	notes=$TEST_TMP/notes.$RANDOM
	notify_listen "$addr" "$notes"
	NOTIFY_SOCKET=$addr "$OPM" daemon run >"$TEST_TMP/run.out" \
	    2>"$TEST_TMP/run.err" &
	run_pid=$!
	track_pid "$run_pid"
	wait_for 10 grep -qx READY=1 "$notes"
	# opm daemon run execs opmd: the job is the daemon itself.
	assert_eq "$run_pid" "$(daemon_pid)" "daemon run: the pid file names the job"
	assert_exit 0 "$OPM" daemon status
	assert_contains "$OUT" "$run_pid"
	assert_exit 0 "$OPM" ping
	not grep -qx STOPPING=1 "$notes" || fail "STOPPING=1 before any stop"
	kill -TERM "$run_pid"
	wait_for 10 grep -qx STOPPING=1 "$notes"
	rc=0
	wait "$run_pid" || rc=$?
	assert_eq 0 "$rc" "daemon run: exit code after SIGTERM"
	echo "NOTIFY_SOCKET=$addr got: $(paste -sd' ' "$notes")"
	assert_eq 1 "$(grep -cx STOPPING=1 "$notes")" "STOPPING=1 messages"
	[[ ! -e $SOCK ]] || fail "socket left behind by daemon run"
	wait_for 5 no_daemon
	kill "$listener"
	wait "$listener" || true
done

# --- Stale socket and pid file after a SIGKILL. ---------------------------
assert_exit 0 "$OPM" ping
old=$(daemon_pid)
kill -KILL "$old"
wait_for 5 pid_dead "$old"
[[ -S $SOCK ]] || fail "a SIGKILLed daemon should leave its socket (test premise)"
[[ -s $PIDFILE ]] || fail "a SIGKILLed daemon should leave its pid file (test premise)"
# Not running: status says so and does not start one.
assert_exit 3 "$OPM" daemon status
assert_eq 0 "$(main_daemons)" "daemon status with a stale socket started a daemon"
assert_exit 0 "$OPM" list
new=$(daemon_pid)
assert_ne "$old" "$new" "a new daemon after the SIGKILL"
pid_alive "$new" || fail "new daemon $new not running"
assert_eq 1 "$(main_daemons)" "opmd processes after a stale socket"

# A stale pid file naming a live process that is not opmd (this shell),
# and a stale socket nobody listens on.
kill -KILL "$new"
wait_for 5 pid_dead "$new"
echo "$$" >"$PIDFILE"
rm -f "$SOCK"
"$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$SOCK"
[[ -S $SOCK ]] || fail "test premise: stale socket"
assert_exit 0 "$OPM" ping
new2=$(daemon_pid)
assert_ne "$$" "$new2" "pid file after a stale pid file"
assert_ne "$new" "$new2" "pid file after a stale pid file"
pid_alive "$new2" || fail "daemon $new2 not running"
pid_alive "$$" || fail "how did we die"
assert_eq 1 "$(main_daemons)" "opmd processes after a stale pid file"
assert_exit 0 "$OPM" daemon stop
wait_for 5 pid_dead "$new2"
