#!/usr/bin/env bash
# The program of an app (a copy of opm-testapp) is deleted while it runs.
# The running process is not disturbed; when it must be started again (it
# died, or `opm restart`), the app settles in errored (or waiting with
# backoff) with a reason naming the program, no process and no restart
# loop spinning the daemon, and `opm start` and `opm restart` fail with
# exit 1 naming it. Once the file is back, `opm restart` brings the app
# online. The same for a program that lost its execute permission. A
# bystander app is never touched and the same daemon serves throughout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-app-lib.sh
. "$(dirname "$0")/fault-app-lib.sh"
setup

# App NAME is online and has printed "up" N times in all.
online_n()
{
	local name=$1 n=$2

	wait_status "$name" online 5
	wait_for 5 ups "$n" "$(app_field "$name" out_log)"
	assert_eq 1 "$(count_procs "*/prog tag $TAG tag $name *")" \
	    "processes of $name"
}

ups()
{
	[[ $(grep -cx up "$2") == "$1" ]]
}

assert_exit 0 "$OPM" start --name bystander --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" tag bystander forever
wait_status bystander online
bystander=$(app_field bystander pid)
dpid=$(daemon_pid)

prog=$TEST_TMP/bin/prog
mkdir "$TEST_TMP/bin"
cp "$TESTAPP" "$prog"
assert_exit 0 "$OPM" start --name vanish --min-uptime 100ms \
    "$prog" tag "$TAG" tag vanish print up forever
assert_eq "$prog" "$(app_field vanish 'argv[0]')" "argv[0] of vanish"
online_n vanish 1
pid=$(app_field vanish pid)

# Deleting the file does not disturb the running process.
rm -f -- "$prog"
sleep 0.2
assert_eq online "$(app_field vanish status)" "status, program deleted"
assert_eq "$pid" "$(app_field vanish pid)" "pid, program deleted"

# 1. It dies: the automatic restart cannot execute the program.
kill -KILL "$pid"
settled_failure vanish "$prog"
no_loop vanish

# 2. Neither start nor restart can start it while the file is gone.
assert_exit 1 "$OPM" start vanish
assert_contains "$ERR" "opm: "
assert_contains "$ERR" "$prog" "opm start error names the program"
assert_exit 1 "$OPM" restart vanish
assert_contains "$ERR" "$prog" "opm restart error names the program"
settled_failure vanish "$prog"

# 3. The file is back: opm restart brings the app online.
cp "$TESTAPP" "$prog"
assert_exit 0 "$OPM" restart vanish
online_n vanish 2

# 4. Deleted while online, then opm restart: the stop works, the start
# cannot; the command says so and nothing runs.
pid=$(app_field vanish pid)
rm -f -- "$prog"
assert_exit 1 timeout 10 "$OPM" restart vanish
assert_contains "$ERR" "$prog" "opm restart error names the program"
wait_for 5 pid_dead "$pid"
settled_failure vanish "$prog"
no_loop vanish

# 5. Back, but not executable: the same, with a reason that says so.
cp "$TESTAPP" "$prog"
chmod 644 "$prog"
assert_exit 1 "$OPM" restart vanish
assert_contains "$ERR" "$prog" "opm restart error names the program"
settled_failure vanish "$prog" "not an executable file"

# 6. Executable again.
chmod 755 "$prog"
assert_exit 0 "$OPM" restart vanish
online_n vanish 3

# Nothing lost: one run of vanish, the bystander untouched, one daemon.
sleep 0.3
assert_eq online "$(app_field vanish status)" "status of vanish at the end"
assert_eq 1 "$(count_procs "*/prog tag $TAG tag vanish *")" \
    "processes of vanish at the end"
assert_eq online "$(app_field bystander status)" "status of bystander"
assert_eq "$bystander" "$(app_field bystander pid)" "pid of bystander"
assert_eq 0 "$(app_field bystander restarts)" "restarts of bystander"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag bystander *")" \
    "processes of bystander"
assert_exit 0 timeout 10 "$OPM" stop vanish
assert_eq 0 "$(count_procs "*tag $TAG tag vanish *")" \
    "processes of vanish after stop"
assert_exit 0 "$OPM" ping
assert_eq "$dpid" "$(daemon_pid)" "daemon pid"
pid_alive "$dpid" || fail "daemon $dpid is gone"
assert_eq 1 $(( $(count_daemons) - $(count_procs '*opmd --keeper') )) \
    "daemons of this OPM_HOME"
