#!/usr/bin/env bash
# A stop (or delete) that lands while an app waits out its restart backoff
# cancels the pending restart: the app is stopped at once and never spawned
# again. A stop racing a crash (SIGKILL then `opm stop` at once) also ends
# stopped with nothing running.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

nruns()
{
	local n=0

	[[ -f $TEST_TMP/$1.runs ]] && n=$(wc -l <"$TEST_TMP/$1.runs")
	echo "$n"
}
# Failed starts back off from the restart delay: 800 ms here.
for app in w1 w2; do
	assert_exit 0 "$OPM" start --name "$app" --min-uptime 200ms \
	    --restart-delay 800ms \
	    "echo run >>$TEST_TMP/$app.runs; exit 1 # $TAG"
done
wait_status w1 waiting 5
wait_status w2 waiting 5
assert_exit 0 "$OPM" stop w1
assert_exit 0 "$OPM" delete w2
assert_eq stopped "$(app_field w1 status)" "status of w1 after stop"
r1=$(nruns w1)
r2=$(nruns w2)
sleep 1.2
assert_eq stopped "$(app_field w1 status)" "status of w1 after the backoff"
assert_eq "$r1" "$(nruns w1)" "runs of w1 after the backoff"
assert_eq "$r2" "$(nruns w2)" "runs of deleted w2 after the backoff"
assert_eq '["w1"]' "$("$OPM" list --json | jq -c 'map(.name)')" "apps"

# Stop racing a crash.
assert_exit 0 "$OPM" start --name race --min-uptime 100ms "$TESTAPP" tag "$TAG" forever
for i in $(seq 1 5); do
	wait_status race online
	pid=$(app_field race pid)
	kill -KILL "$pid"
	assert_exit 0 "$OPM" stop race
	assert_eq stopped "$(app_field race status)" "status after kill+stop $i"
	assert_eq 0 "$(count_procs "*tag $TAG *")" "processes after kill+stop $i"
	assert_exit 0 "$OPM" start race
done
assert_exit 0 "$OPM" stop race
sleep 0.3
assert_eq stopped "$(app_field race status)" "status of race at the end"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes at the end"
