#!/usr/bin/env bash
# Stopping an app that is not running is fine: exit 0 for an app stopped by
# the user (twice), one created with --no-autostart, one that exited on its
# own, one errored, and for `stop all`; nothing is spawned and no counter
# moves.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name up --min-uptime 200ms "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name idle --no-autostart "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name exited --restart never --min-uptime 200ms \
    "$TESTAPP" tag "$TAG" sleep 0.3 exit 0
# min_uptime with margin: under ASan testapp alone may take 200 ms to start.
assert_exit 0 "$OPM" start --name broken --max-restarts 1 --min-uptime 1s \
    "$TESTAPP" tag "$TAG" exit 1
wait_status up online
wait_status exited stopped
wait_status broken errored

assert_exit 0 "$OPM" stop up
assert_exit 0 "$OPM" stop up
assert_exit 0 "$OPM" stop idle
assert_exit 0 "$OPM" stop exited
assert_exit 0 "$OPM" stop broken
assert_exit 0 "$OPM" stop all
assert_exit 0 "$OPM" stop all

sleep 0.3
json=$("$OPM" list --json)
# An errored app may stay errored or become stopped; nothing else moves.
assert_eq '[["broken","errored",1],["exited","stopped",0],["idle","stopped",0],["up","stopped",0]]' \
    "$(jq -c 'map([.name, (if .name == "broken" and .status == "stopped"
    then "errored" else .status end), .restarts]) | sort' <<<"$json")" \
    "apps after stopping stopped apps"
assert_eq '[null,null,null,null]' "$(jq -c 'map(.pid)' <<<"$json")" "pids"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"
