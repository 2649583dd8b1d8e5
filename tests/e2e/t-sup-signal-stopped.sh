#!/usr/bin/env bash
# `opm signal` with stopped apps among the targets: `all` signals every
# running app and succeeds (like `stop all`, stopped apps are skipped); an
# explicit list naming a stopped app fails with exit 1 and then, like any
# failed request, sends nothing at all: a command never both fails and acts.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name up --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" trap USR1 forever
assert_exit 0 "$OPM" start --name idle --no-autostart \
    "$TESTAPP" tag "$TAG" forever
wait_status up online
log=$(app_field up out_log)
nlines()
{
	local n

	n=$(grep -c -x "got SIGUSR1" "$log") || true
	echo "$n"
}

# An explicit list with a stopped app: refused, nothing delivered.
rc=0
"$OPM" signal USR1 up,idle >"$TEST_TMP/o" 2>"$TEST_TMP/e" || rc=$?
sleep 0.3
n=$(nlines)
if (( rc != 0 && n != 0 )); then
	fail "opm signal USR1 up,idle failed (exit $rc: $(<"$TEST_TMP/e")) yet delivered SIGUSR1 to up"
fi
assert_eq 1 "$rc" "exit of signal to a list naming a stopped app ($(<"$TEST_TMP/e"))"

# all: every running app, success.
assert_exit 0 "$OPM" signal USR1 all
has()
{
	(( $(nlines) >= $1 ))
}
wait_for 5 has 1
assert_eq online "$(app_field up status)"
assert_eq stopped "$(app_field idle status)"
