#!/usr/bin/env bash
# Issue 12 item 16: `opm stop` of an errored app makes it stopped, and it
# is saved as stopped: a restore in a new daemon leaves it stopped.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name crashy --max-restarts 1 --min-uptime 1s \
    "$TESTAPP" tag "$TAG" tag crashy exit 1
wait_status crashy errored 10
assert_exit 0 "$OPM" stop crashy
assert_eq stopped "$(app_field crashy status)" "status after stop"
assert_contains "$(app_field crashy reason)" "stop requested"
assert_exit 0 "$OPM" save
assert_eq '{"crashy":"stopped"}' \
    "$(jq -cS '[.apps[] | {(.name): .desired}] | add' "$OPM_HOME/dump.json")" \
    "desired state in the dump"

dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$dpid"
assert_exit 0 "$OPM" restore
assert_contains "$OUT" "crashy: restored stopped"
assert_eq stopped "$(app_field crashy status)" "status after restore"
assert_eq 0 "$(count_procs "*tag $TAG tag crashy *")" "processes of crashy"
