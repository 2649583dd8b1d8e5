#!/usr/bin/env bash
# The daemon and the descriptor keeper both die of SIGKILL: the read ends
# of the apps' log pipes are gone for good. The next daemon must not adopt
# apps that write into nothing (or die of SIGPIPE at their next line): it
# says so in opmd.log and restarts each of them once, with fresh pipes that
# reach the log files. A new keeper takes over, so that a later crash of
# the daemon is survived again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

# ticker writes every 10 ms: it meets the broken pipe at once. idle writes
# one line at start, then nothing: it would live on, writing into nothing
# the next time it had something to say.
assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
assert_exit 0 "$OPM" start --name idle "$TESTAPP" tag "$TAG" tag idle \
    print started forever
apps=(idle ticker)
for a in "${apps[@]}"; do
	wait_status "$a" online
done
declare -A pid
for a in "${apps[@]}"; do
	pid[$a]=$(app_field "$a" pid)
done
tick_log=$(app_field ticker out_log)
idle_log=$(app_field idle out_log)
wait_for 5 seq_above "$tick_log" 20
wait_for 5 grep -qx started "$idle_log"
old_keeper=$(keeper_pids)
[[ -n $old_keeper ]] || fail "no keeper"

kill_daemon
kill_keeper
lines_before=$(wc -l <"$tick_log")

assert_exit 0 "$OPM" list --json
for a in "${apps[@]}"; do
	wait_for 5 pid_changed "$a" "${pid[$a]}"
done
for a in "${apps[@]}"; do
	wait_status "$a" online
	wait_for 5 pid_dead "${pid[$a]}"
	assert_eq 1 "$(app_field "$a" restarts)" "restarts of $a"
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
done

# The daemon's log says why idle, still alive when it came up, was
# restarted.
log=$(<"$OPM_HOME/opmd.log")
grep -Eiq '^.*idle.*pipe' <<<"$log" ||
    fail "opmd.log does not say why idle was restarted:"$'\n'"$(tail -n 20 <<<"$log")"

# The new processes' output reaches the log files.
wait_for 5 test "$(grep -cx started "$idle_log")" -ge 2
new_tick_lines()
{
	local n

	n=$(tail -n +"$((lines_before + 1))" "$tick_log" | grep -c . || true)
	echo "new ticker lines: $n"
	(( n > 50 ))
}
wait_for 5 new_tick_lines
# What follows the old output is the new process's sequence: 1, 2, 3...
tail -n +"$((lines_before + 1))" "$tick_log" | sed '/^1$/,$!d' \
    >"$TEST_TMP/new-seq"
seq_check "$TEST_TMP/new-seq" >/dev/null

# Their stdout is a pipe the daemon reads: the same pipe inode is open in
# the app (write end) and in opmd.
pipe_of()
{
	readlink "/proc/$1/fd/1"
}
dpid=$(opmd_pidfile)
for a in "${apps[@]}"; do
	p=$(app_field "$a" pid)
	pipe=$(pipe_of "$p")
	[[ $pipe == pipe:* ]] || fail "$a's stdout is not a pipe: $pipe"
	found=0
	for fd in /proc/"$dpid"/fd/*; do
		[[ $(readlink "$fd" 2>/dev/null) == "$pipe" ]] && found=1
	done
	assert_eq 1 "$found" "opmd $dpid holds $a's stdout $pipe"
done

# A new keeper took over: the next crash of the daemon is survived again.
new_keeper=$(keeper_pids)
[[ -n $new_keeper ]] || fail "no keeper after the recovery"
assert_ne "$old_keeper" "$new_keeper" "keeper"
assert_eq 1 "$(count_procs 'opmd --keeper')" "keepers"
before=$(snapshot)
kill_daemon
at=$(last_seq "$tick_log")
assert_exit 0 "$OPM" list --json
assert_eq "$before" "$(snapshot)" "apps after a second crash of the daemon"
wait_for 5 seq_above "$tick_log" $((at + 50))
tail -n +"$((lines_before + 1))" "$tick_log" | sed '/^1$/,$!d' \
    >"$TEST_TMP/new-seq"
seq_check "$TEST_TMP/new-seq" >/dev/null
