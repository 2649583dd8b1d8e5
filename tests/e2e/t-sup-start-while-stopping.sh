#!/usr/bin/env bash
# `opm start NAME` while the app is still stopping (a TERM-ignoring app
# inside its kill timeout) is not lost: the last request wins, so once the
# old process is gone the app runs again, as exactly one process. The
# pending `opm stop` still returns 0 after its reap.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name slow --min-uptime 100ms --kill-timeout 1s \
    "$TESTAPP" tag "$TAG" ignore TERM forever
wait_status slow online
pid=$(app_field slow pid)
track_pid "$pid"

"$OPM" stop slow >"$TEST_TMP/stop.out" 2>&1 &
stopper=$!
wait_status slow stopping 5
assert_exit 0 "$OPM" start slow
rc=0
wait "$stopper" || rc=$?
assert_eq 0 "$rc" "exit of the pending stop: $(<"$TEST_TMP/stop.out")"
pid_dead "$pid" || fail "old pid $pid alive after the stop returned"

wait_status slow online 5
pid2=$(app_field slow pid)
assert_ne "$pid" "$pid2" "pid after start during stopping"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG *")" "processes"
