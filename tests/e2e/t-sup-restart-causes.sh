#!/usr/bin/env bash
# Every counted restart is also counted under its cause in
# restarts_by_cause (README "Restart policy"): a crash, a user's restart,
# and the sum of the causes is restarts. The counts survive a daemon
# reload (they are in the runtime record) and `opm reset` clears them.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name c --min-uptime 200ms "$TESTAPP" \
    tag "$TAG" forever
wait_status c online
p=$(app_field c pid)
kill -KILL "$p"
new_pid()
{
	local q

	q=$(app_field c pid)
	echo "pid $q (old $p)"
	[[ $q != "$p" && $q != null ]]
}
wait_for 10 new_pid
wait_status c online
assert_exit 0 "$OPM" restart c
assert_exit 0 "$OPM" restart c
assert_eq 1 "$(app_field c restarts_by_cause.crash)" "crash restarts"
assert_eq 2 "$(app_field c restarts_by_cause.user)" "user restarts"
assert_eq 0 "$(app_field c restarts_by_cause.watch)" "watch restarts"
assert_eq 3 "$(app_field c restarts)" "restarts"
assert_eq 3 "$(app_field c 'restarts_by_cause | [.[]] | add')" \
    "sum of the causes"
assert_eq '["crash","cron","health","memory","user","watch","watchdog"]' \
    "$(app_field c 'restarts_by_cause | keys | tojson')" "causes"

assert_exit 0 "$OPM" daemon reload
wait_status c online
assert_eq 1 "$(app_field c restarts_by_cause.crash)" "crash restarts after reload"
assert_eq 2 "$(app_field c restarts_by_cause.user)" "user restarts after reload"

assert_exit 0 "$OPM" reset c
assert_eq 0 "$(app_field c 'restarts_by_cause | [.[]] | add')" "after reset"
teardown
