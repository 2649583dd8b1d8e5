#!/usr/bin/env bash
# A suspended app (SIGSTOP) is not mistaken for an exit, and `opm stop`
# sends SIGCONT with the stop signal, so it stops at once instead of
# waiting for the kill timeout (5 s here).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name frozen --min-uptime 100ms --kill-timeout 5s \
    "$TESTAPP" tag "$TAG" fork-sleep 60 forever
wait_status frozen online
pid=$(app_field frozen pid)
kill -STOP -- "-$pid"
stopped_state()
{
	local s

	read -r s <"/proc/$pid/stat"
	s=${s##*) }
	[[ ${s:0:1} == T ]]
}
wait_for 5 stopped_state
sleep 0.2
assert_eq online "$(app_field frozen status)" "status of a suspended app"
assert_eq "$pid" "$(app_field frozen pid)" "pid of a suspended app"
assert_eq 0 "$(app_field frozen restarts)" "restarts of a suspended app"

t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" stop frozen
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "stop of a suspended app took ${ms} ms"
(( ms < 2000 )) || fail "stop of a suspended app took ${ms} ms (no SIGCONT?)"
assert_eq SIGTERM "$(app_field frozen exit_signal)" "exit_signal"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes"
