#!/usr/bin/env bash
# `opm reset` zeroes the count of failed starts as well as `restarts`
# (README, "Restart policy"): an app that exits at once, with
# --max-restarts 3, reset while it waits after its third failure, has a
# whole new budget: exactly four more restarts (the pending one and three
# more) before it is errored, seven runs in all. Without the reset of the
# count it would be errored after one more failure.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
nruns()
{
	local n=0

	[[ -f $runs ]] && n=$(wc -l <"$runs")
	echo "$n"
}
# Backoff from 1 s: waits of 1, 2, 4 s, so the reset has 4 s to land after
# the third failure, even on a loaded machine (1.6 s was too short at load
# average 25).
assert_exit 0 "$OPM" start --name flap --max-restarts 3 --min-uptime 1s \
    --restart-delay 1s "echo run >>$runs; exit 1 # $TAG"

third_failure()
{
	local n st

	n=$(nruns)
	st=$(app_field flap status)
	echo "runs $n, status $st"
	(( n >= 3 )) && [[ $st == waiting ]]
}
wait_for 10 third_failure
assert_exit 0 "$OPM" info flap --json
echo "before reset: $(jq -c '{status, restarts, failed_starts}' <<<"$OUT")"
assert_eq 3 "$(jq .failed_starts <<<"$OUT")" "failed_starts before reset"
assert_exit 0 "$OPM" reset flap
assert_exit 0 "$OPM" info flap --json
echo "after reset: $(jq -c '{status, restarts, failed_starts}' <<<"$OUT")"
assert_eq 3 "$(nruns)" \
    "test premise: runs when the reset was done (the reset came too late)"
assert_eq 0 "$(jq .restarts <<<"$OUT")" "restarts after reset"
fails_after_reset=$(jq .failed_starts <<<"$OUT")

# The rest of the pending 4 s, then 1 + 2 + 4 s of backoff to go.
wait_status flap errored 40
assert_eq 7 "$(nruns)" "runs: 3 before the reset, 4 after"
assert_eq 4 "$(app_field flap restarts)" "restarts after the reset"
assert_eq 0 "$fails_after_reset" "failed_starts (opm info) after reset"
assert_exit 0 "$OPM" info flap --json
assert_eq 4 "$(jq .failed_starts <<<"$OUT")" "failed_starts when errored"
