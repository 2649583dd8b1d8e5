#!/usr/bin/env bash
# The daemon under a low descriptor limit (EMFILE). The running daemon's
# RLIMIT_NOFILE is lowered with prlimit to a few descriptors above what it
# uses, then:
#  (a) 50 clients connect at once and hold their connections: accept() hits
#      EMFILE. While they hold, the daemon must not spin (CPU time over 1 s
#      well under 0.5 s), a CLI call fails cleanly (exit 0 or 3, one error
#      line, no hang) and the daemon does not die; once they close, ping
#      works again.
#  (b) idle connections take every descriptor but one, and the CLI's
#      connection takes that one: `opm start` of an existing stopped app
#      and of a new app cannot get a pipe or a log file. Each must fail
#      cleanly (exit 1, one line naming "Too many open files"), or leave the
#      app errored with such a reason; the daemon survives and serves. With
#      the limit raised back, `opm restart` brings the stopped app online
#      and the new app can be started.
# Finally: every app once, same daemon, nothing doubled.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup

command -v prlimit >/dev/null || fail "prlimit (util-linux) is needed"

# --- A daemon with apps ----------------------------------------------------
assert_exit 0 "$OPM" start --name up1 "$TESTAPP" tag "$TAG" tag up1 forever
assert_exit 0 "$OPM" start --name st1 --no-autostart "$TESTAPP" tag "$TAG" \
    tag st1 forever
wait_status up1 online
up1_pid=$(app_field up1 pid)
d=$(daemon_pid)
lower_nofile "$d"

# --- (a) a flood of connections while the table is full --------------------
hold fill "$limit" 0
hold flood 50
# 50 pending connections it cannot accept: it must not spin on them. Over
# one second: at most half of it in CPU time, runnable at most half the
# time (the latter holds on a loaded machine too).
log0=$(wc -l <"$OPM_HOME/opmd.log")
tps=$(getconf CLK_TCK)
c0=$(cpu_ticks "$d")
mostly_idle "$d" >"$TEST_TMP/idle" ||
    fail "the daemon spins with its descriptors exhausted: $(<"$TEST_TMP/idle")"
c1=$(cpu_ticks "$d")
echo "daemon while flooded: $(<"$TEST_TMP/idle");" \
    "CPU $((c1 - c0)) ticks of 1/$tps s" >&2
(( (c1 - c0) * 2 < tps )) ||
    fail "the daemon spins with its descriptors exhausted:" \
    "$((c1 - c0))/$tps s of CPU in 1 s"
# Nor does it flood its log (a line per failed accept, in a loop).
log1=$(wc -l <"$OPM_HOME/opmd.log")
(( log1 - log0 < 100 )) ||
    fail "daemon log grew by $((log1 - log0)) lines while flooded:" \
    "$(tail -n 3 "$OPM_HOME/opmd.log")"
pid_alive "$d" || fail "the daemon died while flooded"
# A CLI now: refused cleanly (exit 3, one line) or served; never a hang.
RC=0
timeout 10 "$OPM" ping >"$TEST_TMP/ping.out" 2>"$TEST_TMP/ping.err" || RC=$?
case $RC in
0)	assert_eq pong "$(<"$TEST_TMP/ping.out")" "ping while flooded" ;;
3)	one_line "$(<"$TEST_TMP/ping.err")" "ping while flooded" ;;
*)	fail "ping while flooded: exit $RC (124 = hung):" \
	    "$(<"$TEST_TMP/ping.err")" ;;
esac
pid_alive "$d" || fail "the daemon died while flooded"

hold close
wait_for 5 "$OPM" ping
one_daemon
assert_eq "$d" "$(daemon_pid)" "daemon pid after the flood"

# --- (b) starts with no descriptor to spare --------------------------------
# Idle connections take all but one descriptor; the CLI's takes the last.
hold fill "$limit" 1

assert_exit 1 "$OPM" start st1
echo "start st1: exit $RC, stdout [$OUT], stderr [$ERR]" >&2
one_line "$ERR" "start st1 with no descriptor"
assert_contains "$ERR" "Too many open files" "start st1 with no descriptor"
st=$(app_field st1 status)
case $st in
errored)
	assert_contains "$(app_field st1 reason)" "Too many open files" \
	    "reason of errored st1"
	;;
stopped) ;;
*)	fail "st1 after a start with no descriptor: status $st" ;;
esac

# The failed start gave back what it took, and that CLI's connection is
# closed: one descriptor free again, for the next CLI.
wait_for 5 fd_free_is "$d" "$limit" 1
RC=0
"$OPM" start --name nw1 "$TESTAPP" tag "$TAG" tag nw1 forever \
    >"$TEST_TMP/nw1.out" 2>"$TEST_TMP/nw1.err" || RC=$?
assert_eq 1 "$RC" "exit code of a start of a new app with no descriptor \
(stderr: $(<"$TEST_TMP/nw1.err"))"
echo "start nw1: exit $RC, stdout [$(<"$TEST_TMP/nw1.out")]," \
    "stderr [$(<"$TEST_TMP/nw1.err")]" >&2
one_line "$(<"$TEST_TMP/nw1.err")" "start nw1 with no descriptor"
assert_contains "$(<"$TEST_TMP/nw1.err")" "Too many open files" \
    "start nw1 with no descriptor"
if "$OPM" list --json | jq -e 'any(.[]; .name == "nw1")' >/dev/null; then
	# Kept: then errored, with the reason.
	assert_eq errored "$(app_field nw1 status)" "status of a kept nw1"
	assert_contains "$(app_field nw1 reason)" "Too many open files" \
	    "reason of errored nw1"
	nw1_kept=1
else
	nw1_kept=0
fi
assert_eq $'0\n0' "$(count_procs_each "* tag $TAG tag st1 forever" \
    "* tag $TAG tag nw1 forever")" "processes of st1 and nw1"
pid_alive "$d" || fail "the daemon died"
assert_eq "online $up1_pid" "$(app_field up1 status) $(app_field up1 pid)" \
    "up1 while descriptors are short"

# --- The limit comes back ---------------------------------------------------
hold close
prlimit --pid "$d" --nofile="$soft0:$hard0"
assert_exit 0 "$OPM" restart st1
wait_status st1 online
if (( nw1_kept )); then
	assert_exit 0 "$OPM" restart nw1
else
	assert_exit 0 "$OPM" start --name nw1 "$TESTAPP" tag "$TAG" tag nw1 \
	    forever
fi
wait_status nw1 online
hold quit

# --- Nothing lost, nothing doubled -------------------------------------------
one_daemon
assert_eq "$d" "$(daemon_pid)" "the daemon was never replaced"
assert_eq "online $up1_pid 0" "$(app_spr up1)" "up1 at the end"
assert_exit 0 "$OPM" list --json
assert_eq $'nw1\nst1\nup1' "$(jq -r '.[].name' <<<"$OUT" | LC_ALL=C sort)" \
    "apps at the end"
assert_eq $'1\n1\n1' "$(count_procs_each "* tag $TAG tag up1 forever" \
    "* tag $TAG tag st1 forever" "* tag $TAG tag nw1 forever")" \
    "processes of up1, st1, nw1"
