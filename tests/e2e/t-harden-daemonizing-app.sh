#!/usr/bin/env bash
# Issue 12 item 15: an app that daemonizes itself (fork, setsid, fork
# again; the main process exits 0) is followed, as systemd does for
# Type=forking: the one process left becomes the app's main process, the
# app is online with that pid, `info` says so, there is never a second
# copy, and `opm stop` ends it. A main process that exits 0 leaving a
# child in its own process group is not a daemon: that child is killed
# (t-sup-crash-kills-leftovers).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

pidfile=$TEST_TMP/daemon.pid
assert_exit 0 "$OPM" start --name forky --min-uptime 300ms \
    "$TESTAPP" tag "$TAG" tag forky daemonize pidfile "$pidfile" forever
wait_for 5 test -s "$pidfile"
dpid=$(<"$pidfile")
track_pid "$dpid"
wait_status forky online

up_for()
{
	local up

	up=$(app_field forky uptime_ms)
	(( up >= $1 ))
}
wait_for 10 up_for 1500
assert_eq 1 "$(count_procs "*tag $TAG tag forky *")" "copies of forky"
assert_eq "$dpid" "$(app_field forky pid)" "pid of forky"
assert_eq online "$(app_field forky status)" "status of forky"
assert_eq 0 "$(app_field forky restarts)" "restarts of forky"
assert_exit 0 "$OPM" info forky
assert_contains "$OUT" "followed daemonized child $dpid" "info of forky"
assert_contains "$(<"$OPM_HOME/opmd.log")" "followed daemonized child $dpid"

assert_exit 0 "$OPM" stop forky
pid_dead "$dpid" || fail "daemonized pid $dpid alive after stop"
assert_eq stopped "$(app_field forky status)" "status after stop"
assert_eq 0 "$(count_procs "*tag $TAG tag forky *")" "copies after stop"

# Started again: followed again, still one copy.
rm -f -- "$pidfile"
assert_exit 0 "$OPM" start forky
wait_for 5 test -s "$pidfile"
dpid=$(<"$pidfile")
track_pid "$dpid"
wait_status forky online
wait_for 10 up_for 1000
assert_eq 1 "$(count_procs "*tag $TAG tag forky *")" "copies after start"
assert_eq "$dpid" "$(app_field forky pid)" "pid after start"

# The daemon dies on its own: restarted like any app, one copy again.
kill -KILL "$dpid"
restarted()
{
	local p

	[[ -s $pidfile ]] || return 1
	p=$(<"$pidfile")
	[[ $p != "$dpid" && $(app_field forky pid) == "$p" ]]
}
wait_for 10 restarted
wait_status forky online
assert_eq 1 "$(count_procs "*tag $TAG tag forky *")" "copies after crash"
assert_eq 1 "$(app_field forky restarts)" "restarts after crash"
assert_exit 0 "$OPM" stop forky
assert_eq 0 "$(count_procs "*tag $TAG tag forky *")" "copies at the end"
