#!/usr/bin/env bash
# An app dies while no daemon runs (daemon SIGKILLed, then the app): the
# next daemon, started by several CLI calls at once, notices and restarts
# it once and counts it once (restarts = 1, LESSONS.md 4, 7), with an
# unknown exit status (nobody reaped it for us). The count is not redone
# when the state is read again by yet another daemon. An app whose policy
# is `never` stays down instead.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

assert_exit 0 "$OPM" start --name victim "$TESTAPP" tag "$TAG" tag victim \
    forever
assert_exit 0 "$OPM" start --name once --restart never \
    "$TESTAPP" tag "$TAG" tag once forever
assert_exit 0 "$OPM" start --name bystander "$TESTAPP" tag "$TAG" \
    tag bystander forever
for a in victim once bystander; do
	wait_status "$a" online
done
declare -A pid
for a in victim once bystander; do
	pid[$a]=$(app_field "$a" pid)
done

kill_daemon
kill -KILL "${pid[victim]}" "${pid[once]}"
wait_for 5 pid_dead "${pid[victim]}"
wait_for 5 pid_dead "${pid[once]}"

# Several CLIs at once find no daemon: one daemon, one restart.
cl=()
for i in 1 2 3 4; do
	"$OPM" list --json >"$TEST_TMP/list.$i" 2>&1 &
	cl+=("$!")
done
for i in "${!cl[@]}"; do
	rc=0
	wait "${cl[i]}" || rc=$?
	assert_eq 0 "$rc" "concurrent opm list $((i + 1)): $(<"$TEST_TMP/list.$((i + 1))")"
done
assert_eq 1 "$(count_procs opmd)" "daemons"

wait_for 5 pid_changed victim "${pid[victim]}"
wait_status victim online
assert_eq 1 "$(app_field victim restarts)" "restarts of victim"
assert_eq 1 "$(count_procs "* tag $TAG tag victim *")" "processes of victim"
assert_exit 0 "$OPM" info victim --json
assert_eq null "$(jq -r .exit_code <<<"$OUT")" "exit_code (unknown)"
assert_eq null "$(jq -r .exit_signal <<<"$OUT")" "exit_signal (unknown)"

# restart never: the exit is final.
wait_status once stopped
assert_eq 0 "$(app_field once restarts)" "restarts of once"
assert_eq null "$(app_field once pid)" "pid of once"
assert_eq 0 "$(count_procs "* tag $TAG tag once *")" "processes of once"

assert_eq "bystander ${pid[bystander]} 0 online" \
    "$(snapshot | grep '^bystander ')" "bystander"

# Counted once, for good: nothing changes while the daemon runs on...
victim_pid=$(app_field victim pid)
snap=$(snapshot)
for _ in 1 2 3; do
	assert_eq "$snap" "$(snapshot)" "apps, later"
done
# ... nor when another daemon reads the runtime state again.
kill_daemon
assert_exit 0 "$OPM" list --json
assert_eq "$snap" "$(snapshot)" "apps after one more crash of the daemon"
assert_eq "$victim_pid" "$(app_field victim pid)" "victim's pid"
assert_eq 1 "$(count_procs "* tag $TAG tag victim *")" "processes of victim"
