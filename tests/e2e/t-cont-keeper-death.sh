#!/usr/bin/env bash
# The descriptor keeper dies while the daemon runs (OOM killer, a stray
# kill): the daemon must notice and put a new keeper in place holding the
# pipes again, or the next crash of the daemon kills every app that writes
# (SIGPIPE), silently breaking LESSONS.md 11. Checked by its effect: keeper
# SIGKILLed, then (after a grace period for the daemon to react) the daemon
# SIGKILLed: the ticking app must still run with the same pid, restarts 0,
# its log growing without a gap.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
wait_status ticker online
p=$(app_field ticker pid)
tick_log=$(app_field ticker out_log)
wait_for 5 seq_above "$tick_log" 20
old=$(keeper_pids)
[[ -n $old ]] || fail "no keeper"
# What the keeper holds: the read ends of the app's stdout and stderr pipes.
held_pipes()
{
	local n=0 f

	for f in /proc/"$1"/fd/*; do
		[[ $(readlink "$f" 2>/dev/null) == pipe:* ]] && n=$((n + 1))
	done
	echo "$n"
}
old_held=$(held_pipes "$old")
(( old_held >= 2 )) || fail "keeper $old holds $old_held pipes, expected 2+"

kill_keeper
new_keeper()
{
	local k

	k=$(keeper_pids)
	echo "keepers: [$k] (old $old)"
	# Its pid shows as soon as it execs; it is in place once the daemon
	# has handed it every pipe again.
	[[ -n $k && $k != "$old" ]] && (( $(held_pipes "$k") == old_held ))
}
replaced=yes
( wait_for 3 new_keeper ) 2>/dev/null || replaced=no
echo "keeper replaced while the daemon runs: $replaced"

kill_daemon
at=$(last_seq "$tick_log")
# Watch it for 0.3 s: it writes every 10 ms, so with no reader left it
# meets SIGPIPE at once.
survived=yes
if ( wait_for 0.3 pid_dead "$p" ) 2>/dev/null; then
	survived=no
fi
assert_exit 0 "$OPM" list --json
[[ $survived == yes ]] ||
    fail "ticker (pid $p) died when the daemon was SIGKILLed after its" \
    "keeper had died (keeper replaced: $replaced):" \
    "$(snapshot | grep '^ticker ')"
assert_eq "ticker $p 0 online" "$(snapshot)" "ticker after the crash"
wait_for 5 seq_above "$tick_log" $((at + 50))
seq_check "$tick_log" >/dev/null
