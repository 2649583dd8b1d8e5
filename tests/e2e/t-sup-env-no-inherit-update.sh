#!/usr/bin/env bash
# --no-inherit-env is a property of the app, not a one-off: neither a plain
# restart nor `opm restart --update-env` (which takes the restarting shell's
# environment for apps that inherit it) may give an app created with
# --no-inherit-env the shell's environment. Its environment stays its --env
# values plus OPM_APP_NAME/OPM_APP_ID.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name bare --no-inherit-env --min-uptime 100ms \
    --env K=v "$TESTAPP" tag "$TAG" forever
wait_status bare online
id=$(app_field bare id)
want="K=v"$'\n'"OPM_APP_ID=$id"$'\n'"OPM_APP_NAME=bare"
assert_exit 0 "$OPM" env bare
assert_eq "$want" "$OUT" "environment at creation"

assert_exit 0 env OPM_T_LATER=1 "$OPM" restart bare
assert_exit 0 "$OPM" env bare
assert_eq "$want" "$OUT" "environment after a plain restart"

assert_exit 0 env OPM_T_LATER=1 "$OPM" restart --update-env bare
assert_exit 0 "$OPM" env bare
assert_eq "$want" "$OUT" "environment after restart --update-env"
wait_status bare online
assert_eq "$want" "$(tr '\0' '\n' <"/proc/$(app_field bare pid)/environ" |
    LC_ALL=C sort)" "environment of the process after restart --update-env"
