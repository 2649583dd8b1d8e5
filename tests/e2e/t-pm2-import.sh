#!/usr/bin/env bash
# opm import (issue 13 item 9) of a dump written by a real `pm2 save`: a
# node app with arguments and an env variable, a python app with
# interpreter python3, and an app PM2 had stopped. The apps come back with
# their names, cwd, argv and env, stopped; with --start the ones PM2 had
# online run; max_memory_restart (bytes in PM2's dump) is carried over.
# Importing twice duplicates nothing. PM2 runs with a private PM2_HOME.
# PM2 is a test dependency: build-aux/deps.sh check installs it from npm.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

command -v pm2 >/dev/null ||
    fail "pm2 is not installed: build-aux/deps.sh check installs it (npm install -g pm2)"
command -v node >/dev/null || fail "node is not installed (Debian nodejs)"
export PM2_HOME=$TEST_TMP/pm2home
pm2_stop()
{
	pm2 kill >/dev/null 2>&1 || true
}
trap 'pm2_stop; teardown' EXIT

app=$TEST_TMP/proj
mkdir -p "$app"
printf 'setInterval(() => {}, 1000); // %s\n' "$TAG" >"$app/app.js"
printf 'import time\nwhile True:\n    time.sleep(1)  # %s\n' "$TAG" >"$app/srv.py"
cd "$app"
MYVAR=hello pm2 start app.js --name api -- --port 8080 >/dev/null
pm2 start srv.py --name py --interpreter python3 >/dev/null
pm2 start "$TESTAPP" --name sl --max-memory-restart 100M -- tag "$TAG" forever >/dev/null
pm2 stop sl >/dev/null
pm2 save >/dev/null
pm2_stop
cd /
[[ -s $PM2_HOME/dump.pm2 ]] || fail "pm2 save wrote no $PM2_HOME/dump.pm2"
[[ ${MYVAR-} == "" ]] || fail "MYVAR leaked into the test's shell"

# The default path is $PM2_HOME/dump.pm2; apps are created stopped.
assert_exit 0 "$OPM" import
assert_contains "$OUT" "api: created (stopped); env: MYVAR"
assert_contains "$OUT" "py: created (stopped)"
assert_contains "$OUT" "sl: created (stopped)"
assert_not_contains "$OUT" "max_memory_restart"
assert_eq 104857600 "$("$OPM" info sl --json | jq .config.max_memory_restart)" \
    "max_memory_restart of sl"
for a in api py sl; do
	assert_eq stopped "$(app_field "$a" status)" "$a after import"
	assert_eq "$app" "$(app_field "$a" cwd)" "cwd of $a"
done
assert_eq "[\"$app/app.js\",\"--port\",\"8080\"]" \
    "$(app_field api 'argv[-3:]' | jq -c .)" "argv of api"
assert_eq node "$(basename "$(app_field api 'argv[0]')")" "interpreter of api"
assert_eq "$app/srv.py" "$(app_field py 'argv[-1]')" "script of py"
assert_eq python3 "$(basename "$(app_field py 'argv[0]')")" "interpreter of py"
assert_eq "[\"$TESTAPP\",\"tag\",\"$TAG\",\"forever\"]" \
    "$(app_field sl argv | jq -c .)" "argv of sl (interpreter none)"
assert_contains "$("$OPM" env api)" "MYVAR=hello"
# PM2's own variables and the shell's, equal here, are not the app's.
cfg=$("$OPM" info api --json | jq -c .config.env)
assert_eq '{"MYVAR":"hello"}' "$cfg" "the env imported"
# PM2's default logs stay behind: opm keeps its own.
assert_contains "$(app_field api out_log)" "$OPM_HOME"

# Twice: nothing duplicated, nothing changed.
assert_exit 0 "$OPM" import "$PM2_HOME/dump.pm2"
assert_contains "$OUT" "api: exists (left as it is)"
assert_eq 3 "$("$OPM" list --json | jq length)"

# --start: what PM2 had online runs, what it had stopped stays stopped.
assert_exit 0 "$OPM" delete all
assert_exit 0 "$OPM" import --start
wait_status api online
wait_status py online
assert_eq stopped "$(app_field sl status)"
api_pid=$(app_field api pid)
grep -qx "MYVAR=hello" <(tr '\0' '\n' <"/proc/$api_pid/environ") ||
    fail "MYVAR not in the environment of the running api"
assert_eq "$app" "$(readlink "/proc/$(app_field py pid)/cwd")" "cwd of py"

# Errors: a missing dump, and a file that is no PM2 dump.
assert_exit 1 "$OPM" import "$TEST_TMP/nope.pm2"
assert_contains "$ERR" "nope.pm2: No such file or directory"
echo '{"apps": []}' >"$TEST_TMP/notdump.pm2"
assert_exit 1 "$OPM" import "$TEST_TMP/notdump.pm2"
assert_contains "$ERR" "not a PM2 dump"
assert_exit 2 "$OPM" import --bogus
# --print: the app file, no daemon needed, nothing created.
assert_exit 0 "$OPM" import --print
assert_eq '["api","py","sl"]' "$(jq -c '.apps | map(.name)' <<<"$OUT")"
