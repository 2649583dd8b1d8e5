#!/usr/bin/env bash
# `opm delete` stops and forgets an app: exit 0, gone from the list, its
# process dead when the command returns; `rm` is an alias; a stopped app can
# be deleted too; an unknown target exits 1 and changes nothing, even in a
# list that also names a real app.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

names()
{
	"$OPM" list --json | jq -c '[.[].name] | sort'
}
assert_exit 0 "$OPM" start --name gone --min-uptime 200ms "$TESTAPP" tag "$TAG" tag gone forever
assert_exit 0 "$OPM" start --name keep --min-uptime 200ms "$TESTAPP" tag "$TAG" tag keep forever
assert_exit 0 "$OPM" start --name idle --no-autostart "$TESTAPP" tag "$TAG" tag idle forever
wait_status gone online
wait_status keep online
pid=$(app_field gone pid)
pkeep=$(app_field keep pid)

assert_exit 0 "$OPM" delete gone
pid_dead "$pid" || fail "pid $pid alive after delete returned"
assert_eq '["idle","keep"]' "$(names)" "apps after delete"
assert_eq 0 "$(count_procs "*/opm-testapp tag $TAG tag gone forever")" "processes of gone"

# Unknown targets: exit 1, nothing changes.
assert_exit 1 "$OPM" delete nosuch
assert_contains "$ERR" "opm: "
assert_contains "$ERR" nosuch
assert_exit 1 "$OPM" delete gone
assert_exit 1 "$OPM" delete keep,nosuch
assert_exit 1 "$OPM" delete 4242
assert_eq '["idle","keep"]' "$(names)" "apps after failed deletes"
assert_eq "$pkeep" "$(app_field keep pid)" "pid of keep after failed deletes"
assert_eq online "$(app_field keep status)" "status of keep"

assert_exit 0 "$OPM" rm idle
assert_exit 0 "$OPM" delete "$(app_field keep id)"
pid_dead "$pkeep" || fail "pid $pkeep alive after delete by id"
assert_eq '[]' "$(names)" "apps at the end"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes at the end"
sleep 0.3
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes 0.3 s later"
