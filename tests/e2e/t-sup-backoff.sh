#!/usr/bin/env bash
# Failed starts in a row back off exponentially from 100 ms (or
# --restart-delay if larger): with --restart-delay 200ms the gaps between
# runs of an app that exits 1 at once are about 200, 400, 800 ms, and the
# app shows `waiting` in between.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

runs=$TEST_TMP/runs
# Each run appends its start time in microseconds.
cat >"$TEST_TMP/stamp.sh" <<'SCRIPT'
#!/bin/bash
echo "${EPOCHREALTIME/[.,]/}" >>"$1"
exit 1
SCRIPT
assert_exit 0 "$OPM" start --name flap --max-restarts 3 --min-uptime 1s \
    --restart-delay 200ms /bin/bash "$TEST_TMP/stamp.sh" "$runs" "$TAG"
wait_status flap waiting 5
wait_status flap errored 10
mapfile -t t <"$runs"
assert_eq 4 "${#t[@]}" "runs"
for i in 1 2 3; do
	gap=$(( (t[i] - t[i - 1]) / 1000 ))
	want=$(( 200 << (i - 1) ))
	echo "gap $i: ${gap} ms (backoff ${want} ms)"
	(( gap >= want - 20 )) || fail "gap $i: ${gap} ms < backoff ${want} ms"
	(( gap < want + 600 )) || fail "gap $i: ${gap} ms >> backoff ${want} ms"
done
assert_eq 3 "$(app_field flap restarts)" "restarts"
