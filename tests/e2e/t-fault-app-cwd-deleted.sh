#!/usr/bin/env bash
# The working directory of an app (--cwd DIR) disappears while it runs.
# The running process is not disturbed; when it must be started again
# (it died, or `opm restart`), the start fails once and the app settles in
# errored (or waiting with backoff), with a reason naming the cwd and the
# error, no process and no restart loop spinning the daemon. `opm start` and
# `opm restart` fail with exit 1 naming the cwd. Once DIR is back,
# `opm restart` brings the app online in it. DIR replaced by a file (which
# chdir(2) refuses only in the child) ends the same way. A bystander app is
# never touched and the same daemon serves throughout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-app-lib.sh
. "$(dirname "$0")/fault-app-lib.sh"
setup

# App NAME is online in DIR: its out log ends with a line DIR (cwd action).
online_in()
{
	local name=$1 n=$2

	wait_status "$name" online 5
	wait_for 5 lines_of "$n" "$dir" "$(app_field "$name" out_log)"
	assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag $name *")" \
	    "processes of $name"
}

# FILE holds exactly N lines, each equal to TEXT.
lines_of()
{
	local n=$1 text=$2 file=$3

	[[ $(grep -cvxF -- "$text" "$file") == 0 &&
	    $(grep -cxF -- "$text" "$file") == "$n" ]]
}

other=$TEST_TMP/other
mkdir "$other"
assert_exit 0 "$OPM" start --name bystander --cwd "$other" \
    --min-uptime 100ms "$TESTAPP" tag "$TAG" tag bystander cwd forever
wait_status bystander online
bystander=$(app_field bystander pid)
dpid=$(daemon_pid)

dir=$TEST_TMP/work
mkdir "$dir"
assert_exit 0 "$OPM" start --name incwd --cwd "$dir" --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" tag incwd cwd forever
assert_eq "$dir" "$(app_field incwd cwd)" "cwd of incwd"
online_in incwd 1
pid=$(app_field incwd pid)

# Deleting the directory does not disturb the running process.
rm -rf -- "$dir"
sleep 0.2
assert_eq online "$(app_field incwd status)" "status with its cwd deleted"
assert_eq "$pid" "$(app_field incwd pid)" "pid with its cwd deleted"

# 1. It dies: the automatic restart cannot enter the directory.
kill -KILL "$pid"
settled_failure incwd "$dir" "No such file or directory"
no_loop incwd
assert_contains "$(app_field incwd reason)" "cwd" "reason of incwd"

# 2. Neither start nor restart can start it while the directory is gone.
assert_exit 1 "$OPM" start incwd
assert_contains "$ERR" "opm: "
assert_contains "$ERR" "$dir" "opm start error names the cwd"
assert_exit 1 "$OPM" restart incwd
assert_contains "$ERR" "$dir" "opm restart error names the cwd"
settled_failure incwd "$dir" "No such file or directory"

# 3. The directory is back: opm restart brings the app online in it.
mkdir "$dir"
assert_exit 0 "$OPM" restart incwd
online_in incwd 2

# 4. Deleted while online, then opm restart: the stop works, the start
# cannot; the command says so and nothing runs.
pid=$(app_field incwd pid)
rm -rf -- "$dir"
assert_exit 1 timeout 10 "$OPM" restart incwd
assert_contains "$ERR" "$dir" "opm restart error names the cwd"
wait_for 5 pid_dead "$pid"
settled_failure incwd "$dir" "No such file or directory"
no_loop incwd

# 5. A file where the directory was: chdir fails in the new process.
# (The exit code of opm restart for a failure this late is the business of
# t-fault-app-exec-fails-late.)
printf '#!/bin/sh\n' >"$dir"
chmod 755 "$dir"
"$OPM" restart incwd >/dev/null 2>&1 || true
settled_failure incwd "$dir" "Not a directory"
no_loop incwd

# 6. Back again.
rm -f -- "$dir"
mkdir "$dir"
assert_exit 0 "$OPM" restart incwd
online_in incwd 3

# Nothing lost: one run of incwd, the bystander untouched, one daemon.
sleep 0.3
assert_eq online "$(app_field incwd status)" "status of incwd at the end"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag incwd *")" \
    "processes of incwd at the end"
assert_eq online "$(app_field bystander status)" "status of bystander"
assert_eq "$bystander" "$(app_field bystander pid)" "pid of bystander"
assert_eq 0 "$(app_field bystander restarts)" "restarts of bystander"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag bystander *")" \
    "processes of bystander"
assert_exit 0 timeout 10 "$OPM" stop incwd
assert_eq 0 "$(count_procs "*/opm-testapp tag $TAG tag incwd *")" \
    "processes of incwd after stop"
assert_exit 0 "$OPM" ping
assert_eq "$dpid" "$(daemon_pid)" "daemon pid"
pid_alive "$dpid" || fail "daemon $dpid is gone"
assert_eq 1 $(( $(count_daemons) - $(count_procs '*opmd --keeper') )) \
    "daemons of this OPM_HOME"
