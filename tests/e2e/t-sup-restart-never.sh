#!/usr/bin/env bash
# --restart never: an app that exits on its own (code 1 after a run past
# min_uptime) or is killed by a signal ends `stopped` and is not restarted;
# restarts stays 0 and the exit status is recorded.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
assert_exit 0 "$OPM" start --name once --restart never --min-uptime 200ms \
    "echo run >>$runs; $TESTAPP tag $TAG sleep 0.5 exit 1"
wait_status once stopped 5
assert_eq 1 "$(app_field once exit_code)" "exit_code"
assert_eq null "$(app_field once pid)" "pid"
assert_eq 0 "$(app_field once restarts)" "restarts"
sleep 0.5
assert_eq stopped "$(app_field once status)" "status 0.5 s later"
assert_eq 1 "$(wc -l <"$runs")" "runs"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"

assert_exit 0 "$OPM" start --name killed --restart never --min-uptime 200ms \
    "$TESTAPP" tag "$TAG" forever
wait_status killed online
pid=$(app_field killed pid)
kill -KILL "$pid"
wait_status killed stopped 5
assert_eq SIGKILL "$(app_field killed exit_signal)" "exit_signal"
assert_eq 0 "$(app_field killed restarts)" "restarts"
sleep 0.3
assert_eq stopped "$(app_field killed status)" "status 0.3 s later"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"
