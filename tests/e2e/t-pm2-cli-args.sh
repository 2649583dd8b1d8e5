#!/usr/bin/env bash
# PM2's command line (issue 13 item 6): after a script file (an existing
# file, or a name with a script extension) opm's flags still count and the
# app's arguments follow "--"; after a command, a word that is an opm flag
# is a usage error naming both readings, never passed on silently. An app
# file takes flags after it (--only, --env production is not a command).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

argv_of()
{
	"$OPM" info "$1" --json | jq -c .argv
}

# A script file (TESTAPP exists): --name after it is opm's, the words after
# "--" the app's, even those led by "-".
assert_exit 0 "$OPM" start "$TESTAPP" --name api -- tag "$TAG" forever --x
wait_status api online
assert_eq "[\"$TESTAPP\",\"tag\",\"$TAG\",\"forever\",\"--x\"]" "$(argv_of api)" \
    "argv of start SCRIPT --name api -- ARGS"
# Flags and plain words in any order before "--"; --key=value too.
assert_exit 0 "$OPM" start "$TESTAPP" tag "$TAG" --name=api2 forever \
    --max-restarts 3
wait_status api2 online
assert_eq "[\"$TESTAPP\",\"tag\",\"$TAG\",\"forever\"]" "$(argv_of api2)"
assert_eq 3 "$("$OPM" info api2 --json | jq .config.max_restarts)"
# A name with a script extension is a script file before it exists.
assert_exit 2 "$OPM" start dist/server.js --name web --port 8080
assert_contains "$ERR" "unknown option --port after dist/server.js"
assert_contains "$ERR" "opm start dist/server.js -- --port"
# An unknown flag after a script file, or a short one: usage error.
assert_exit 2 "$OPM" start "$TESTAPP" --frobnicate
assert_contains "$ERR" "after '--'"
assert_exit 2 "$OPM" start "$TESTAPP" -n api3
assert_contains "$ERR" "unknown option -n"

# A command (not a file): an opm flag after it could be either's.
assert_exit 2 "$OPM" start sleep 100 --name api
assert_eq 1 "$(wc -l <<<"$ERR")" "one line: [$ERR]"
assert_contains "$ERR" "opm: start: '--name' after the program sleep"
assert_contains "$ERR" "put opm options before it"
assert_contains "$ERR" "after '--'"
assert_exit 2 "$OPM" start sleep --env=A=1 100
assert_contains "$ERR" "'--env' after the program"
assert_exit 2 "$OPM" start "sleep 100" --no-autostart
assert_contains "$ERR" "'--no-autostart' after the program"
# Nothing was created by any of those.
assert_eq '["api","api2"]' "$("$OPM" list --json | jq -c 'map(.name)')"
# Words that are no opm flag stay the command's; after "--" even opm's.
assert_exit 0 "$OPM" start --name c1 sh -c 'exec "$0" "$@"' "$TESTAPP" \
    tag "$TAG" forever --frob
wait_status c1 online
assert_eq '"--frob"' "$("$OPM" info c1 --json | jq -c '.argv[-1]')"
assert_exit 0 "$OPM" start --name c2 sh -c 'exec "$0" "$@"' -- "$TESTAPP" \
    tag "$TAG" forever --name x
wait_status c2 online
assert_eq '["forever","--name","x"]' "$("$OPM" info c2 --json | jq -c '.argv[-3:]')"
# "--" before the program: everything after it is the program's.
assert_exit 0 "$OPM" start --name c3 -- "$TESTAPP" tag "$TAG" forever \
    --name x
wait_status c3 online
assert_eq "[\"$TESTAPP\",\"tag\",\"$TAG\",\"forever\",\"--name\",\"x\"]" \
    "$(argv_of c3)"

# An app file: flags after it are opm's; plain words or "--" are errors.
cat >"$TEST_TMP/eco.json" <<JSON
{"apps": [
  {"name": "f1", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]},
  {"name": "f2", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]}
]}
JSON
assert_exit 2 "$OPM" start "$TEST_TMP/eco.json" extra
assert_contains "$ERR" "'extra' after the app file"
assert_exit 2 "$OPM" start "$TEST_TMP/eco.json" -- a
assert_contains "$ERR" "'--' after the app file"
# --env NAME after a file is an opm flag, never the argv of a command named
# after the file (an env set once environment sets exist, else refused).
RC=0
"$OPM" start "$TEST_TMP/eco.json" --env production >"$TEST_TMP/o" 2>&1 || RC=$?
if (( RC != 0 )); then
	assert_contains "$(<"$TEST_TMP/o")" "--env"
fi
assert_eq 0 "$("$OPM" list --json | jq '[.[] | select(.argv | index("--env"))] | length')" \
    "an app run with --env in its argv"
# With environment sets that start created the file's apps: start over.
assert_exit 0 "$OPM" delete all
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json" --only f2 --max-restarts 4
assert_contains "$OUT" "f2: created"
assert_not_contains "$OUT" "f1"
wait_status f2 online
assert_eq 4 "$("$OPM" info f2 --json | jq .config.max_restarts)"
"$OPM" list --json | jq -e 'map(.name) | index("f1") == null' >/dev/null ||
    fail "--only f2 created f1"
assert_exit 1 "$OPM" start "$TEST_TMP/eco.json" --only f1,nope
assert_contains "$ERR" "no app 'nope' in the file (its apps: f1, f2)"
assert_exit 2 "$OPM" start "$TESTAPP" --only f1
assert_contains "$ERR" "--only selects apps of an app file"
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json" --only=f1,f2
assert_contains "$OUT" "f1: created"
assert_contains "$OUT" "f2: exists"
