#!/usr/bin/env bash
# An env file that disappears (or goes bad) after the app was created makes
# the next start fail clearly: the app ends errored with a reason naming
# the file, nothing runs, and the command that asked for the start says so
# (exit 1: "the app cannot start", SPEC.md) on one "opm: " line naming the
# file. Once the file is back, the app starts again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

envf=$TEST_TMP/app.env
printf 'COLOR=red\n' >"$envf"
assert_exit 0 "$OPM" start --name ef --env-file "$envf" \
    "$TESTAPP" tag "$TAG" tag ef forever
wait_status ef online
assert_exit 0 "$OPM" stop ef

# Removed while the app was stopped.
rm -f -- "$envf"
assert_exit 1 "$OPM" start ef
start_err=$ERR
assert_eq errored "$(app_field ef status)" "status of ef"
assert_eq null "$(app_field ef pid)" "pid of ef"
assert_contains "$(app_field ef reason)" "$envf" "reason names the env file"
assert_eq 0 "$(count_procs "* tag $TAG tag ef forever")" "processes of ef"
[[ $start_err == "opm: "* ]] ||
    fail "error does not begin with 'opm: ': [$start_err]"
assert_contains "$start_err" "$envf" "start error names the env file"

# Back: the app starts.
printf 'COLOR=green\n' >"$envf"
assert_exit 0 "$OPM" start ef
wait_status ef online
assert_exit 0 "$OPM" env ef
grep -qx COLOR=green <<<"$OUT" || fail "COLOR=green missing from [$OUT]"

# Removed while the app runs: the restart fails the same way.
rm -f -- "$envf"
assert_exit 1 "$OPM" restart ef
assert_contains "$ERR" "$envf" "restart error names the env file"
assert_eq errored "$(app_field ef status)" "status of ef after restart"
assert_eq 0 "$(count_procs "* tag $TAG tag ef forever")" "processes of ef"

# Malformed is no better than missing.
printf 'no equals sign here\n' >"$envf"
assert_exit 1 "$OPM" start ef
assert_contains "$ERR" "$envf" "error names the malformed env file"
assert_eq errored "$(app_field ef status)" "status with a malformed file"
