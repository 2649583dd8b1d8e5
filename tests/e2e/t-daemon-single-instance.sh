#!/usr/bin/env bash
# One daemon per OPM_HOME: six CLIs released at the same instant with no
# daemon running start exactly one; an opmd started by hand while one runs
# refuses, names the running one, and leaves it alone.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# opmd processes of this OPM_HOME, the descriptor keeper (opmd --keeper)
# left out: count_daemons counts both.
main_daemons()
{
	local all keepers

	all=$(count_daemons)
	keepers=$(count_procs '*opmd --keeper')
	echo $((all - keepers))
}

keepers()
{
	count_procs '*opmd --keeper'
}

# Blocked flock(2) waiters on the file with inode $1 (lines "N: -> FLOCK").
flock_waiters()
{
	local n

	n=$(grep -c -- "-> FLOCK .*:$1 " /proc/locks) || true
	echo "waiters on inode $1: $n (want $2)"
	(( n == $2 ))
}

# --- Six CLIs at once, no daemon running. ---------------------------------
assert_eq 0 "$(count_daemons)" "no daemon before the race"
[[ ! -e $OPM_HOME/opmd.sock ]] || fail "socket exists before the race"

# Barrier: we hold an exclusive flock; each CLI waits for a shared one
# (flock -s), so all six are released by one unlock.
barrier=$TEST_TMP/barrier
: >"$barrier"
exec 9<"$barrier"
flock -x 9
inode=$(stat -c %i "$barrier")
pids=()
for i in 1 2 3 4 5 6; do
	flock -s "$barrier" "$OPM" list >"$TEST_TMP/list$i.out" \
	    2>"$TEST_TMP/list$i.err" 9<&- &
	pids+=("$!")
done
track_pid "${pids[@]}"
wait_for 10 flock_waiters "$inode" 6
flock -u 9
exec 9<&-

for i in "${!pids[@]}"; do
	rc=0
	wait "${pids[i]}" || rc=$?
	n=$((i + 1))
	assert_eq 0 "$rc" "opm list #$n exit code (stderr: $(<"$TEST_TMP/list$n.err"))"
	assert_eq "" "$(<"$TEST_TMP/list$n.err")" "opm list #$n stderr"
done
assert_eq 1 "$(main_daemons)" "opmd processes after six concurrent CLIs"
assert_eq 1 "$(keepers)" "descriptor keepers after six concurrent CLIs"
pid=$(daemon_pid)
pid_alive "$pid" || fail "pid file names $pid, which is not running"
assert_exit 0 "$OPM" ping
assert_eq "$pid" "$(daemon_pid)" "daemon pid after ping"
echo "six concurrent CLIs: one daemon, pid $pid"

# --- A second opmd by hand, while one runs. -------------------------------
for mode in foreground background; do
	if [[ $mode == background ]]; then
		assert_exit 1 timeout 10 "$OPMD"
	else
		assert_exit 1 timeout 10 "$OPMD" --foreground
	fi
	echo "second opmd ($mode): exit $RC, stderr [$ERR]"
	# The message is for whoever started it by hand: on stderr.
	assert_contains "$ERR" "$pid" \
	    "second opmd ($mode) must name the running daemon on stderr"
	assert_exit 0 "$OPM" ping
	assert_eq "$pid" "$(daemon_pid)" "pid file after a second opmd ($mode)"
	assert_eq 1 "$(main_daemons)" "opmd processes after a second opmd ($mode)"
	assert_eq 1 "$(keepers)" "keepers after a second opmd ($mode)"
	assert_exit 0 "$OPM" daemon status
	assert_contains "$OUT" "$pid"
	[[ -S $OPM_HOME/opmd.sock ]] || fail "socket gone after a second opmd ($mode)"
done
