#!/usr/bin/env bash
# Watch limits: with fs.inotify.max_user_watches reached (a daemon in a
# user namespace of its own, whose limit is 3 watches), the app keeps
# running, watched in part: `opm info` says so in its note, the log too,
# and a change in a directory that is watched still restarts it.
# Skipped where user namespaces are not available.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
if ! unshare -Ur sh -c 'echo 3 >/proc/sys/user/max_inotify_watches' \
    2>/dev/null; then
	echo "SKIP (needs unshare -Ur and a per-namespace inotify limit)"
	exit 0
fi
setup

app=$TEST_TMP/app
mkdir -p "$app"/d1/d2 "$app"/e1/e2 "$app"/f1
# The daemon, in the background, in its own user namespace.
unshare -Ur sh -c 'echo 3 >/proc/sys/user/max_inotify_watches &&
    exec "$0"' "$OPMD" >/dev/null 2>&1
wait_for 10 test -S "$OPM_HOME/opmd.sock"
assert_exit 0 "$OPM" ping
assert_exit 0 "$OPM" start --name w --cwd "$app" --watch --watch-delay 300ms \
    "$TESTAPP" tag "$TAG" forever
wait_for 10 online_pid w
assert_exit 0 "$OPM" info --json w
assert_eq 3 "$(jq -r .watch.directories <<<"$OUT")" "directories watched"
assert_contains "$(jq -r .note <<<"$OUT")" \
    "the limit of inotify watches is reached" "note"
assert_contains "$(jq -r .watch.problem <<<"$OUT")" \
    "fs.inotify.max_user_watches" "problem"
assert_exit 0 "$OPM" info w
assert_contains "$OUT" "the limit of inotify watches is reached" \
    "info shows the note"
grep -q "w: watch: the limit of inotify watches is reached" \
    "$OPM_HOME/opmd.log" || fail "not in the log"
save "$app/top.js" 1 0
wait_for 10 restarts_are w 1
wait_for 10 online_pid w
teardown
