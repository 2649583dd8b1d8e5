#!/usr/bin/env bash
# An app that ran past min_uptime and then exits is restarted at once (no
# backoff, restart_delay 0) and its count of failed starts starts again
# (README "Restart policy", 4): with --min-uptime 200ms, an app that runs
# 0.5 s and exits 1 comes back after every exit within a small bound, most
# times faster than any backoff could (its floor is 100 ms), each restart
# is counted, and it is never errored.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
# Each run appends "s TIME" when it starts and "e TIME" just before it
# exits (microseconds).
cat >"$TEST_TMP/run.sh" <<'SCRIPT'
#!/bin/bash
echo "s ${EPOCHREALTIME/[.,]/}" >>"$1"
"$2" tag "$3" sleep 0.5
echo "e ${EPOCHREALTIME/[.,]/}" >>"$1"
exit 1
SCRIPT
assert_exit 0 "$OPM" start --name up --min-uptime 200ms \
    /bin/bash "$TEST_TMP/run.sh" "$runs" "$TESTAPP" "$TAG"

starts()
{
	local n=0

	[[ -f $runs ]] && n=$(grep -c '^s ' "$runs")
	echo "starts: $n (want $1)"
	(( n >= $1 ))
}
# Nine runs: 4.5 s of running, plus the restarts.
wait_for 40 starts 9
assert_exit 0 "$OPM" info up --json
info=$OUT
assert_exit 0 "$OPM" stop up
echo "at 9 starts: $(jq -c '{status, restarts, failed_starts}' <<<"$info")"

# The gap between each exit and the next start. An immediate restart
# takes milliseconds; a backoff never less than 100 ms. On a loaded
# machine one restart may be late, not most of them: at least half must
# beat the backoff's floor (90 ms, for margin), and every one must come
# within 1 s.
mapfile -t gaps < <(awk '
    $1 == "e" { e = $2 }
    $1 == "s" && e != "" { print int(($2 - e) / 1000); e = "" }' "$runs")
echo "gaps (ms): ${gaps[*]}"
(( ${#gaps[@]} >= 8 )) || fail "expected 8+ exit-to-start gaps: $(<"$runs")"
fast=0
for i in "${!gaps[@]}"; do
	(( gaps[i] < 1000 )) ||
	    fail "restart $((i + 1)) came ${gaps[i]} ms after the exit (gaps: ${gaps[*]})"
	(( gaps[i] < 90 )) && fast=$((fast + 1))
done
(( fast * 2 >= ${#gaps[@]} )) ||
    fail "only $fast of ${#gaps[@]} restarts came within 90 ms of the exit," \
    "as after a backoff (gaps in ms: ${gaps[*]})"
# Counted: restarts = starts - 1, give or take the start in flight when
# the info was read; and never errored.
n=$(grep -c '^s ' "$runs")
r=$(jq .restarts <<<"$info")
(( r >= 8 && r <= n - 1 )) ||
    fail "restarts [$r] after $n starts (want 8..$((n - 1)))"
assert_ne errored "$(jq -r .status <<<"$info")" "status after 9 runs"
# Every run lasted its 0.5 s: none of them was a failed start.
assert_eq 0 "$(jq .failed_starts <<<"$info")" "failed_starts"
