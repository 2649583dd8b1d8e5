#!/usr/bin/env bash
# opm monit, driven in a real terminal (tmux: send-keys, capture-pane):
# it shows every app with its status, the selected app's log, follows new
# lines and the app's recent events (events --follow); keys move the selection and restart, stop and start the selected
# app (the daemon does it: restarts and status change); NO_COLOR leaves
# out colors; a small terminal gets a message, not a garbled table; q
# quits and gives the terminal back. Without a terminal it refuses.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

command -v tmux >/dev/null || fail "tmux is not installed (build-aux/deps.sh check installs it)"
TMUX_SOCK=$TEST_TMP/tmux.sock
tm() { tmux -S "$TMUX_SOCK" "$@"; }
cleanup_tmux() { tm kill-server 2>/dev/null || true; }
trap 'cleanup_tmux; teardown' EXIT

assert_exit 0 "$OPM" start --name ticker -- bash -c \
    "i=0; while :; do i=\$((i+1)); echo tick-\$i; sleep 0.2; done"
assert_exit 0 "$OPM" start --name sleeper "$TESTAPP" tag "$TAG" forever
wait_status ticker online
wait_status sleeper online

# The test's environment reaches the pane: OPM_HOME, no color unless asked.
run_monit()
{
	tm new-session -d -s m -x "$1" -y "$2" \
	    "env OPM_HOME=$OPM_HOME ${3:-} $OPM monit; echo monit-exit-\$?; sleep 30"
}
screen() { tm capture-pane -p -t m; }
screen_has()
{
	local s

	s=$(screen)
	echo "$s" | tail -n 40
	[[ $s == *"$1"* ]]
}

run_monit 100 30
wait_for 10 screen_has "sleeper"
s=$(screen)
assert_contains "$s" "ticker"
assert_contains "$s" "online"
assert_contains "$s" "-- ticker: online"
# The selected app's log, followed: a line newer than the first screen.
first=$(echo "$s" | grep -o 'tick-[0-9]*' | tail -n 1 | cut -d- -f2)
[[ -n $first ]] || fail "no log line of ticker on the screen: [$s]"
newer_tick()
{
	local last

	last=$(screen | grep -o 'tick-[0-9]*' | tail -n 1 | cut -d- -f2)
	echo "last tick on screen: $last (first $first)"
	[[ -n $last ]] && (( last > first + 2 ))
}
wait_for 10 newer_tick

# Down selects sleeper; r restarts it through the daemon.
pid0=$(app_field sleeper pid)
tm send-keys -t m Down
wait_for 10 screen_has "-- sleeper: online"
tm send-keys -t m r
restarted()
{
	local n p

	n=$(app_field sleeper restarts)
	p=$(app_field sleeper pid)
	echo "restarts $n, pid $p (was $pid0)"
	[[ $n == 1 && $p != "$pid0" && $p != null ]]
}
wait_for 20 restarted
wait_for 10 screen_has "restart sleeper: done"
# The selected app's recent events, live: the restart and its cause.
wait_for 10 screen_has "restart   (user)"
assert_eq 0 "$(app_field ticker restarts)" "ticker untouched"

# x stops it, s starts it again.
tm send-keys -t m x
wait_status sleeper stopped 20
wait_for 10 screen_has "-- sleeper: stopped"
tm send-keys -t m s
wait_status sleeper online 20
wait_for 10 screen_has "start sleeper: done"

# Colors: on by default in a terminal, none with NO_COLOR.
colored() { tm capture-pane -e -p -t m | grep -q $'\033\\[32m'; }
wait_for 5 colored

# A small terminal: a message instead of the table.
tm resize-window -t m -x 30 -y 6
wait_for 10 screen_has "terminal too small"
tm resize-window -t m -x 100 -y 30
wait_for 10 screen_has "sleeper"

# q quits with status 0 and leaves the alternate screen.
tm send-keys -t m q
wait_for 10 screen_has "monit-exit-0"
tm kill-session -t m

run_monit 100 30 NO_COLOR=1
wait_for 10 screen_has "sleeper"
sleep 1.5	# two refreshes: the table has been drawn again
if tm capture-pane -e -p -t m | grep -q $'\033\\[3[0-7]m'; then
	fail "colors with NO_COLOR: $(tm capture-pane -e -p -t m | cat -v | head -5)"
fi
tm send-keys -t m q
wait_for 10 screen_has "monit-exit-0"
tm kill-session -t m

# No terminal: one line naming what is wrong, exit 1.
assert_exit 1 "$OPM" monit </dev/null
assert_contains "$ERR" "monit needs a terminal"
