#!/usr/bin/env bash
# How the command is run: several words are executed directly (argv as
# given, no shell: "$X" and "a|b" reach the program literally); one word
# with shell syntax runs under /bin/sh -c (expansions, pipes, && work); one
# plain word is a program looked up in PATH.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

export OPM_T_X=expanded
has_output()
{
	[[ -f $1 && $(<"$1") == "$2" ]]
}

# shellcheck disable=SC2016 # literal $OPM_T_X on purpose
assert_exit 0 "$OPM" start --name direct --restart never --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" print '$OPM_T_X' print 'a|b' sleep 0.3
wait_status direct stopped 5
# shellcheck disable=SC2016
assert_eq '["tag","'"$TAG"'","print","$OPM_T_X","print","a|b","sleep","0.3"]' \
    "$(app_field direct 'argv[1:]' | jq -c .)" "argv of direct"
# shellcheck disable=SC2016
wait_for 5 has_output "$OPM_HOME/logs/direct-out.log" $'$OPM_T_X\na|b'

assert_exit 0 "$OPM" start --name shell --restart never --min-uptime 100ms \
    "$TESTAPP tag $TAG print \$OPM_T_X | tr a-z A-Z && $TESTAPP tag $TAG print second; sleep 0.3"
wait_status shell stopped 5
assert_eq /bin/sh "$(app_field shell 'argv[0]')" "argv[0] of shell"
assert_eq -c "$(app_field shell 'argv[1]')" "argv[1] of shell"
assert_eq 3 "$(app_field shell 'argv | length')" "argv length of shell"
wait_for 5 has_output "$OPM_HOME/logs/shell-out.log" $'EXPANDED\nsecond'

# One plain word: a program from PATH, default name its basename.
mkdir "$TEST_TMP/bin"
cat >"$TEST_TMP/bin/opm-t-prog" <<SCRIPT
#!/bin/sh
# $TAG
echo plain
SCRIPT
chmod 755 "$TEST_TMP/bin/opm-t-prog"
PATH=$TEST_TMP/bin:$PATH assert_exit 0 "$OPM" start --restart never \
    --min-uptime 100ms opm-t-prog
wait_status opm-t-prog stopped 5
wait_for 5 has_output "$OPM_HOME/logs/opm-t-prog-out.log" plain
