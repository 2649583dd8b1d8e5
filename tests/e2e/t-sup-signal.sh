#!/usr/bin/env bash
# `opm signal SIG TARGET` delivers the signal to the app's process group:
# an app that traps SIGUSR1 and has a child (same handler) prints "got
# SIGUSR1" twice in its out log ($OPM_HOME/logs/NAME-out.log, the out_log
# field), stays online with the same pid and no restart. Names with or
# without SIG, numbers, comma lists and `all` work; an unknown signal or
# target exits 1 and sends nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# fork-sleep's child inherits the trap and sleeps in the same group.
assert_exit 0 "$OPM" start --name sig --min-uptime 200ms \
    "$TESTAPP" tag "$TAG" trap USR1 trap USR2 fork-sleep 60 forever
wait_status sig online
pid=$(app_field sig pid)
log=$OPM_HOME/logs/sig-out.log
assert_eq "$log" "$(app_field sig out_log)" "out_log"
two_procs()
{
	[[ $(count_procs "*/opm-testapp tag $TAG *") == 2 ]]
}
wait_for 5 two_procs

count_lines()
{
	local n

	n=$(grep -c -x -- "$2" "$log") || true
	echo "lines [$2]: $n (want $1)"
	[[ $n == "$1" ]]
}

assert_exit 0 "$OPM" signal USR1 sig
wait_for 5 count_lines 2 "got SIGUSR1"
assert_exit 0 "$OPM" signal SIGUSR2 "$(app_field sig id)"
wait_for 5 count_lines 2 "got SIGUSR2"
usr1=$(kill -l USR1)
assert_exit 0 "$OPM" signal "$usr1" all
wait_for 5 count_lines 4 "got SIGUSR1"

# Bad input sends nothing.
assert_exit 1 "$OPM" signal NOSUCHSIG sig
assert_contains "$ERR" "opm: "
assert_contains "$ERR" NOSUCHSIG
assert_exit 1 "$OPM" signal USR1 nosuch
assert_exit 1 "$OPM" signal USR1 sig,nosuch
sleep 0.2
count_lines 4 "got SIGUSR1" >/dev/null ||
    fail "a failed opm signal delivered SIGUSR1: $(<"$log")"

assert_eq online "$(app_field sig status)" "status"
assert_eq "$pid" "$(app_field sig pid)" "pid"
assert_eq 0 "$(app_field sig restarts)" "restarts"
