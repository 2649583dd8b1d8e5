#!/usr/bin/env bash
# Watch: saving a watched file 20 times in one second gives exactly one
# restart, once the tree has been quiet for watch_delay: counted under
# watch (not crash), with a new pid, and the reason names the file. A tree
# that never goes quiet is restarted anyway, at the cap (10 x watch_delay),
# while the writes go on.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
mkdir -p "$app/src"
echo "// app" >"$app/src/app.js"
# 2s of quiet: a loaded machine may stall a writer for a while.
assert_exit 0 "$OPM" start --name w --cwd "$app" --watch --watch-delay 2s \
    "$TESTAPP" tag "$TAG" forever
wait_for 10 online_pid w
pid0=$PID
assert_eq 0 "$(watch_restarts w)" "watch restarts at the start"

save "$app/src/app.js" 20 0.05
wait_for 15 restarts_are w 1
wait_for 10 online_pid w
pid1=$PID
assert_ne "$pid0" "$pid1" "pid after the restart"
assert_eq 1 "$(app_field w restarts)" "restarts"
assert_eq 0 "$(app_field w restarts_by_cause.crash)" "crash restarts"
grep -q "w: online -> stopping (watch: src/app.js changed)" \
    "$OPM_HOME/opmd.log" || fail "no 'watch: src/app.js changed' in the log"
# Nothing more comes of it: quiet time and more.
sleep 3
assert_eq 1 "$(watch_restarts w)" "watch restarts 3 s later"
assert_eq "$pid1" "$(app_field w pid)" "pid 3 s later"
assert_exit 0 "$OPM" info --json w
assert_eq false "$(jq -r .watch.pending <<<"$OUT")" "a change pending"
assert_eq 2 "$(jq -r .watch.directories <<<"$OUT")" "directories watched"

# A writer that never stops: restarted at the cap while it writes.
assert_exit 0 "$OPM" delete w
assert_exit 0 "$OPM" start --name busy --cwd "$app" --watch \
    --watch-delay 300ms "$TESTAPP" tag "$TAG" forever
wait_for 10 online_pid busy
save "$app/src/app.js" 150 0.1 &
writer=$!
track_pid "$writer"
wait_for 14 restarts_are busy 1
pid_alive "$writer" || fail "the writer ended before the restart: no cap"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
teardown
