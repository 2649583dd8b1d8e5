#!/usr/bin/env bash
# Watch: a directory made after the start is watched. A file made in it at
# once (before its watch could be added) is found by the scan of the new
# directory and restarts the app; a later save of that file restarts it
# again, which only its own watch can see; so does a file two levels down.
# A directory removed is forgotten (a change, then nothing more of it).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

app=$TEST_TMP/app
mkdir -p "$app"
assert_exit 0 "$OPM" start --name w --cwd "$app" --watch --watch-delay 300ms \
    "$TESTAPP" tag "$TAG" forever
wait_for 10 online_pid w
dirs()
{
	"$OPM" info --json w | jq -r .watch.directories
}
dirs_are()
{
	local n

	n=$(dirs)
	echo "directories: $n (want $1)"
	[[ $n == "$1" ]]
}
assert_eq 1 "$(dirs)" "directories at the start"

mkdir -p "$app/sub" && echo 1 >"$app/sub/new.js"
wait_for 10 restarts_are w 1
wait_for 10 online_pid w
assert_eq 2 "$(dirs)" "directories with sub"
save "$app/sub/new.js" 1 0
wait_for 10 restarts_are w 2
mkdir -p "$app/sub/deeper/still"
wait_for 5 dirs_are 4
save "$app/sub/deeper/still/x.py" 1 0
wait_for 10 restarts_are w 3
wait_for 10 online_pid w

rm -rf "$app/sub"
wait_for 10 restarts_are w 4
wait_for 5 dirs_are 1
teardown
