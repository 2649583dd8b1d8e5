#!/usr/bin/env bash
# Issue 14 item 5: depends_on orders starts and stops. web depends on api,
# api on db (condition started, and a bare name): opm start FILE starts db,
# holds api and web `waiting`, starts api once db runs and web once api
# runs; stop all stops web, then api once web is gone, then db (each app
# logs its SIGTERM handler's begin and end: an overlap would show); start
# all orders again, a start of web alone starts what it needs, and daemon
# stop stops in reverse order too.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

cat >"$TEST_TMP/eco.json" <<EOF
{"apps": [
  $(app_json web "" '"depends_on": ["api"]'),
  $(app_json api "" '"depends_on": [{"app": "db", "condition": "started"}]'),
  $(app_json db)
]}
EOF
started()
{
	[[ $(grep -c " start$" "$TEST_TMP/events" 2>/dev/null) == "$1" ]]
}
ordered_start()
{
	log_order "db: stopped -> launching" \
	    "api: stopped -> waiting (waiting for db (started))" \
	    "web: stopped -> waiting (waiting for api (started))" \
	    "db: launching -> online" \
	    "api: waiting -> launching (dependencies met)" \
	    "api: launching -> online" \
	    "web: waiting -> launching (dependencies met)" \
	    "web: launching -> online"
}
stopped_in_order()
{
	assert_eq "web stop-begin,web stop-end,api stop-begin,api stop-end,db stop-begin,db stop-end" \
	    "$(events)" "$1"
}

log_mark
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json"
# The reply waits for the dependents its start brings up.
for n in web api db; do
	assert_contains "$OUT" "$n: created"
	assert_eq online "$(app_field "$n" status)" "status of $n after start"
done
ordered_start
wait_for 20 started 3

# Stop all: web, then api, then db, one after the other.
rm -f "$TEST_TMP/events"
assert_exit 0 "$OPM" stop all
for n in web api db; do
	assert_eq stopped "$(app_field "$n" status)" "status of $n after stop"
done
stopped_in_order "stop all"
log_order "web: online -> stopping" "web: stopping -> stopped" \
    "api: online -> stopping" "api: stopping -> stopped" \
    "db: online -> stopping" "db: stopping -> stopped"

# Start all: the same order, whatever the ids say.
log_mark
assert_exit 0 "$OPM" start all
ordered_start
wait_for 20 started 3
rm -f "$TEST_TMP/events"
assert_exit 0 "$OPM" stop all
stopped_in_order "stop all, again"

# A start of web alone starts api and db first.
log_mark
assert_exit 0 "$OPM" start web
log_order "web: starting api, which it depends on" \
    "api: starting db, which it depends on" "db: stopped -> launching" \
    "api: stopped -> waiting (waiting for db (started))" \
    "web: stopped -> waiting (waiting for api (started))" \
    "api: waiting -> launching (dependencies met)" \
    "web: waiting -> launching (dependencies met)"
for n in web api db; do
	wait_status "$n" online 20
done
wait_for 20 started 3

# opm daemon stop: dependents first as well.
rm -f "$TEST_TMP/events"
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 20 pid_dead "$dpid"
stopped_in_order "daemon stop"
