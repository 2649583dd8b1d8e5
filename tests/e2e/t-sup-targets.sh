#!/usr/bin/env bash
# TARGETs: a numeric id, a name, `all`, a comma-separated mix, and several
# TARGET arguments; each acts on exactly the apps named. An unknown entry
# anywhere fails the whole command (exit 1) and changes nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

for n in a b c d; do
	assert_exit 0 "$OPM" start --name "$n" --min-uptime 100ms \
	    "$TESTAPP" tag "$TAG" tag "$n" forever
done
for n in a b c d; do
	wait_status "$n" online
done
statuses()
{
	"$OPM" list --json | jq -r 'sort_by(.name) | map(.status[0:2]) | join(",")'
}
assert_eq on,on,on,on "$(statuses)"
ida=$(app_field a id)
idc=$(app_field c id)

assert_exit 1 "$OPM" stop "a,$idc,nosuch"
assert_exit 1 "$OPM" stop a nosuch
assert_eq on,on,on,on "$(statuses)" "after failed stops"

assert_exit 0 "$OPM" stop "$ida"
assert_eq st,on,on,on "$(statuses)" "after stop by id"
assert_exit 0 "$OPM" stop "b,$idc"
assert_eq st,st,st,on "$(statuses)" "after stop b,ID"
assert_exit 0 "$OPM" start a,b
wait_status a online
wait_status b online
assert_eq on,on,st,on "$(statuses)" "after start a,b"
assert_exit 0 "$OPM" stop all
assert_eq st,st,st,st "$(statuses)" "after stop all"
assert_exit 0 "$OPM" start all
for n in a b c d; do
	wait_status "$n" online
done
# A name that is also repeated, and an id + its name: one app, acted once.
assert_exit 0 "$OPM" restart "a,a,$ida"
assert_eq 1 "$(app_field a restarts)" "restarts after restart a,a,ID"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag a forever")" \
    "processes of a"
