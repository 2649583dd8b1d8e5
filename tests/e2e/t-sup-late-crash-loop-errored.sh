#!/usr/bin/env bash
# An app that first runs fine for a while (past min_uptime) and from then on
# fails at once on every start must also end errored (PM2 would restart it
# forever): run 1 sleeps 1 s then exits 1 (a long run: restarted at once,
# fails reset); runs 2..5 exit 1 at once; with --max-restarts 3 the app is
# errored after run 5, restarts = 4 (1 after the long run + 3 failed), and
# stays errored.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
marker=$TEST_TMP/marker
cat >"$TEST_TMP/late.sh" <<'SCRIPT'
#!/bin/sh
# late.sh RUNS MARKER TAG
echo run >>"$1"
if [ ! -e "$2" ]; then
	: >"$2"
	sleep 1
fi
exit 1
SCRIPT
assert_exit 0 "$OPM" start --name late --max-restarts 3 --min-uptime 500ms \
    /bin/sh "$TEST_TMP/late.sh" "$runs" "$marker" "$TAG"
nruns()
{
	local n=0

	[[ -f $runs ]] && n=$(wc -l <"$runs")
	echo "$n"
}
wait_status late online 5
wait_status late errored 10
assert_eq 5 "$(nruns)" "runs: 1 long + 4 failed"
assert_eq 4 "$(app_field late restarts)" "restarts when errored"
assert_eq 1 "$(app_field late exit_code)" "exit_code"
assert_eq null "$(app_field late pid)" "pid when errored"

sleep 1.2
assert_eq errored "$(app_field late status)" "status 1.2 s later"
assert_eq 5 "$(nruns)" "runs 1.2 s after errored"
