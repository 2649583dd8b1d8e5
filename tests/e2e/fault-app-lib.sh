# shellcheck shell=bash
#
# tests/e2e/fault-app-lib.sh: helpers shared by the fault tests where an
# app cannot be started again (t-fault-app-binary-deleted.sh,
# t-fault-app-cwd-deleted.sh). Sourced after lib.sh; no_loop reads the
# daemon's pid from $dpid.

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
	c0=$(cpu_ticks "${dpid:?no_loop needs dpid}")
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
