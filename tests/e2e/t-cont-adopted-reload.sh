#!/usr/bin/env bash
# The two kinds of continuity one after the other: the daemon crashes (its
# apps are adopted by the next daemon: not its children, exits seen through
# pidfds), then that daemon is reloaded. After the re-exec the adopted apps
# are still not children of opmd: a crash of one must still be seen and
# restarted (no phantom "online" app with a dead pid, LESSONS.md 3-4), a
# stop must still finish, output must still flow.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

assert_exit 0 "$OPM" start --name ticker --kill-timeout 1s \
    "$TESTAPP" tag "$TAG" tag ticker tick 10
assert_exit 0 "$OPM" start --name victim --kill-timeout 1s \
    "$TESTAPP" tag "$TAG" tag victim forever
assert_exit 0 "$OPM" start --name stopme --kill-timeout 1s \
    "$TESTAPP" tag "$TAG" tag stopme forever
apps=(stopme ticker victim)
for a in "${apps[@]}"; do
	wait_status "$a" online
done
tick_log=$(app_field ticker out_log)
wait_for 5 seq_above "$tick_log" 20

kill_daemon
assert_exit 0 "$OPM" list --json
adopted=$(snapshot)
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" daemon status --json
assert_eq 1 "$(jq .reloads <<<"$OUT")" "reloads"
assert_eq "$adopted" "$(snapshot)" "apps after the reload"

# Output still flows, with no gap across the crash and the reload.
at=$(last_seq "$tick_log")
wait_for 5 seq_above "$tick_log" $((at + 50))
seq_check "$tick_log" >/dev/null

# Every online app's pid is alive.
online_pids_alive()
{
	local name p st

	while read -r name p _ st; do
		[[ $st == online ]] || continue
		pid_alive "$p" || {
			echo "$name is online with dead pid $p"
			return 1
		}
	done < <(snapshot)
}

# A crash of an adopted app, after the reload.
p=$(app_field victim pid)
kill -KILL "$p"
wait_for 5 pid_dead "$p"
if ! (wait_for 5 pid_changed victim "$p") 2>/dev/null; then
	fail_wedged "victim (adopted, then reloaded) was SIGKILLed and never" \
	    "restarted: $(snapshot | grep '^victim ')" \
	    "$(online_pids_alive || true)"
fi
wait_status victim online
assert_eq 1 "$(app_field victim restarts)" "restarts of victim"
assert_eq 1 "$(count_procs "* tag $TAG tag victim *")" "processes of victim"
online_pids_alive || fail "phantom online app"

# A stop of an adopted app, after the reload, finishes.
p=$(app_field stopme pid)
assert_exit 0 timeout 5 "$OPM" stop stopme
pid_dead "$p" || fail "stopme (pid $p) still runs after opm stop"
assert_eq stopped "$(app_field stopme status)" "status of stopme"

# And the whole daemon stops cleanly.
assert_exit 0 timeout 5 "$OPM" daemon stop
assert_eq 0 "$(count_procs "* tag $TAG tag *")" "app processes after stop"
