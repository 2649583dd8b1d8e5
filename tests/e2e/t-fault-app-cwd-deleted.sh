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
setup

# Clock ticks of user + system time of PID so far.
cpu_ticks()
{
	local stat
	local -a f

	read -r stat <"/proc/$1/stat"
	read -r -a f <<<"${stat##*) }"
	echo $(( f[11] + f[12] ))
}

# `opm daemon status --json` .spawns: processes the daemon has started.
spawns()
{
	"$OPM" daemon status --json | jq -r .spawns
}

# App NAME could not be started: errored, or waiting to retry.
failed_settled()
{
	local st

	st=$(app_field "$1" status)
	echo "status of $1: $st (want errored or waiting)"
	[[ $st == errored || $st == waiting ]]
}

# App NAME failed to start: errored or waiting, no process, and a reason
# that holds every further argument.
settled_failure()
{
	local name=$1 needle

	shift
	wait_for 5 failed_settled "$name"
	for needle in "$@"; do
		assert_contains "$(app_field "$name" reason)" "$needle" \
		    "reason of $name"
	done
	assert_eq null "$(app_field "$name" pid)" "pid of $name"
	assert_eq 0 "$(count_procs "*tag $TAG tag $name *")" \
	    "processes of $name"
}

# App NAME, failed, stays so for 1 s without a restart loop: errored, no
# more tries (waiting: at most 3 more, backing off from 100 ms), no
# process, and an idle daemon.
no_loop()
{
	local name=$1 r0 s0 c0 c1 hz st0 st max=0

	st0=$(app_field "$name" status)
	r0=$(app_field "$name" restarts)
	s0=$(spawns)
	hz=$(getconf CLK_TCK)
	c0=$(cpu_ticks "$dpid")
	sleep 1
	c1=$(cpu_ticks "$dpid")
	echo "daemon CPU over 1 s: $((c1 - c0)) ticks of $hz"
	(( (c1 - c0) * 100 < hz * 15 )) ||
	    fail "daemon used $((c1 - c0)) of $hz clock ticks in 1 s"
	st=$(app_field "$name" status)
	[[ $st == errored || $st == waiting ]] ||
	    fail "status of $name 1 s later: $st"
	[[ $st0 == errored && $st == errored ]] || max=3
	(( $(app_field "$name" restarts) - r0 <= max )) ||
	    fail "restarts of $name went from $r0 to" \
	    "$(app_field "$name" restarts) in 1 s ($st0, then $st)"
	(( $(spawns) - s0 <= max )) ||
	    fail "spawns went from $s0 to $(spawns) in 1 s ($st0, then $st)"
	assert_eq 0 "$(count_procs "*tag $TAG tag $name *")" \
	    "processes of $name 1 s later"
}

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
