#!/usr/bin/env bash
# Issue 12 item 14: `opm stop` ends every process the app started, also a
# child that left the app's session and process group with setsid(): the
# stop signal first, SIGKILL after the kill timeout for one that ignores
# it. The stop returns only once they are gone.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# The pids of app NAME's processes, main process first.
procs_of()
{
	pgrep -f -- "tag $TAG tag $1 " | sort -n
}

two_procs()
{
	[[ $(count_procs "*tag $TAG tag $1 *") == 2 ]]
}

check_stop()
{
	local name=$1 p main sid
	local -a pids

	wait_status "$name" online
	wait_for 5 two_procs "$name"
	main=$(app_field "$name" pid)
	mapfile -t pids < <(procs_of "$name")
	track_pid "${pids[@]}"
	for p in "${pids[@]}"; do
		[[ $p == "$main" ]] && continue
		sid=$(ps -o sid= -p "$p" | tr -d ' ')
		assert_eq "$p" "$sid" "session of the child $p"
	done
	assert_exit 0 "$OPM" stop "$name"
	assert_eq stopped "$(app_field "$name" status)" "status of $name"
	for p in "${pids[@]}"; do
		pid_dead "$p" || fail "$name: pid $p still runs after" \
		    "'opm stop' said stopped ($(ps -o pid,sid,pgid,args= -p "$p"))"
	done
}

assert_exit 0 "$OPM" start --name tree "$TESTAPP" tag "$TAG" tag tree \
    fork-setsid 100 forever
check_stop tree

# The child ignores TERM: SIGKILL after the kill timeout.
assert_exit 0 "$OPM" start --name stubborn --kill-timeout 500ms \
    "$TESTAPP" tag "$TAG" tag stubborn ignore TERM fork-setsid 100 forever
check_stop stubborn
assert_contains "$(<"$OPM_HOME/opmd.log")" "SIGKILL" "daemon log"

# Started again, stopped again: the same.
assert_exit 0 "$OPM" start tree
check_stop tree
