#!/usr/bin/env bash
# `opm daemon stop` stops the apps in parallel: three apps that ignore
# SIGTERM, each with --kill-timeout 1s, are all SIGKILLed after about 1 s
# (not 3 s one after the other); when the command returns no app process
# and no daemon is left.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

for i in 1 2 3; do
	assert_exit 0 "$OPM" start --name "deaf$i" --min-uptime 200ms \
	    --kill-timeout 1s "$TESTAPP" tag "$TAG" tag "deaf$i" ignore TERM forever
done
pids=()
for i in 1 2 3; do
	wait_status "deaf$i" online
	pids+=("$(app_field "deaf$i" pid)")
done
track_pid "${pids[@]}"
dpid=$(daemon_pid)
assert_eq 3 "$(count_procs "*/opm-testapp tag $TAG *")" "app processes"

t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" daemon stop
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "daemon stop took ${ms} ms"
(( ms >= 900 )) || fail "daemon stop took ${ms} ms, less than the 1s kill timeout"
(( ms < 2500 )) || fail "daemon stop took ${ms} ms: apps stopped one after the other?"
for p in "${pids[@]}"; do
	pid_dead "$p" || fail "app pid $p alive after daemon stop"
done
assert_eq 0 "$(count_procs "*tag $TAG *")" "app processes after daemon stop"
wait_for 5 pid_dead "$dpid"
