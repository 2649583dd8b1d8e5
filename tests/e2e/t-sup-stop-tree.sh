#!/usr/bin/env bash
# opm stop is synchronous and stops the whole process tree of the app: a
# /bin/sh -c app that starts two testapps, one of which forks a child, has
# no process left at all when `opm stop` returns (checked at once, no
# polling), the app is stopped with a null pid, and nothing was counted as
# a restart. The stop signal goes to the whole process group: with a 30 s
# kill timeout the stop takes well under 5 s (signalling the shell alone
# would leave the testapps to the SIGKILL, 30 s later).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# One word with shell syntax: run by /bin/sh -c.
assert_exit 0 "$OPM" start --name tree --min-uptime 300ms --kill-timeout 30s \
    "$TESTAPP tag $TAG forever & $TESTAPP tag $TAG fork-sleep 300 forever; wait"
wait_status tree online
assert_eq '/bin/sh' "$(app_field tree 'argv[0]')" "argv[0] of a shell app"
assert_eq -c "$(app_field tree 'argv[1]')" "argv[1] of a shell app"

three()
{
	local n

	n=$(count_procs "$TESTAPP tag $TAG *")
	echo "testapps: $n"
	[[ $n == 3 ]]
}
wait_for 5 three
mapfile -t pids < <(pgrep -f -- "tag $TAG ")
leader=$(app_field tree pid)
echo "tree: leader $leader, processes ${pids[*]}"
(( ${#pids[@]} >= 4 )) || fail "expected sh + 3 testapps, got ${pids[*]}"
track_pid "${pids[@]}"

t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" stop tree
took_ms=$(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 ))
echo "stop took ${took_ms} ms (kill timeout 30 s)"
alive=()
for p in "${pids[@]}"; do
	pid_alive "$p" && alive+=("$p")
done
assert_eq "" "${alive[*]}" "processes of the tree alive when stop returned"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes of the app"
assert_eq stopped "$(app_field tree status)" "status after stop"
assert_eq null "$(app_field tree pid)" "pid after stop"
assert_eq 0 "$(app_field tree restarts)" "restarts after stop"
(( took_ms < 5000 )) ||
    fail "stop took ${took_ms} ms with a 30 s kill timeout: the stop" \
    "signal did not reach the whole process group"

# Nothing comes back.
sleep 0.3
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes 0.3 s after stop"
assert_eq stopped "$(app_field tree status)" "status 0.3 s after stop"
