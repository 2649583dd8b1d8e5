#!/usr/bin/env bash
# Watch: changes in node_modules, .git, editor swap files and the app's
# own logs restart nothing; ignore_watch (an app file's key, and
# --ignore-watch) adds patterns to those defaults instead of replacing
# them; a change elsewhere still restarts the app.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
mkdir -p "$app/node_modules/lib" "$app/.git" "$app/logs" "$app/src/gen" \
    "$app/data"
echo x >"$app/app.js"
cat >"$app/apps.json" <<JSON
{"apps": [{"name": "w", "script": "$TESTAPP", "args": "tag $TAG forever",
  "watch": true, "watch_delay": "300ms", "ignore_watch": ["logs", "*.tmp"],
  "out_file": "out.log"}]}
JSON
assert_exit 0 "$OPM" start "$app/apps.json"
wait_for 10 online_pid w
pid0=$PID

# Everything ignored at once, and the app writes its own log meanwhile.
save "$app/node_modules/lib/index.js" 3 0.05
save "$app/node_modules/new.js" 1 0
mkdir "$app/node_modules/fresh" && echo y >"$app/node_modules/fresh/a.js"
save "$app/.git/index" 3 0.05
save "$app/.app.js.swp" 3 0.05
save "$app/app.js~" 1 0
save "$app/logs/x.txt" 3 0.05
save "$app/src/gen/a.tmp" 3 0.05
save "$app/out.log" 2 0.05
# Three times watch_delay and more: nothing happened.
sleep 2
assert_eq 0 "$(watch_restarts w)" "watch restarts after ignored changes"
assert_eq "$pid0" "$(app_field w pid)" "pid after ignored changes"
assert_contains "$(<"$OPM_HOME/opmd.log")" "w: watching" "watching logged"

# The same tree, anything else: one restart.
save "$app/data/x.json" 1 0
wait_for 10 restarts_are w 1
grep -q "(watch: data/x.json changed)" "$OPM_HOME/opmd.log" ||
    fail "the reason does not name data/x.json"

# --ignore-watch on the command line adds to the defaults too.
assert_exit 0 "$OPM" delete w
assert_exit 0 "$OPM" start --name c --cwd "$app" --watch --watch-delay 300ms \
    --ignore-watch 'data' --ignore-watch '*.json' "$TESTAPP" tag "$TAG" forever
wait_for 10 online_pid c
assert_exit 0 "$OPM" info --json c
assert_eq '["data","*.json"]' "$(jq -c .config.ignore_watch <<<"$OUT")" \
    "ignore_watch from the flags"
save "$app/data/y.json" 2 0.05
save "$app/node_modules/lib/index.js" 2 0.05
save "$app/top.json" 2 0.05
sleep 2
assert_eq 0 "$(watch_restarts c)" "watch restarts with --ignore-watch"
save "$app/app.js" 1 0
wait_for 10 restarts_are c 1
teardown
