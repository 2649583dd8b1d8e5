#!/usr/bin/env bash
# An app file with an unknown key is rejected as a whole: exit 1, one
# "opm: " line naming the key and the app, and nothing is created or
# started, not even the valid apps listed before the bad one. Apps that
# already run are not touched.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
# ok1 is valid and comes first; bad has a key opm does not know.
cat >eco.json <<EOF
{"apps": [
  {"name": "ok1", "script": "$TESTAPP", "args": ["tag", "$TAG", "tag", "ok1", "forever"]},
  {"name": "bad", "script": "$TESTAPP", "args": ["tag", "$TAG", "tag", "bad", "forever"],
   "bogus_key": true}
]}
EOF
assert_exit 1 "$OPM" start eco.json
assert_eq "" "$OUT" "stdout of a rejected app file"
assert_contains "$ERR" "bogus_key" "error names the key"
assert_contains "$ERR" "bad" "error names the app"
[[ $ERR == "opm: "* ]] || fail "error does not begin with 'opm: ': [$ERR]"
assert_eq 1 "$(wc -l <<<"$ERR")" "lines of the error: [$ERR]"
assert_exit 0 "$OPM" list --json
assert_eq '[]' "$(jq -c 'map(.name)' <<<"$OUT")" "apps after a rejected file"
assert_eq 0 "$(count_procs "* tag $TAG tag ok1 forever")" "processes of ok1"
assert_eq 0 "$(count_procs "* tag $TAG tag bad forever")" "processes of bad"

# The array shape, a PM2 key opm does not support, with an app running.
assert_exit 0 "$OPM" start --name keep "$TESTAPP" tag "$TAG" tag keep forever
wait_status keep online
pid_keep=$(app_field keep pid)
cat >arr.json <<EOF
[
  {"name": "keep", "script": "$TESTAPP", "args": ["tag", "$TAG", "tag", "keep", "forever"]},
  {"name": "new1", "script": "$TESTAPP", "args": ["tag", "$TAG", "tag", "new1", "forever"]},
  {"name": "w", "script": "$TESTAPP", "log_type": "json"}
]
EOF
assert_exit 1 "$OPM" start arr.json
assert_contains "$ERR" "log_type" "error names the key"
assert_contains "$ERR" "w" "error names the app"
assert_exit 0 "$OPM" list --json
assert_eq '["keep"]' "$(jq -c 'map(.name)' <<<"$OUT")" \
    "apps after a rejected array file"
assert_eq "$pid_keep" "$(app_field keep pid)" "pid of keep"
assert_eq 0 "$(app_field keep restarts)" "restarts of keep"
assert_eq 0 "$(count_procs "* tag $TAG tag new1 forever")" "processes of new1"

# Keys are case-sensitive: "Name" is not "name".
cat >case.json <<EOF
[{"name": "c1", "Name": "c2", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]}]
EOF
assert_exit 1 "$OPM" start case.json
assert_contains "$ERR" "Name" "error names the key"
# A nameless app: the error still names the key.
cat >anon.json <<EOF
[{"script": "$TESTAPP", "args": ["tag", "$TAG", "forever"], "frobnicate": 1}]
EOF
assert_exit 1 "$OPM" start anon.json
assert_contains "$ERR" "frobnicate" "error names the key"
assert_exit 0 "$OPM" list --json
assert_eq '["keep"]' "$(jq -c 'map(.name)' <<<"$OUT")" "apps at the end"

# An unknown key next to "apps" is an unknown key too, and says which.
cat >top.json <<EOF
{"apps": [{"name": "t1", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]}],
 "deploy_typo": {}}
EOF
assert_exit 1 "$OPM" start top.json
top_err=$ERR
assert_contains "$top_err" "top.json" "error names the file"
assert_exit 0 "$OPM" list --json
assert_eq '["keep"]' "$(jq -c 'map(.name)' <<<"$OUT")" \
    "apps after a file with an unknown top-level key"
assert_contains "$top_err" "deploy_typo" "error names the top-level key"
