#!/usr/bin/env bash
# Instances survive the daemon: opm daemon reload and a SIGKILLed daemon
# bring back every instance with its number, id and pid (the runtime state
# file of each records its instance), and instances with merge_logs keep
# writing their one shared file across the reload.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
list_is()
{
	[[ $("$OPM" list --json | jq -c "$1") == "$2" ]]
}
ident()
{
	"$OPM" list --json | jq -c '[.[] | [.id, .name, .instance, .pid]]'
}

cat >apps.json <<JSON
{"apps": [
 {"name": "w", "script": "$TESTAPP", "args": "tag $TAG forever",
  "instances": 3},
 {"name": "m", "script": "$TESTAPP", "args": "tag $TAG tick 20",
  "instances": 2, "merge_logs": true}]}
JSON
assert_exit 0 "$OPM" start apps.json
wait_for 10 list_is '[.[] | select(.status == "online")] | length' 5
before=$(ident)
log=$OPM_HOME/logs/m-out.log

assert_exit 0 "$OPM" daemon reload
assert_eq "$before" "$(ident)" "ids, instances and pids after reload"
n=$(grep -c . "$log")
wait_for 10 eval '(( $(grep -c . "$log") > n + 20 ))'
assert_eq "$OPM_HOME/logs/m-out.log" \
    "$("$OPM" list --json | jq -r '[.[] | select(.name == "m") | .out_log] | unique | join(" ")')"

kill -KILL "$(daemon_pid)"
wait_for 10 not test -e "/proc/$(daemon_pid)"
assert_eq "$before" "$(ident)" "ids, instances and pids after a SIGKILL"
assert_exit 0 "$OPM" stop w:2
assert_eq '["online","online","stopped"]' \
    "$("$OPM" list --json | jq -c '[.[] | select(.name == "w") | .status]')"
assert_exit 1 "$OPM" env w:3
