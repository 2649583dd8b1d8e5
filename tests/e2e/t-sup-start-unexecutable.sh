#!/usr/bin/env bash
# An app whose program disappears after creation: the automatic restart
# after a crash cannot execute it, so the app is errored (no crash loop, no
# process, reason names the program); `opm start` and `opm restart` of it
# fail with exit 1 and an error naming the program (SPEC: 1 = app cannot
# start). Once the program is back, `opm start` works again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

prog=$TEST_TMP/prog
cp "$TESTAPP" "$prog"
assert_exit 0 "$OPM" start --name vanish --min-uptime 100ms \
    "$prog" tag "$TAG" forever
wait_status vanish online
pid=$(app_field vanish pid)
rm "$prog"
kill -KILL "$pid"
wait_status vanish errored 5
assert_eq null "$(app_field vanish pid)" "pid when errored"
assert_contains "$(app_field vanish reason)" "$prog" "reason"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"

assert_exit 1 "$OPM" start vanish
assert_contains "$ERR" "opm: "
assert_contains "$ERR" "$prog" "start error names the program"
assert_exit 1 "$OPM" restart vanish
assert_contains "$ERR" "$prog" "restart error names the program"
assert_eq errored "$(app_field vanish status)" "status"

cp "$TESTAPP" "$prog"
assert_exit 0 "$OPM" start vanish
wait_status vanish online
