#!/usr/bin/env bash
# Issue 14 item 5: an app file whose depends_on cannot hold is refused
# whole, every problem named at once, and nothing is created or started: a
# cycle (named), an unknown app, an app depending on itself, a completed
# condition on an app that restart always brings back, a value that is no
# list. An app of the daemon counts as a dependency; a file that closes a
# cycle through one is refused too.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

nothing_happened()
{
	assert_exit 0 "$OPM" list --json
	assert_eq "$1" "$(jq -c '[.[].name]' <<<"$OUT")" "apps after $2"
	assert_eq 0 "$(count_procs "* tag $TAG *")" "app processes after $2"
	[[ ! -e $TEST_TMP/events ]] || fail "an app ran after $2: $(events)"
}

# A cycle.
cat >"$TEST_TMP/cycle.json" <<EOF
{"apps": [
  $(app_json db),
  $(app_json web "" '"depends_on": ["api"]'),
  $(app_json api "" '"depends_on": ["db", "web"]')
]}
EOF
assert_exit 1 "$OPM" start "$TEST_TMP/cycle.json"
assert_eq "opm: $TEST_TMP/cycle.json: app 2 web: depends_on: cycle web -> api -> web" \
    "$ERR" "the cycle"
nothing_happened '[]' "a cycle"

# Each problem, all at once.
cat >"$TEST_TMP/bad.json" <<EOF
{"apps": [
  $(app_json self "" '"depends_on": ["self"]'),
  $(app_json lost "" '"depends_on": ["nosuch"]'),
  $(app_json looping),
  $(app_json waits "" '"depends_on": [{"app": "looping", "condition": "completed"}]'),
  $(app_json word "" '"depends_on": "db"'),
  $(app_json odd "" '"depends_on": [{"app": "db", "condition": "healthy"}]')
]}
EOF
assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
echo "$ERR"
assert_contains "$ERR" "app 1 self: depends_on: 'self' is the app itself"
assert_contains "$ERR" "app 2 lost: depends_on: unknown app 'nosuch' (neither in the file nor an app of the daemon)"
assert_contains "$ERR" "app 4 waits: depends_on: 'looping' never completes: its restart is always"
assert_contains "$ERR" "app 5 word: depends_on: must be an array"
assert_contains "$ERR" "app 6 odd: depends_on: condition must be started, ready or completed"
assert_contains "$ERR" "5 problems in 5 of 6 apps: nothing was started"
nothing_happened '[]' "five problems"

# An app of the daemon is a dependency; one of the file that exists
# counts as it is. A cycle through the daemon's apps is one as well.
assert_exit 0 "$OPM" start "$TEST_TMP/cycle.json" --only db
wait_status db online
cat >"$TEST_TMP/more.json" <<EOF
{"apps": [$(app_json api "" '"depends_on": ["db"]')]}
EOF
assert_exit 0 "$OPM" start "$TEST_TMP/more.json"
wait_status api online 20
assert_exit 0 "$OPM" delete db
cat >"$TEST_TMP/back.json" <<EOF
{"apps": [$(app_json db "" '"depends_on": ["api"]')]}
EOF
assert_exit 1 "$OPM" start "$TEST_TMP/back.json"
assert_contains "$ERR" "app 1 db: depends_on: cycle db -> api -> db"
assert_exit 0 "$OPM" list --json
assert_eq '["api"]' "$(jq -c '[.[].name]' <<<"$OUT")" "apps after the cycle"
