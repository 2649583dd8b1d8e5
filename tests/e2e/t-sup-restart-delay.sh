#!/usr/bin/env bash
# --restart-delay: an app that exits after a run longer than min_uptime is
# restarted after the delay (state `waiting` meanwhile), not at once, and
# the failure count stays 0 so it never errors: five such exits in a row
# with --max-restarts 1 leave it running. --backoff-max caps the backoff of
# failed starts.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
cat >"$TEST_TMP/stamp.sh" <<'SCRIPT'
#!/bin/bash
# stamp.sh RUNS SLEEP TAG: appends the start time (us), sleeps, exits 1.
echo "${EPOCHREALTIME/[.,]/}" >>"$1"
sleep "$2"
exit 1
SCRIPT
assert_exit 0 "$OPM" start --name delayed --min-uptime 100ms --max-restarts 1 \
    --restart-delay 600ms /bin/bash "$TEST_TMP/stamp.sh" "$runs" 0.3 "$TAG"
has_runs()
{
	[[ -f $1 ]] && (( $(wc -l <"$1") >= $2 ))
}
wait_status delayed waiting 5
wait_for 10 has_runs "$runs" 5
mapfile -t t <"$runs"
for i in 1 2 3 4; do
	gap=$(( (t[i] - t[i - 1]) / 1000 ))
	echo "gap $i: ${gap} ms (0.3 s run + 600 ms delay)"
	(( gap >= 880 )) || fail "gap $i: ${gap} ms < run + restart delay"
	(( gap < 2000 )) || fail "gap $i: ${gap} ms"
done
st=$(app_field delayed status)
[[ $st != errored ]] || fail "long runs ended errored"
assert_exit 0 "$OPM" stop delayed

# Backoff capped by --backoff-max: gaps 300, 400, 400, 400 ms (uncapped:
# 300, 600, 1200, 2400). A long min_uptime so that a slow bash start is
# still a failed start.
fast=$TEST_TMP/fast
assert_exit 0 "$OPM" start --name capped --min-uptime 1s --max-restarts 4 \
    --restart-delay 300ms --backoff-max 400ms \
    /bin/bash "$TEST_TMP/stamp.sh" "$fast" 0 "$TAG"
wait_status capped errored 10
mapfile -t t <"$fast"
assert_eq 5 "${#t[@]}" "runs of capped"
want=(0 300 400 400 400)
for i in 1 2 3 4; do
	gap=$(( (t[i] - t[i - 1]) / 1000 ))
	echo "capped gap $i: ${gap} ms (backoff ${want[i]} ms)"
	(( gap >= want[i] - 20 )) || fail "capped gap $i: ${gap} ms < ${want[i]}"
	(( gap < want[i] + 500 )) || fail "capped gap $i: ${gap} ms >> ${want[i]}"
done
