#!/usr/bin/env bash
# --restart on-failure: exit 0 ends `stopped` with no restart; exit 1 and a
# death by signal are failures and restart the app (restarts counts them).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# Exit 0 after a run: stopped.
assert_exit 0 "$OPM" start --name clean --restart on-failure --min-uptime 200ms \
    "echo run >>$TEST_TMP/clean.runs; $TESTAPP tag $TAG sleep 0.4 exit 0"
wait_status clean stopped 5
assert_eq 0 "$(app_field clean exit_code)" "exit_code of clean"
assert_eq 0 "$(app_field clean restarts)" "restarts of clean"

# Exit 1 after a run: restarted.
nruns()
{
	local n=0

	[[ -f $TEST_TMP/$1.runs ]] && n=$(wc -l <"$TEST_TMP/$1.runs")
	echo "runs of $1: $n (want >= $2)"
	(( n >= $2 ))
}
assert_exit 0 "$OPM" start --name bad --restart on-failure --min-uptime 200ms \
    "echo run >>$TEST_TMP/bad.runs; $TESTAPP tag $TAG sleep 0.4 exit 1"
wait_for 5 nruns bad 2
assert_eq 1 "$(app_field bad exit_code)" "exit_code of bad"
restarts=$(app_field bad restarts)
(( restarts >= 1 )) || fail "restarts of bad: $restarts"
assert_exit 0 "$OPM" stop bad

# Killed by a signal: restarted.
assert_exit 0 "$OPM" start --name sig --restart on-failure --min-uptime 200ms \
    "$TESTAPP" tag "$TAG" forever
wait_status sig online
pid=$(app_field sig pid)
kill -KILL "$pid"
new_pid()
{
	local p

	p=$(app_field sig pid)
	[[ $p != null && $p != "$pid" ]]
}
wait_for 5 new_pid
assert_eq 1 "$(app_field sig restarts)" "restarts of sig"
assert_eq SIGKILL "$(app_field sig exit_signal)" "exit_signal of sig"

# clean stayed stopped all along.
assert_eq stopped "$(app_field clean status)" "status of clean at the end"
assert_eq 1 "$(wc -l <"$TEST_TMP/clean.runs")" "runs of clean"
