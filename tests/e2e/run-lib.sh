# shellcheck shell=bash
#
# tests/e2e/run-lib.sh: opm run in a stand-in for a container, a PID and
# mount namespace (unshare -fp --mount-proc), where the daemon is PID 1.
# Sourced after lib.sh and setup.
#
#	run_start [--raw] FILE...   starts `opm run ARGS` (as opm-runtime when
#	                            RUN_AS_RUNTIME=1) in the namespace; stdout
#	                            to $RUN_OUT, stderr to $RUN_ERR; sets
#	                            RUN_PID (unshare) and RUN_INIT (PID 1 of
#	                            the namespace, as the host sees it)
#	run_wait TIMEOUT            waits for opm run to end; sets RUN_RC
#	ns_pids                     host pids of the namespace's processes
#	ns_zombies                  how many of them are zombies (state Z)
#	ns_exec CMD...              runs CMD inside the namespace (as
#	                            docker exec would)

if [[ $(id -u) != 0 ]] || ! unshare -fp --mount-proc true 2>/dev/null; then
	echo "SKIP (needs root and unshare -fp --mount-proc for a PID namespace)"
	exit 0
fi

RUN_OUT=$TEST_TMP/run.out
RUN_ERR=$TEST_TMP/run.err
RUN_PID=
RUN_INIT=
RUN_RC=

# The first child of $1, or nothing.
_run_child()
{
	local c

	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
	c=${c%% *}
	[[ -n $c ]] || return 1
	echo "$c"
}

_run_has_init()
{
	RUN_INIT=$(_run_child "$RUN_PID") && [[ -n $RUN_INIT ]] &&
	    [[ $(readlink "/proc/$RUN_INIT/exe" 2>/dev/null) == */opmd ]]
}

# A zombie counts as gone: the shell has not waited for it yet.
_run_gone()
{
	pid_dead "$RUN_PID"
}

_run_seen()
{
	_run_has_init && return 0
	RUN_INIT=
	_run_gone
}

run_start()
{
	local prog=$OPM

	_need_setup
	if [[ ${RUN_AS_RUNTIME-} == 1 ]]; then
		prog=$BUILD/opm-runtime
		unshare -fp --mount-proc "$prog" "$@" >"$RUN_OUT" \
		    2>"$RUN_ERR" &
	else
		unshare -fp --mount-proc "$prog" run "$@" >"$RUN_OUT" \
		    2>"$RUN_ERR" &
	fi
	RUN_PID=$!
	track_pid "$RUN_PID"
	# Apps that end at once may end the run before it is seen.
	wait_for 10 _run_seen ||
	    fail "opm run did not become opmd: $(cat "$RUN_ERR")"
	[[ -z $RUN_INIT ]] || track_pid "$RUN_INIT"
}

run_wait()
{
	wait_for "$1" _run_gone ||
	    fail "opm run still runs after $1 s: $(tail -n 20 "$RUN_ERR")"
	RUN_RC=0
	wait "$RUN_PID" || RUN_RC=$?
}

ns_pids()
{
	local ns p

	ns=$(readlink "/proc/$RUN_INIT/ns/pid" 2>/dev/null) || return 0
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] &&
		    echo "${p#/proc/}"
	done
	return 0
}

ns_zombies()
{
	local p n=0 st

	for p in $(ns_pids); do
		st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		[[ ${st%% *} == Z ]] && n=$((n + 1))
	done
	echo "$n"
}

ns_exec()
{
	nsenter -t "$RUN_INIT" -p -m -- "$@"
}
