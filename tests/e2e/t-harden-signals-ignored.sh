#!/usr/bin/env bash
# Signals whose default action is to terminate (SIGUSR1, SIGUSR2, SIGALRM,
# SIGHUP, SIGPIPE, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGXFSZ, SIGSTKFLT and
# the real-time signals) neither kill the daemon nor the keeper; the daemon
# logs the ones a user sends by hand. SIGTERM still stops the daemon.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" forever
wait_status a online
apid=$(app_field a pid)
dpid=$(daemon_pid)

keeper_pid()
{
	local pid

	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		[[ $_CMDLINE == *opmd\ --keeper* ]] && { echo "$pid"; return 0; }
	done
	return 1
}
wait_for 5 keeper_pid
kpid=$(keeper_pid)

# Nothing pending any more: every signal was delivered (or discarded).
no_pending()
{
	pid_alive "$1" || return 0
	grep -q '^SigPnd:[[:space:]]*0*$' "/proc/$1/status" &&
	    grep -q '^ShdPnd:[[:space:]]*0*$' "/proc/$1/status"
}

for sig in USR1 USR2 ALRM HUP PIPE VTALRM PROF IO PWR XFSZ STKFLT RTMIN \
    RTMIN+5 RTMAX-3 RTMAX; do
	kill -s "$sig" "$dpid"
	kill -s "$sig" "$kpid"
	wait_for 5 no_pending "$dpid"
	wait_for 5 no_pending "$kpid"
	pid_alive "$dpid" || fail "SIG$sig killed the daemon"
	pid_alive "$kpid" || fail "SIG$sig killed the keeper"
done
assert_exit 0 "$OPM" ping
assert_eq "$apid" "$(app_field a pid)" "the app kept running"
wait_for 5 grep -q "SIGUSR1 ignored" "$OPM_HOME/opmd.log"
wait_for 5 grep -q "SIGALRM ignored" "$OPM_HOME/opmd.log"

kill -TERM "$dpid"
wait_for 10 pid_dead "$dpid"
echo "ok: daemon $dpid and keeper $kpid survive stray signals; TERM stops"
