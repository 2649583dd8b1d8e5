#!/usr/bin/env bash
# An app that exits 1 at once on every start, with --max-restarts 3, is
# restarted 3 times (backing off) and then errored: restarts = 3, exit_code
# 1, pid null, 4 runs in all, and no run after that (it stays errored).
# `opm start NAME` on the errored app starts it again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
# One word with shell syntax: /bin/sh -c; TAG in the command line.
assert_exit 0 "$OPM" start --name crash --max-restarts 3 --min-uptime 1s \
    "echo run >>$runs; exit 1 # $TAG"
wait_status crash errored 10
nruns()
{
	local n=0

	[[ -f $runs ]] && n=$(wc -l <"$runs")
	echo "$n"
}
assert_eq 4 "$(nruns)" "runs before errored (first + 3 restarts)"
assert_eq 3 "$(app_field crash restarts)" "restarts when errored"
assert_eq 1 "$(app_field crash exit_code)" "exit_code"
assert_eq null "$(app_field crash exit_signal)" "exit_signal"
assert_eq null "$(app_field crash pid)" "pid when errored"

# Stays errored: the next backoff step would be 800 ms; wait longer.
sleep 1.2
assert_eq errored "$(app_field crash status)" "status 1.2 s later"
assert_eq 4 "$(nruns)" "runs 1.2 s after errored"
assert_eq 3 "$(app_field crash restarts)" "restarts 1.2 s after errored"

# Starting it by hand tries again.
assert_exit 0 "$OPM" start crash
more_runs()
{
	(( $(nruns) > 4 ))
}
wait_for 5 more_runs
wait_status crash errored 10
