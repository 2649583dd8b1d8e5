#!/usr/bin/env bash
# listen and instances meet in the rolling reload (issue 14 item 4): until
# then an app with more than one instance and a listen key is refused with
# one clear error, and nothing is created or bound. One instance with a
# socket works.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
assert_exit 1 "$OPM" start --instances 2 --listen tcp://127.0.0.1:0 \
    --name web "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "listen: not supported with more than one instance"
assert_eq 0 "$("$OPM" list --json | jq length)" "apps after the refusal"

cat >apps.json <<JSON
{"apps": [{"name": "w2", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
  "instances": 2, "listen": ["tcp://127.0.0.1:0"]}]}
JSON
assert_exit 1 "$OPM" start apps.json
assert_contains "$ERR" "w2: listen: not supported with more than one instance"
assert_eq 0 "$("$OPM" list --json | jq length)" "apps after the file"

assert_exit 0 "$OPM" start --instances 1 --listen tcp://127.0.0.1:0 \
    --name one "$TESTAPP" tag "$TAG" forever
wait_status one online
assert_eq 1 "$("$OPM" info one:0 --json | jq '.listen | length')" \
    "the socket of a one-instance app"
echo "ok: listen with instances refused, one instance with a socket works"
