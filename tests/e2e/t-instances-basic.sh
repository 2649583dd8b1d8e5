#!/usr/bin/env bash
# Instances (issue 14 item 2): opm start --instances 3 makes one app of
# three instances, one row each in list, each with its own pid, counters,
# logs and NODE_APP_INSTANCE (0..2). NAME is every instance, NAME:K one:
# stop NAME:1 stops that one only, restart NAME restarts all, and a killed
# instance is the only one restarted. An app without instances has
# instance null; bad counts and unknown instances are refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"

# list_is JQ VALUE: the jq filter JQ of list --json prints VALUE (wait_for).
list_is()
{
	[[ $("$OPM" list --json | jq -c "$1") == "$2" ]]
}

assert_exit 0 "$OPM" start --instances 3 --name web "$TESTAPP" tag "$TAG" forever
assert_contains "$OUT" "web:2: created"

# One row per instance, each its own pid and id, instance 0..2.
wait_for 10 list_is '[.[] | select(.status == "online")] | length' 3
json=$("$OPM" list --json)
assert_eq '[0,1,2]' "$(jq -c '[.[].instance]' <<<"$json")" "instances"
assert_eq 3 "$(jq '[.[].pid] | unique | length' <<<"$json")" "three pids"
assert_eq 3 "$(jq '[.[].id] | unique | length' <<<"$json")" "three ids"
assert_eq 3 "$(count_procs "*/opm-testapp tag $TAG forever")" "three processes"
assert_exit 0 "$OPM" list
assert_contains "$OUT" "web:1"
for k in 0 1 2; do
	pid=$(jq -r --argjson k "$k" '.[] | select(.instance == $k) | .pid' <<<"$json")
	assert_exit 0 "$OPM" env "web:$k"
	assert_contains "$OUT" "NODE_APP_INSTANCE=$k" "opm env web:$k"
	tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "NODE_APP_INSTANCE=$k" ||
	    fail "pid $pid of web:$k lacks NODE_APP_INSTANCE=$k"
	assert_eq "$OPM_HOME/logs/web-$k-out.log" \
	    "$(jq -r --argjson k "$k" '.[] | select(.instance == $k) | .out_log' <<<"$json")" \
	    "log of web:$k"
done

# NAME:K: one instance. info of it; stop of it alone.
assert_exit 0 "$OPM" info web:2 --json
assert_eq 2 "$(jq .instance <<<"$OUT")" "info web:2"
assert_exit 1 "$OPM" info web
assert_exit 0 "$OPM" stop web:1
assert_eq '["online","stopped","online"]' \
    "$("$OPM" list --json | jq -c '[.[].status]')" "stop web:1 stops one"

# restart NAME: every instance, the stopped one started again.
before=$("$OPM" list --json | jq -c '[.[].pid]')
assert_exit 0 "$OPM" restart web
after=$("$OPM" list --json)
assert_eq '["online","online","online"]' "$(jq -c '[.[].status]' <<<"$after")"
jq -e --argjson b "$before" '[.[].pid] as $a | $a[0] != $b[0] and
    $a[2] != $b[2] and ($a[1] | type == "number")' <<<"$after" >/dev/null ||
    fail "restart web did not restart all: $before -> $(jq -c '[.[].pid]' <<<"$after")"
assert_eq '[1,1,1]' "$(jq -c '[.[].restarts]' <<<"$after")" "restart counters"

# A killed instance: only it restarts, only its counter grows. Killed
# after min_uptime (1s), so that its exit is a crash to restart at once.
wait_for 10 list_is '.[0].uptime_ms > 1500' true
pids=$(jq -c '[.[].pid]' <<<"$after")
p0=$(jq '.[0]' <<<"$pids")
kill -KILL "$p0"
wait_for 10 list_is '.[0].restarts' 2
wait_status web online
now=$("$OPM" list --json)
assert_ne "$p0" "$(jq '.[0].pid' <<<"$now")" "web:0 restarted"
assert_eq "$(jq -c '.[1:]' <<<"$pids")" "$(jq -c '[.[1:][].pid]' <<<"$now")" \
    "web:1 and web:2 untouched"
assert_eq '[2,1,1]' "$(jq -c '[.[].restarts]' <<<"$now")" "counters per instance"

# An app without instances: instance null, its logs as before.
assert_exit 0 "$OPM" start --name solo "$TESTAPP" tag "$TAG" forever
solo=$("$OPM" list --json | jq -c '.[] | select(.name == "solo")')
assert_eq null "$(jq .instance <<<"$solo")" "solo's instance"
assert_eq "$OPM_HOME/logs/solo-out.log" "$(jq -r .out_log <<<"$solo")"
assert_exit 0 "$OPM" env solo
assert_not_contains "$OUT" "NODE_APP_INSTANCE"

# Bad input: counts, unknown instances, instances of an app without any,
# one instance deleted alone.
for bad in 0 -5 lots 1.5; do
	assert_exit 1 "$OPM" start --instances "$bad" --name "bad" "$TESTAPP" forever
	assert_contains "$ERR" "instances: must be a number of instances"
done
assert_exit 1 "$OPM" stop web:9
assert_contains "$ERR" "unknown app 'web:9': web has instances 0 to 2"
assert_exit 1 "$OPM" stop solo:0
assert_contains "$ERR" "solo has no instances"
assert_exit 1 "$OPM" delete web:1
assert_contains "$ERR" "an instance is not deleted alone"
assert_eq 4 "$("$OPM" list --json | jq length)" "nothing created or deleted"

# delete NAME: every instance.
assert_exit 0 "$OPM" delete web
assert_eq '["solo"]' "$("$OPM" list --json | jq -c 'map(.name)')"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG forever")" "only solo runs"
