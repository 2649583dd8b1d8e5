#!/usr/bin/env bash
# 2000 apps from one app file: every one created, spawned once, listed
# once with its own pid, then stopped and deleted with nothing left
# running. Guards the lookups that made creation quadratic (name checks,
# log paths, the pid of each reaped child: app-index.c) and the /proc scan
# shared by the stops of one turn (app-tree.c): correctness here, the
# times are bench/scale.sh's.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
n=2000
export OPM_TIMEOUT=100
ulimit -n "$(ulimit -Hn)"

awk -v n="$n" -v app="$TESTAPP" -v tag="$TAG" 'BEGIN {
    printf "{\"apps\":["
    for (i = 0; i < n; i++)
	printf "%s{\"name\":\"a%d\",\"argv\":[\"%s\",\"tag\",\"%s\",\"forever\"]}",
	    i ? "," : "", i, app, tag
    print "]}" }' >"$TEST_TMP/apps.json"
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"

all_online()
{
	"$OPM" list --json >"$TEST_TMP/list"
	jq -e --argjson n "$n" 'length == $n and all(.status == "online")' \
	    "$TEST_TMP/list" >/dev/null
}
wait_for 60 all_online
assert_eq "$n" "$(jq '[.[].name] | unique | length' "$TEST_TMP/list")" \
    "distinct names"
assert_eq "$n" "$(jq '[.[].pid] | unique | length' "$TEST_TMP/list")" \
    "distinct pids"
assert_eq "$n" "$(jq '[.[].id] | unique | length' "$TEST_TMP/list")" \
    "distinct ids"
assert_eq 0 "$(jq '[.[] | select(.restarts != 0)] | length' "$TEST_TMP/list")" \
    "no restart"
assert_eq "$n" "$(count_procs "* tag $TAG forever")" "processes running"
# Lookups by name and by id find the right app.
assert_eq a1234 "$(jq -r '.[] | select(.name == "a1234") | .name' "$TEST_TMP/list")"
id=$(jq -r '.[] | select(.name == "a1999") | .id' "$TEST_TMP/list")
assert_exit 0 "$OPM" info "$id" --json
assert_eq a1999 "$(jq -r '.name // .[0].name' <<<"$OUT")"

# One crash among them: the reaper finds its app by pid.
pid=$(jq -r '.[] | select(.name == "a777") | .pid' "$TEST_TMP/list")
kill -9 "$pid"
restarted() { [[ $(app_field a777 restarts) == 1 && $(app_field a777 status) == online ]]; }
wait_for 30 restarted
assert_ne "$pid" "$(app_field a777 pid)" "a777 has a new pid"

# The same file again: every app exists, nothing doubles.
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
assert_eq "$n" "$("$OPM" list --json | jq length)" "apps after the second start"

assert_exit 0 "$OPM" stop all
no_procs() { [[ $(count_procs "* tag $TAG forever") == 0 ]]; }
wait_for 60 no_procs
assert_eq 0 "$("$OPM" list --json | jq '[.[] | select(.status != "stopped")] | length')" \
    "apps not stopped"
assert_exit 0 "$OPM" delete all
assert_eq 0 "$("$OPM" list --json | jq length)" "apps after delete"
