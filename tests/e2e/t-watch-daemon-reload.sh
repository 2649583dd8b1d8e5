#!/usr/bin/env bash
# Watch after `opm daemon reload` and after a daemon killed by SIGKILL
# (its successor adopts the apps): nothing of the watches is saved, they
# are made again from the configuration, so a save still restarts the app,
# once; an app waiting for a change (a failed start) still waits, and the
# next save starts it. A stopped app is not watched, a started one again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
bad=$TEST_TMP/bad
mkdir -p "$app" "$bad"
echo 'exit 1' >"$bad/run.sh"
assert_exit 0 "$OPM" start --name w --cwd "$app" --watch --watch-delay 300ms \
    "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name b --cwd "$bad" --watch --watch-delay 300ms \
    --min-uptime 5s "sh run.sh # $TAG"
wait_for 10 online_pid w
wait_status b waiting 10

assert_exit 0 "$OPM" daemon reload
wait_for 10 online_pid w
save "$app/a.js" 1 0
wait_for 10 restarts_are w 1
assert_eq waiting "$(app_field b status)" "b after the reload"
assert_eq "crashed; waiting for a file change" "$(app_field b reason)" \
    "b's reason after the reload"
assert_grep_count()
{
	local n

	n=$(grep -c "w: watching" "$OPM_HOME/opmd.log")
	echo "watching lines: $n (want $1)"
	(( n == $1 ))
}
assert_grep_count 2

d=$(daemon_pid)
kill -KILL "$d"
wait_for 5 pid_dead "$d"
assert_exit 0 "$OPM" list --json
wait_for 10 online_pid w
save "$app/a.js" 1 0
wait_for 10 restarts_are w 2
echo 'exec sleep 3600' >"$bad/run.sh"
wait_for 10 online_pid b
assert_eq 1 "$(watch_restarts b)" "b's watch restarts"
sleep 1
assert_eq 2 "$(watch_restarts w)" "w's watch restarts, once each"

# Stopped: not watched; started: watched again.
assert_exit 0 "$OPM" stop w
assert_exit 0 "$OPM" info --json w
assert_eq null "$(jq -c .watch <<<"$OUT")" "watch of a stopped app"
save "$app/a.js" 1 0
sleep 1
assert_eq stopped "$(app_field w status)" "a save does not start it"
assert_exit 0 "$OPM" start w
wait_for 10 online_pid w
save "$app/a.js" 1 0
wait_for 10 restarts_are w 3
teardown
