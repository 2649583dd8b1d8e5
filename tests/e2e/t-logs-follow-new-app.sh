#!/usr/bin/env bash
# `opm logs --follow` with no TARGET follows all apps, including apps
# created while it runs (what `pm2 logs` does): their lines arrive,
# prefixed with their name, like those of the apps that existed before.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

has_line()
{
	[[ -e $1 ]] && grep -qxF -- "$2" "$1"
}

assert_exit 0 "$OPM" start --name old "$TESTAPP" tag "$TAG" \
    trap USR1 print ready forever
wait_for 5 has_line "$(app_field old out_log)" ready
"$OPM" logs --follow --lines 1 >"$TEST_TMP/f.out" 2>"$TEST_TMP/f.err" &
follower=$!
# The last line comes first: the follower is registered.
wait_for 5 has_line "$TEST_TMP/f.out" "old | ready"

assert_exit 0 "$OPM" start --name new "$TESTAPP" tag "$TAG" \
    trap USR1 print hello forever
wait_for 5 has_line "$(app_field new out_log)" hello
assert_exit 0 "$OPM" signal USR1 old new
wait_for 5 has_line "$(app_field new out_log)" "got SIGUSR1"
# The follower is alive and still gets the old app's lines...
wait_for 5 has_line "$TEST_TMP/f.out" "old | got SIGUSR1"
pid_alive "$follower" || fail "the follower exited: $(<"$TEST_TMP/f.err")"
# ...and the new app's.
wait_for 3 has_line "$TEST_TMP/f.out" "new | got SIGUSR1"
has_line "$TEST_TMP/f.out" "new | hello" ||
    fail "first line of the new app missing: [$(<"$TEST_TMP/f.out")]"
