#!/usr/bin/env bash
# A daemon started by a CLI whose signal mask blocks SIGCHLD and SIGTERM,
# and which ignores SIGINT and SIGHUP, still sees its apps exit (a killed
# app restarts) and still stops on SIGTERM: the daemon resets its mask and
# inherited dispositions at start-up. Its apps and its keeper start with no
# blocked and no ignored signal.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

blocked()
{
	python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK,
    {signal.SIGCHLD, signal.SIGTERM, signal.SIGUSR1})
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$@"
}

assert_exit 0 blocked "$OPM" start --name a "$TESTAPP" tag "$TAG" forever
wait_status a online
pid=$(app_field a pid)
dpid=$(daemon_pid)
field() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"; }
assert_eq 0000000000000000 "$(field SigBlk "$dpid")" "daemon's blocked signals"
assert_eq 0000000000000000 "$(field SigBlk "$pid")" "app's blocked signals"
assert_eq 0000000000000000 "$(field SigIgn "$pid")" "app's ignored signals"

kill -KILL "$pid"
new_pid() { local p; p=$(app_field a pid); [[ $p != "$pid" && $p != null ]]; }
wait_for 10 new_pid
wait_status a online
assert_eq 1 "$(app_field a restarts)" "restarts after the kill"

kill -TERM "$dpid"
wait_for 10 pid_dead "$dpid"
echo "ok: daemon $dpid saw the exit and stopped on SIGTERM despite the mask"
