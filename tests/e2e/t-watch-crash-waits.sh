#!/usr/bin/env bash
# Watch: an app that crashes at once does not loop: it is waiting, with
# no respawn ("crashed; waiting for a file change"), however long; the
# next save of the fix brings it back (counted as a watch restart, not a
# crash), and it never ends errored, even past max_restarts. A crash after
# min_uptime restarts it at once, as without watch.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
mkdir -p "$app"
runs=$TEST_TMP/runs
cat >"$app/app.py" <<PY
import sys, time
open("$runs", "a").write("run\n")
sys.exit(1)
PY
assert_exit 0 "$OPM" start --name w --cwd "$app" --watch --watch-delay 300ms \
    --max-restarts 1 --min-uptime 5s python3 app.py
wait_status w waiting 10
nruns()
{
	local n=0

	[[ -f $runs ]] && n=$(wc -l <"$runs")
	echo "$n"
}
more_runs()
{
	(( $(nruns) > n0 ))
}
assert_eq "crashed; waiting for a file change" "$(app_field w reason)" \
    "reason"
assert_eq null "$(app_field w pid)" "pid while waiting"
n0=$(nruns)
sleep 3
assert_eq waiting "$(app_field w status)" "status 3 s later"
assert_eq "$n0" "$(nruns)" "runs 3 s later"

# Still broken after a save: back to waiting, never errored.
for i in 1 2 3; do
	echo "# $i" >>"$app/app.py"
	wait_for 10 more_runs
	wait_status w waiting 10
	n0=$(nruns)
done
assert_eq 3 "$(watch_restarts w)" "watch restarts"
assert_eq 0 "$(app_field w restarts_by_cause.crash)" "crash restarts"

# The fix: online for good.
cat >"$app/app.py" <<PY
import time
open("$runs", "a").write("run\n")
time.sleep(3600)  # $TAG
PY
wait_for 10 online_pid w
pid=$PID
sleep 1.5
assert_eq online "$(app_field w status)" "status after the fix"
assert_eq "$pid" "$(app_field w pid)" "pid after the fix"

# Up past min_uptime, then killed: restarted at once.
up()
{
	(( $(app_field w uptime_ms) > 5000 ))
}
wait_for 15 up
kill -KILL "$pid"
new_pid()
{
	online_pid w && [[ $PID != "$pid" ]]
}
wait_for 10 new_pid
assert_eq 1 "$(app_field w restarts_by_cause.crash)" "crash restarts"
teardown
