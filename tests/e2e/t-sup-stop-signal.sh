#!/usr/bin/env bash
# --stop-signal: `opm stop` sends that signal (to the group) instead of
# SIGTERM. An app that traps TERM (prints and carries on) but dies of
# SIGUSR1 stops at once with --stop-signal USR1, never sees a TERM, and
# exit_signal says SIGUSR1. The same app stopped with the default TERM needs
# the kill timeout and SIGKILL.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name usr --min-uptime 100ms --kill-timeout 3s \
    --stop-signal USR1 "$TESTAPP" tag "$TAG" trap TERM forever
wait_status usr online
t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" stop usr
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "stop with USR1 took ${ms} ms"
(( ms < 1500 )) || fail "stop with --stop-signal USR1 took ${ms} ms"
assert_eq SIGUSR1 "$(app_field usr exit_signal)" "exit_signal"
log=$(app_field usr out_log)
assert_not_contains "$(<"$log")" "got SIGTERM" "TERM sent despite --stop-signal"

assert_exit 0 "$OPM" start --name term --min-uptime 100ms --kill-timeout 500ms \
    "$TESTAPP" tag "$TAG" trap TERM forever
wait_status term online
assert_exit 0 "$OPM" stop term
assert_eq SIGKILL "$(app_field term exit_signal)" "exit_signal with TERM trapped"
assert_contains "$(<"$(app_field term out_log)")" "got SIGTERM" "TERM sent"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"
