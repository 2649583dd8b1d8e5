#!/usr/bin/env bash
# Issue 14 item 5: condition completed. api waits, `waiting` with the
# reason "waiting for migrate (completed)", while the one-shot migrate
# runs (a daemon reload keeps it so), and starts only once migrate exited
# 0 and stayed stopped; a job
# that exits 3 fails its dependent, which never runs; a job that crash-
# loops into errored fails the app held on it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

cat >"$TEST_TMP/eco.json" <<EOF
{"apps": [
  $(app_json migrate go '"autorestart": false'),
  $(app_json api "" '"depends_on": [{"app": "migrate", "condition": "completed"}]')
]}
EOF
log_mark
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json"
assert_contains "$OUT" "api: created (id 1, waiting for migrate (completed))"
assert_eq waiting "$(app_field api status)" "api while migrate runs"
assert_eq "waiting for migrate (completed)" "$(app_field api reason)"
assert_eq null "$(app_field api pid)" "pid of api while it waits"
assert_exit 0 "$OPM" info api
assert_contains "$OUT" "waiting for migrate (completed)"
wait_for 10 grep -qx "migrate start" "$TEST_TMP/events"
assert_eq "migrate start" "$(events)" "only migrate ran"

# Still held after a reload of the daemon (the hold is in the record).
assert_exit 0 "$OPM" daemon reload
assert_eq waiting "$(app_field api status)" "api after a reload"
assert_eq "waiting for migrate (completed)" "$(app_field api reason)"

# migrate completes: api starts, after it.
touch "$TEST_TMP/go-migrate"
wait_status api online 20
assert_eq stopped "$(app_field migrate status)" "migrate after its run"
assert_eq 0 "$(app_field migrate exit_code)" "exit code of migrate"
wait_for 10 grep -qx "api start" "$TEST_TMP/events"
assert_eq "migrate start,api start" "$(events)" "runs, in order"
log_order "migrate: online -> stopped (exited; restart is never)" \
    "api: waiting -> launching (dependencies met)"

# A job that fails: its dependent does not start, and says why.
rm -f "$TEST_TMP/events"
cat >"$TEST_TMP/bad.json" <<EOF
{"apps": [
  $(app_json job "go exit 3" '"restart": "never"'),
  $(app_json user "" '"depends_on": [{"app": "job", "condition": "completed"}]')
]}
EOF
assert_exit 0 "$OPM" start "$TEST_TMP/bad.json"
assert_eq waiting "$(app_field user status)" "user while job runs"
touch "$TEST_TMP/go-job"
wait_status user errored 20
assert_eq "not started: dependency job exited with code 3" \
    "$(app_field user reason)" "reason of user"
assert_eq null "$(app_field user pid)" "pid of user"
assert_eq "job start" "$(events)" "user never ran"

# A job that crash-loops into errored fails the app held on it.
rm -f "$TEST_TMP/events"
touch "$TEST_TMP/go-loop"
cat >"$TEST_TMP/loop.json" <<EOF
{"apps": [
  $(app_json loop "go exit 1" '"restart": "on-failure", "max_restarts": 1, "min_uptime": "1s"'),
  $(app_json held "" '"depends_on": [{"app": "loop", "condition": "completed"}]')
]}
EOF
assert_exit 0 "$OPM" start "$TEST_TMP/loop.json"
wait_status loop errored 20
wait_status held errored 10
assert_eq "not started: dependency loop is errored (failed too many starts in a row)" \
    "$(app_field held reason)" "reason of held"
assert_not_contains "$(events)" "held start" "held never ran"
