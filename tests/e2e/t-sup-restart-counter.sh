#!/usr/bin/env bash
# `opm restart` stops then starts: a new pid, the old process gone when it
# returns, restarts +1 each time (by name, by id, in a comma list, all);
# `opm reset` zeroes the counter.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name a --min-uptime 200ms "$TESTAPP" tag "$TAG" tag a forever
assert_exit 0 "$OPM" start --name b --min-uptime 200ms "$TESTAPP" tag "$TAG" tag b forever
wait_status a online
wait_status b online
pa=$(app_field a pid)
pb=$(app_field b pid)

assert_exit 0 "$OPM" restart a
pid_dead "$pa" || fail "old pid $pa of a alive after restart returned"
pa2=$(app_field a pid)
assert_ne "$pa" "$pa2" "pid of a after restart"
[[ $pa2 =~ ^[0-9]+$ ]] || fail "pid of a after restart: $pa2"
pid_alive "$pa2" || fail "new pid $pa2 of a not alive"
assert_eq 1 "$(app_field a restarts)" "restarts of a"
assert_eq 0 "$(app_field b restarts)" "restarts of b untouched"
assert_eq "$pb" "$(app_field b pid)" "pid of b untouched"

assert_exit 0 "$OPM" restart "$(app_field a id)"
assert_eq 2 "$(app_field a restarts)" "restarts of a after restart by id"
assert_exit 0 "$OPM" restart a,b
assert_eq 3 "$(app_field a restarts)" "restarts of a after restart a,b"
assert_eq 1 "$(app_field b restarts)" "restarts of b after restart a,b"
pid_dead "$pb" || fail "old pid $pb of b alive after restart returned"
assert_exit 0 "$OPM" restart all
assert_eq 4 "$(app_field a restarts)" "restarts of a after restart all"
assert_eq 2 "$(app_field b restarts)" "restarts of b after restart all"
wait_status a online
wait_status b online
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag a forever")" "processes of a"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag b forever")" "processes of b"
# Every start is accounted for: the daemon's count of processes it
# started is one per app plus its restarts (what bench/soak.sh relies on).
assert_exit 0 "$OPM" daemon status --json
assert_eq $((2 + 4 + 2)) "$(jq .spawns <<<"$OUT")" "daemon status spawns"

assert_exit 0 "$OPM" reset a
assert_eq 0 "$(app_field a restarts)" "restarts of a after reset"
assert_eq 2 "$(app_field b restarts)" "restarts of b after reset a"
assert_eq online "$(app_field a status)" "reset does not touch the process"
assert_exit 0 "$OPM" reset all
assert_eq 0 "$(app_field b restarts)" "restarts of b after reset all"
