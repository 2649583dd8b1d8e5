#!/usr/bin/env bash
# Watch on the command line: --watch before or after a script watches the
# cwd (it takes no value but after '='), --watch=PATH (repeatable) watches
# PATH, relative to the shell's directory, a file included (only that
# file); --ignore-watch and --watch-delay reach the app's configuration.
# Bad values are one-line errors naming the key, exit 1, nothing created.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
mkdir -p "$app/src" "$app/lib"
cat >"$app/srv.py" <<PY
import time
time.sleep(3600)  # $TAG
PY
mkdir -p "$TEST_TMP/etc"
echo '{}' >"$TEST_TMP/etc/config.json"
cd "$app"

assert_exit 0 "$OPM" start --watch srv.py --name before
assert_exit 0 "$OPM" start srv.py --name after --watch --watch-delay 400ms \
    --ignore-watch '*.bak'
assert_exit 0 "$OPM" start srv.py --name paths --watch=src --watch=lib
assert_exit 0 "$OPM" start srv.py --name file --watch=../etc/config.json \
    --watch-delay 200ms
cfg()
{
	"$OPM" info --json "$1" | jq -c ".config.$2"
}
assert_eq true "$(cfg before watch)" "--watch before the script"
assert_eq "[\"$app/srv.py\"]" "$(app_field before 'argv[-1:]' | jq -c .)" \
    "the script after --watch"
assert_eq true "$(cfg after watch)" "--watch after the script"
assert_eq 400 "$(cfg after watch_delay)" "--watch-delay"
assert_eq '["*.bak"]' "$(cfg after ignore_watch)" "--ignore-watch"
assert_eq 1000 "$(cfg before watch_delay)" "default watch_delay"
assert_eq "[\"$app/src\",\"$app/lib\"]" "$(cfg paths watch)" "--watch=PATH"
for a in before after paths file; do
	wait_for 10 online_pid "$a"
done
assert_exit 0 "$OPM" info file
assert_contains "$OUT" "watching" "info shows the watch"

# config.json: the file app only; src/: paths and the cwd watchers; x.bak
# the cwd watcher without --ignore-watch '*.bak' only; etc/other.txt none.
save "$TEST_TMP/etc/config.json" 1 0
wait_for 10 restarts_are file 1
save "$app/src/a.py" 1 0
for a in before after paths; do
	wait_for 10 restarts_are "$a" 1
done
save "$app/x.bak" 1 0
save "$TEST_TMP/etc/other.txt" 1 0
wait_for 10 restarts_are before 2
sleep 1.5
assert_eq 1 "$(watch_restarts after)" "after: x.bak"
assert_eq 1 "$(watch_restarts paths)" "paths: x.bak in the cwd"
assert_eq 1 "$(watch_restarts file)" "file: etc/other.txt"

# Bad values: the key and what is wrong, nothing created.
n=$("$OPM" list --json | jq length)
assert_exit 1 "$OPM" start srv.py --name bad1 --watch=missing
assert_contains "$ERR" "missing: No such file or directory" "--watch=missing"
assert_exit 1 "$OPM" start srv.py --name bad2 --watch --watch-delay 10ms
assert_contains "$ERR" "watch_delay: must be at least 50ms" "--watch-delay"
cat >bad.json <<JSON
{"apps": [{"name": "bad3", "script": "srv.py", "watch": 5,
  "ignore_watch": [1], "watch_delay": "soon"}]}
JSON
assert_exit 1 "$OPM" start bad.json
assert_contains "$ERR" \
    "watch: must be true, false, a path or an array of paths" "watch: 5"
assert_contains "$ERR" "ignore_watch: a glob must be a non-empty string" \
    "ignore_watch: [1]"
assert_contains "$ERR" "watch_delay: " "watch_delay: soon"
assert_eq "$n" "$("$OPM" list --json | jq length)" "apps after bad input"
teardown
