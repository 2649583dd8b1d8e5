#!/usr/bin/env bash
# The daemon dies of SIGKILL with three apps running (LESSONS.md 3, 11):
# the apps keep running, untouched (same pids, never restarted), and the
# next CLI call starts a daemon that adopts them: same pids, restarts 0,
# online, uptime not reset. The ticking app never got SIGPIPE: the keeper
# held its pipe, and its log keeps growing after the new daemon is up,
# with no gap in its sequence. An adopted app that is then SIGKILLed is
# noticed and restarted once. Never a second copy of any app.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
assert_exit 0 "$OPM" start --name idle1 "$TESTAPP" tag "$TAG" tag idle1 \
    forever
assert_exit 0 "$OPM" start --name idle2 "$TESTAPP" tag "$TAG" tag idle2 \
    forever
apps=(idle1 idle2 ticker)
for a in "${apps[@]}"; do
	wait_status "$a" online
done

check_once()
{
	local a

	for a in "${apps[@]}"; do
		assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" \
		    "processes of $a ($1)"
	done
}

declare -A pid
for a in "${apps[@]}"; do
	pid[$a]=$(app_field "$a" pid)
	[[ ${pid[$a]} =~ ^[0-9]+$ ]] || fail "$a has no pid: ${pid[$a]}"
done
out_log=$(app_field ticker out_log)
up_before=$(app_field idle1 uptime_ms)
wait_for 5 seq_above "$out_log" 20
mapfile -t keeper < <(keeper_pids)
assert_eq 1 "${#keeper[@]}" "keepers before the crash"
old_daemon=$(opmd_pidfile)
check_once "before the crash"

kill_daemon
killed_at=$(last_seq "$out_log")

# No daemon now: the apps run on, and the ticker keeps ticking into the
# pipe the keeper holds (64 KiB: minutes of ticks) instead of dying of
# SIGPIPE.
for a in "${apps[@]}"; do
	pid_alive "${pid[$a]}" || fail "$a (pid ${pid[$a]}) died with the daemon"
done
pid_alive "${keeper[0]}" || fail "the keeper died with the daemon"
assert_eq 0 "$(count_procs opmd)" "daemons right after SIGKILL"

# The next CLI call starts a daemon that adopts them.
assert_exit 0 "$OPM" list --json
new_daemon=$(opmd_pidfile)
assert_ne "$old_daemon" "$new_daemon" "daemon pid after the crash"
assert_eq 1 "$(count_procs opmd)" "daemons after the next CLI call"
for a in "${apps[@]}"; do
	row=$(jq -c --arg n "$a" '.[] | select(.name == $n) |
	    [.pid, .restarts, .status]' <<<"$OUT")
	assert_eq "[${pid[$a]},0,\"online\"]" "$row" "$a after adoption"
	pid_alive "${pid[$a]}" || fail "$a (pid ${pid[$a]}) died"
done
up_after=$(app_field idle1 uptime_ms)
(( up_after >= up_before )) ||
    fail "uptime reset by adoption: $up_before ms before, $up_after ms after"
assert_eq "${keeper[*]}" "$(keeper_pids)" "keeper after adoption (the same)"
check_once "after adoption"

# The ticker's output still reaches its log, through the new daemon.
wait_for 5 seq_above "$out_log" $((killed_at + 100))
last=$(seq_check "$out_log")
echo "ticker: killed the daemon at $killed_at, now at $last, no gap"

# Adopted apps are watched: SIGKILL one, it comes back once.
kill -KILL "${pid[idle1]}"
wait_for 5 pid_dead "${pid[idle1]}"
wait_for 5 pid_changed idle1 "${pid[idle1]}"
wait_status idle1 online
new=$(app_field idle1 pid)
assert_ne "${pid[idle1]}" "$new" "pid of idle1 after SIGKILL"
assert_eq 1 "$(app_field idle1 restarts)" "restarts of idle1"
# Adopted: not our child, its exit status is unknown.
assert_exit 0 "$OPM" info idle1 --json
assert_eq null "$(jq -r .exit_code <<<"$OUT")" "exit_code of adopted idle1"
assert_eq null "$(jq -r .exit_signal <<<"$OUT")" "exit_signal of adopted idle1"

# The others were not disturbed; one process per app, one daemon.
for a in idle2 ticker; do
	assert_eq "${pid[$a]}" "$(app_field "$a" pid)" "pid of $a"
	assert_eq 0 "$(app_field "$a" restarts)" "restarts of $a"
done
check_once "at the end"
assert_eq 1 "$(count_procs opmd)" "daemons at the end"
assert_eq 1 "$(count_procs 'opmd --keeper')" "keepers at the end"
seq_check "$out_log" >/dev/null
