#!/usr/bin/env bash
# Apps that close their stdout, their stderr or both early and keep running:
# the end of file on a log pipe is not a crash (same pid, 0 restarts,
# online), the daemon does not spin on the closed pipe (its CPU time over
# one second stays small), what the app writes later on its other stream
# keeps reaching that log, `opm stop` and `opm restart` work (a restarted
# run gets working pipes again), and a bystander app is never touched.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# Prints the last line of FILE (empty if none).
last_line()
{
	local line='' l

	[[ -e $1 ]] || return 0
	while IFS= read -r l; do
		line=$l
	done <"$1"
	echo "$line"
}

# The last tick in FILE is at least N.
ticked_to()
{
	local t

	t=$(last_line "$1")
	echo "last tick in $1: [$t] (want >= $2)"
	[[ $t =~ ^[0-9]+$ ]] && (( t >= $2 ))
}

assert_exit 0 "$OPM" start --name bystander --min-uptime 100ms \
    "$TESTAPP" tag "$TAG" tag bystander tick 50
wait_status bystander online
bystander=$(app_field bystander pid)
dpid=$(daemon_pid)

# stdout closed: a line on each stream first, then ticks on stderr only.
assert_exit 0 "$OPM" start --name noout --min-uptime 100ms \
    --kill-timeout 3s "$TESTAPP" tag "$TAG" tag noout \
    print out-before eprint err-before close-stdout print out-lost etick 50
# stderr closed: ticks on stdout only.
assert_exit 0 "$OPM" start --name noerr --min-uptime 100ms \
    --kill-timeout 3s "$TESTAPP" tag "$TAG" tag noerr \
    print out-before eprint err-before close-stderr eprint err-lost tick 50
# Both closed: the app says nothing more and just runs.
assert_exit 0 "$OPM" start --name mute --min-uptime 100ms \
    --kill-timeout 3s "$TESTAPP" tag "$TAG" tag mute \
    print out-before eprint err-before close-stdout close-stderr \
    print out-lost eprint err-lost forever
for app in noout noerr mute; do
	wait_status "$app" online
done
declare -A pid0 out err
for app in noout noerr mute; do
	pid0[$app]=$(app_field "$app" pid)
	out[$app]=$(app_field "$app" out_log)
	err[$app]=$(app_field "$app" err_log)
done
wait_for 5 ticked_to "${err[noout]}" 5
wait_for 5 ticked_to "${out[noerr]}" 5

# One second with nothing asked of the daemon: it must be mostly idle.
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$dpid")
sleep 1
t1=$(cpu_ticks "$dpid")
echo "daemon CPU over 1 s: $((t1 - t0)) ticks of $hz"
(( (t1 - t0) * 100 < hz * 15 )) ||
    fail "daemon used $((t1 - t0)) of $hz clock ticks in 1 s: spinning?"

# Still the same runs, and output on the open streams keeps coming.
for app in noout noerr mute; do
	assert_eq online "$(app_field "$app" status)" "status of $app"
	assert_eq "${pid0[$app]}" "$(app_field "$app" pid)" "pid of $app"
	assert_eq 0 "$(app_field "$app" restarts)" "restarts of $app"
	assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag $app *")" \
	    "processes of $app"
done
t=$(last_line "${err[noout]}")
wait_for 5 ticked_to "${err[noout]}" $((t + 5))
t=$(last_line "${out[noerr]}")
wait_for 5 ticked_to "${out[noerr]}" $((t + 5))

assert_eq out-before "$(<"${out[noout]}")" "stdout log of noout"
assert_eq err-before "$(head -n 1 "${err[noout]}")" "stderr log of noout"
assert_eq 1 "$(sed -n 2p "${err[noout]}")" "first tick of noout"
assert_eq err-before "$(<"${err[noerr]}")" "stderr log of noerr"
assert_eq out-before "$(head -n 1 "${out[noerr]}")" "stdout log of noerr"
assert_eq 1 "$(sed -n 2p "${out[noerr]}")" "first tick of noerr"
assert_eq out-before "$(<"${out[mute]}")" "stdout log of mute"
assert_eq err-before "$(<"${err[mute]}")" "stderr log of mute"
t=$(last_line "${err[noout]}")
assert_exit 0 "$OPM" logs noout --err --lines 1
if ! [[ $OUT =~ ^[0-9]+$ ]] || (( OUT < t )); then
	fail "opm logs noout --err --lines 1: [$OUT], want a tick >= $t"
fi

# A restart gives fresh pipes: the first lines come again, on both.
assert_exit 0 timeout 10 "$OPM" restart noout
wait_status noout online
assert_ne "${pid0[noout]}" "$(app_field noout pid)" "pid of noout after restart"
assert_eq 1 "$(app_field noout restarts)" "restarts of noout after restart"
got_two()
{
	[[ $(grep -cx "$1" "$2") == 2 ]]
}
wait_for 5 got_two out-before "${out[noout]}"
wait_for 5 got_two err-before "${err[noout]}"

# A stop is quick: these apps die of SIGTERM, closed pipes or not.
for app in noout noerr mute; do
	t0=$EPOCHREALTIME
	assert_exit 0 timeout 10 "$OPM" stop "$app"
	ms=$(( (${EPOCHREALTIME/[.,]/} - ${t0/[.,]/}) / 1000 ))
	echo "opm stop $app: ${ms} ms"
	(( ms < 2000 )) || fail "opm stop $app took ${ms} ms"
	assert_eq stopped "$(app_field "$app" status)" "status of $app"
	assert_eq null "$(app_field "$app" pid)" "pid of $app"
	assert_eq 0 "$(count_procs "*/opm-testapp tag $TAG tag $app *")" \
	    "processes of $app after stop"
done
assert_eq 0 "$(app_field noerr restarts)" "restarts of noerr"
assert_eq 0 "$(app_field mute restarts)" "restarts of mute"

# Nothing lost: the bystander runs and logs as before, one daemon serves.
assert_eq online "$(app_field bystander status)" "status of bystander"
assert_eq "$bystander" "$(app_field bystander pid)" "pid of bystander"
assert_eq 0 "$(app_field bystander restarts)" "restarts of bystander"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag bystander *")" \
    "processes of bystander"
t=$(last_line "$(app_field bystander out_log)")
wait_for 5 ticked_to "$(app_field bystander out_log)" $((t + 3))
assert_exit 0 "$OPM" ping
assert_eq "$dpid" "$(daemon_pid)" "daemon pid"
pid_alive "$dpid" || fail "daemon $dpid is gone"
assert_eq 1 $(( $(count_daemons) - $(count_procs '*opmd --keeper') )) \
    "daemons of this OPM_HOME"
