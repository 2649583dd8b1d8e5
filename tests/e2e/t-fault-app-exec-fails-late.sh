#!/usr/bin/env bash
# A program that exists and is executable, but whose execve(2) fails in the
# new process (a file of garbage: ENOEXEC; a script whose interpreter is
# missing: ENOENT), or a cwd that chdir(2) refuses there (a file: ENOTDIR).
# The app ends errored with the error as its reason and no process, as
# when the program is missing; and, as then (t-sup-start-unexecutable),
# `opm start` and `opm restart` fail with exit 1 and an error naming the
# program or cwd (SPEC: 1 = the app cannot start) instead of reporting a
# launching app with the pid of a process that never ran the program.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name bystander --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" tag bystander forever
wait_status bystander online
bystander=$(app_field bystander pid)
dpid=$(daemon_pid)

# App NAME is errored, its reason holds NEEDLE..., nothing of it runs.
errored_with()
{
	local name=$1 needle

	shift
	wait_status "$name" errored 5
	for needle in "$@"; do
		assert_contains "$(app_field "$name" reason)" "$needle" \
		    "reason of $name"
	done
	assert_eq null "$(app_field "$name" pid)" "pid of $name"
	assert_eq 0 "$(count_procs "*tag $TAG tag $name *")" \
	    "processes of $name"
}

junk=$TEST_TMP/junk
head -c 4096 /dev/zero | tr '\0' 'x' >"$junk"
chmod 755 "$junk"
script=$TEST_TMP/script
printf '#!%s/no-such-interpreter\n' "$TEST_TMP" >"$script"
chmod 755 "$script"
notdir=$TEST_TMP/notdir
printf '#!/bin/sh\n' >"$notdir"
chmod 755 "$notdir"
prog=$TEST_TMP/prog
cp "$TESTAPP" "$prog"

# 1. An app that runs; its program replaced by garbage; opm restart.
assert_exit 0 "$OPM" start --name swapped --min-uptime 100ms \
    "$prog" tag "$TAG" tag swapped forever
wait_status swapped online
pid=$(app_field swapped pid)
rm -f -- "$prog"
cp "$junk" "$prog"
rc=0
"$OPM" restart swapped >"$TEST_TMP/restart.out" 2>"$TEST_TMP/restart.err" ||
    rc=$?
# The state first, then what the command said.
wait_for 5 pid_dead "$pid"
errored_with swapped "$prog" "Exec format error"
assert_eq 1 "$rc" "exit code of opm restart (stdout:\
 [$(<"$TEST_TMP/restart.out")])"
assert_contains "$(<"$TEST_TMP/restart.err")" "$prog" \
    "opm restart error names the program"
assert_exit 1 "$OPM" restart swapped
assert_contains "$ERR" "opm: "
assert_contains "$ERR" "$prog" "opm restart error names the program"
assert_exit 1 "$OPM" start swapped
assert_contains "$ERR" "$prog" "opm start error names the program"
errored_with swapped "$prog" "Exec format error"

# 2. New apps that cannot start: the start that creates them fails.
assert_exit 1 "$OPM" start --name junk "$junk" tag "$TAG" tag junk
assert_contains "$ERR" "$junk" "opm start error names the program"
assert_exit 1 "$OPM" start --name noint "$script" tag "$TAG" tag noint
assert_contains "$ERR" "$script" "opm start error names the program"
assert_exit 1 "$OPM" start --name filecwd --cwd "$notdir" \
    "$TESTAPP" tag "$TAG" tag filecwd forever
assert_contains "$ERR" "$notdir" "opm start error names the cwd"

# Nothing lost: the bystander untouched, one daemon.
assert_eq online "$(app_field bystander status)" "status of bystander"
assert_eq "$bystander" "$(app_field bystander pid)" "pid of bystander"
assert_eq 0 "$(app_field bystander restarts)" "restarts of bystander"
assert_exit 0 "$OPM" ping
assert_eq "$dpid" "$(daemon_pid)" "daemon pid"
