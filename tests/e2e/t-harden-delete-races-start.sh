#!/usr/bin/env bash
# Issue 12 item 5: a start or restart that comes while a delete is under
# way is refused ("being deleted", exit 1) and the delete wins: it reports
# the app deleted only once it is gone, and no later command deletes an app
# by surprise. The app ignores TERM with a 2 s kill timeout, so the delete
# is slow enough to start it in the meantime.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name slow --kill-timeout 2s \
    "$TESTAPP" tag "$TAG" tag slow ignore TERM forever
wait_status slow online
pid=$(app_field slow pid)
track_pid "$pid"

"$OPM" delete slow >"$TEST_TMP/delete.out" 2>"$TEST_TMP/delete.err" &
deleter=$!
wait_status slow stopping 5

assert_exit 1 "$OPM" start slow
assert_contains "$ERR" "being deleted" "start during delete"
assert_exit 1 "$OPM" restart slow
assert_contains "$ERR" "being deleted" "restart during delete"

rc=0
wait "$deleter" || rc=$?
assert_eq 0 "$rc" "exit code of the delete ($(<"$TEST_TMP/delete.err"))"
pid_dead "$pid" || fail "pid $pid alive after the delete returned"
assert_eq '[]' "$("$OPM" list --json | jq -c '[.[].name]')" \
    "apps after the delete"
assert_eq 0 "$(count_procs "*tag $TAG tag slow *")" "processes of slow"

# A new app of that name is created cleanly, and a stop only stops it.
assert_exit 0 "$OPM" start --name slow --kill-timeout 2s \
    "$TESTAPP" tag "$TAG" tag slow ignore TERM forever
wait_status slow online
assert_exit 0 "$OPM" stop slow
assert_eq stopped "$(app_field slow status)" "status of the new slow"
assert_exit 0 "$OPM" save
assert_eq '["slow"]' "$(jq -c '[.apps[].name]' "$OPM_HOME/dump.json")" \
    "apps in the dump"
