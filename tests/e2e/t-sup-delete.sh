#!/usr/bin/env bash
# `opm delete` stops and forgets an app: exit 0, gone from the list, its
# process dead when the command returns; `rm` is an alias; a stopped app can
# be deleted too; an unknown target exits 1 and changes nothing, even in a
# list that also names a real app. Delete forgets the app's runtime state
# too: after a daemon SIGKILL the next daemon brings back an app that was
# not deleted (same pid), and none of the deleted ones.
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

# The runtime state went with them: a daemon SIGKILLed now (no clean
# stop to tidy up) comes back with the one app created since, adopted
# with its pid, and with none of the deleted ones.
assert_exit 0 "$OPM" start --name witness --min-uptime 200ms "$TESTAPP" tag "$TAG" tag witness forever
wait_status witness online
pwit=$(app_field witness pid)
dpid=$(daemon_pid)
kill -KILL "$dpid"
wait_for 5 pid_dead "$dpid"
assert_eq '["witness"]' "$(names)" "apps after a daemon SIGKILL and restart"
assert_ne "$dpid" "$(daemon_pid)" "daemon pid after the restart"
assert_eq "$pwit" "$(app_field witness pid)" "pid of witness, adopted"
assert_eq online "$(app_field witness status)" "status of witness"
