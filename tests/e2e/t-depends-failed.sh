#!/usr/bin/env bash
# Issue 14 item 5: a dependency that fails. db cannot be executed (its
# interpreter is missing): it ends errored, and api, which depends on it,
# is errored too, never runs, and its reason says why; `opm start` says
# so and exits 1. A failure runs down a chain: migrate exits 1, so db
# (completed on migrate) and web (started on db) do not start.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

printf '#!%s/no-such-interpreter\n' "$TEST_TMP" >"$TEST_TMP/db.sh"
chmod +x "$TEST_TMP/db.sh"
cat >"$TEST_TMP/eco.json" <<EOF
{"apps": [
  {"name": "db", "script": "$TEST_TMP/db.sh", "args": ["tag", "$TAG"]},
  $(app_json api "" '"depends_on": ["db"]')
]}
EOF
assert_exit 1 "$OPM" start "$TEST_TMP/eco.json"
assert_contains "$ERR" "opm: db: cannot start:"
assert_contains "$ERR" "opm: api: cannot start: not started: dependency db is errored ("
assert_eq errored "$(app_field db status)" "status of db"
assert_eq errored "$(app_field api status)" "status of api"
assert_contains "$(app_field api reason)" "not started: dependency db is errored"
assert_eq null "$(app_field api pid)" "pid of api"
[[ ! -e $TEST_TMP/events ]] || fail "api ran: $(events)"
if grep -q "api: spawned" "$OPM_HOME/opmd.log"; then
	fail "api was spawned: $(grep "api:" "$OPM_HOME/opmd.log")"
fi

# Down a chain, while the apps wait.
cat >"$TEST_TMP/chain.json" <<EOF
{"apps": [
  $(app_json migrate "go exit 1" '"autorestart": false'),
  $(app_json store "" '"depends_on": [{"app": "migrate", "condition": "completed"}]'),
  $(app_json web "" '"depends_on": ["store"]')
]}
EOF
assert_exit 0 "$OPM" start "$TEST_TMP/chain.json"
assert_eq "waiting for migrate (completed)" "$(app_field store reason)"
assert_eq "waiting for store (started)" "$(app_field web reason)"
touch "$TEST_TMP/go-migrate"
wait_status web errored 20
assert_eq errored "$(app_field store status)" "status of store"
assert_eq "not started: dependency migrate exited with code 1" \
    "$(app_field store reason)" "reason of store"
assert_contains "$(app_field web reason)" \
    "not started: dependency store is errored (not started: dependency migrate"
wait_for 10 grep -qx "migrate start" "$TEST_TMP/events"
assert_eq "migrate start" "$(events)" "only migrate ran"
