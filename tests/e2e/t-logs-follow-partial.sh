#!/usr/bin/env bash
# A follower that starts while the app is in the middle of a line (the
# first piece "abc" is in the file, "def\n" comes later) prints that line
# once and whole, "abcdef", like the file has it: the switch from the
# file's last lines to the stream must not cut a line in two ("abc" from
# the file, then "def" from the stream).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# True when the file PATH holds exactly TEXT (no trailing newline added).
file_is()
{
	[[ -e $1 && $(cat -- "$1"; echo .) == "$2." ]]
}

has_line()
{
	[[ -e $1 ]] && grep -qxF -- "$2" "$1"
}

go=$TEST_TMP/go
assert_exit 0 "$OPM" start --name mid \
    ": $TAG; echo before; printf abc; while [ ! -e $go ]; do sleep 0.01;
    done; echo def; echo after; exec sleep 600"
log=$(app_field mid out_log)
wait_for 5 file_is "$log" $'before\nabc'
"$OPM" logs mid --follow --lines 5 >"$TEST_TMP/f.out" 2>"$TEST_TMP/f.err" &
# "before" is printed once the daemon answered: the follower is registered.
wait_for 5 has_line "$TEST_TMP/f.out" before
touch "$go"
wait_for 5 file_is "$log" $'before\nabcdef\nafter\n'
wait_for 5 has_line "$TEST_TMP/f.out" after
assert_eq $'before\nabcdef\nafter' "$(<"$TEST_TMP/f.out")" \
    "follower started in the middle of a line"
assert_eq "" "$(<"$TEST_TMP/f.err")" "follower's stderr"
