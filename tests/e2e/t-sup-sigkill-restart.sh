#!/usr/bin/env bash
# An online app killed by SIGKILL from outside is restarted at once (well
# under a second: restart_delay is 0), with a new pid in a process group of
# its own; restarts becomes 1, exit_signal "SIGKILL", exit_code null, and
# exactly one process runs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

pidfile=$TEST_TMP/app.pid
assert_exit 0 "$OPM" start --name victim --min-uptime 300ms \
    "$TESTAPP" tag "$TAG" pidfile "$pidfile" forever
wait_status victim online
pid=$(app_field victim pid)
wait_for 5 test -s "$pidfile"
assert_eq "$pid" "$(<"$pidfile")" "pidfile of the first run"

new_pid_in_pidfile()
{
	local p

	read -r p <"$pidfile" 2>/dev/null || return 1
	[[ $p != "$pid" ]] && pid_alive "$p"
}

t0=${EPOCHREALTIME/[.,]/}
kill -KILL "$pid"
wait_for 5 new_pid_in_pidfile
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "restarted after ${ms} ms"
(( ms < 500 )) || fail "restart took ${ms} ms after SIGKILL (want < 500)"

pid2=$(<"$pidfile")
wait_status victim online
assert_eq "$pid2" "$(app_field victim pid)" "pid of the restarted app"
pid_dead "$pid" || fail "old pid $pid still alive"
assert_eq 1 "$(app_field victim restarts)" "restarts"
assert_eq SIGKILL "$(app_field victim exit_signal)" "exit_signal"
assert_eq null "$(app_field victim exit_code)" "exit_code"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG *")" "processes"
read -r -a stat <"/proc/$pid2/stat"
assert_eq "$pid2" "${stat[4]}" "process group of the restarted app"

# A second kill: restarts 2.
pid=$pid2
kill -KILL "$pid"
wait_for 5 new_pid_in_pidfile
wait_status victim online
assert_eq 2 "$(app_field victim restarts)" "restarts after a second SIGKILL"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG *")" "processes"
