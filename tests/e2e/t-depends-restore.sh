#!/usr/bin/env bash
# Issue 14 item 5: depends_on is saved, exported and restored, and the
# order holds after a daemon stop: opm restore in a new daemon, and a
# boot (opm daemon run --restore, stopped by SIGTERM) start db, run the
# one-shot migrate again (saved stopped, it completed: api needs it), then
# api, then web, and stop web, api, db in that order.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

cat >"$TEST_TMP/eco.json" <<EOF
{"apps": [
  $(app_json db),
  $(app_json migrate go '"autorestart": false'),
  $(app_json api "" '"depends_on": ["db", {"app": "migrate", "condition": "completed"}]'),
  $(app_json web "" '"depends_on": [{"app": "api", "condition": "ready"}]')
]}
EOF
touch "$TEST_TMP/go-migrate"
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json"
wait_status web online 20
assert_eq stopped "$(app_field migrate status)" "migrate after its run"

assert_exit 0 "$OPM" save
assert_eq '{"api":["db",{"app":"migrate","condition":"completed"}],"db":null,"migrate":null,"web":[{"app":"api","condition":"ready"}]}' \
    "$(jq -cS '[.apps[] | {(.name): .depends_on}] | add' "$OPM_HOME/dump.json")" \
    "depends_on in the dump"
assert_eq stopped \
    "$(jq -r '.apps[] | select(.name == "migrate") | .desired' "$OPM_HOME/dump.json")" \
    "migrate saved stopped"
assert_exit 0 "$OPM" export
assert_eq '["db",{"app":"migrate","condition":"completed"}]' \
    "$(jq -c '.apps[] | select(.name == "api") | .depends_on' <<<"$OUT")" \
    "depends_on exported"

wait_for 10 grep -qx "web start" "$TEST_TMP/events"
rm -f "$TEST_TMP/events"
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 20 pid_dead "$dpid"
assert_eq "web stop-begin,web stop-end,api stop-begin,api stop-end,db stop-begin,db stop-end" \
    "$(events)" "daemon stop"

restored_in_order()
{
	local n

	for n in db api web; do
		wait_status "$n" online 20
	done
	wait_status migrate stopped
	assert_eq 0 "$(app_field migrate exit_code)" "migrate ran again"
	wait_for 10 grep -qx "web start" "$TEST_TMP/events"
	wait_for 10 grep -qx "api start" "$TEST_TMP/events"
	# migrate ended before api was spawned; api and web run python at
	# once, so their own lines may come in any order (the log says).
	assert_eq "migrate start" "$(grep -v "^db " "$TEST_TMP/events" |
	    head -1)" "$1: migrate ran first"
	log_order "api: starting migrate, which it depends on" \
	    "api: stopped -> waiting (waiting for " \
	    "web: stopped -> waiting (waiting for api (ready))" \
	    "migrate: online -> stopped" \
	    "api: waiting -> launching (dependencies met)" \
	    "web: waiting -> launching (dependencies met)"
}

# opm restore, in a new daemon: migrate was saved stopped, and runs again
# because api depends on it.
rm -f "$TEST_TMP/events"
log_mark
assert_exit 0 "$OPM" restore
echo "$OUT"
# Saved stopped, started again because api depends on it.
assert_contains "$OUT" "migrate: started"
assert_contains "$OUT" "api: waiting: waiting for "
assert_contains "$OUT" "migrate (completed)"
assert_contains "$OUT" "web: waiting: waiting for api (ready)"
restored_in_order "restore"

rm -f "$TEST_TMP/events"
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 20 pid_dead "$dpid"
assert_eq "web stop-begin,web stop-end,api stop-begin,api stop-end,db stop-begin,db stop-end" \
    "$(events)" "daemon stop after restore"

# A boot: the unit's command, in the foreground, logging to stderr.
rm -f "$TEST_TMP/events"
DEPS_LOG=$TEST_TMP/run.out
log_mark
"$OPM" daemon run --restore >"$DEPS_LOG" 2>&1 </dev/null &
main=$!
# Up before any CLI: one that came first would start a daemon of its own
# (slow start-ups under ASan lost that race), and this one would refuse.
_boot_up()
{
	[[ -S $OPM_HOME/opmd.sock && $(daemon_pid 2>/dev/null) == "$main" ]]
}
wait_for 30 _boot_up
restored_in_order "boot"
rm -f "$TEST_TMP/events"
kill -TERM "$main"
wait_for 20 pid_dead "$main"
assert_eq "web stop-begin,web stop-end,api stop-begin,api stop-end,db stop-begin,db stop-end" \
    "$(events)" "SIGTERM"
