#!/usr/bin/env bash
# Stop waits for the whole process group, not just the leader: the leader
# dies of SIGTERM at once but a child in its group ignores SIGTERM; `opm
# stop` (kill timeout 500ms) must SIGKILL that child and return only once it
# is gone, so it takes about the kill timeout and leaves nothing running.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# The child ignores TERM (ignore is inherited through fork and exec).
assert_exit 0 "$OPM" start --name grp --min-uptime 300ms --kill-timeout 500ms \
    "$TESTAPP tag $TAG-child ignore TERM forever & exec $TESTAPP tag $TAG-leader forever"
wait_status grp online
child_up()
{
	[[ $(count_procs "$TESTAPP tag $TAG-child ignore TERM forever") == 1 ]]
}
wait_for 5 child_up
child=$(pgrep -f -- "tag $TAG-child ignore")
leader=$(app_field grp pid)
track_pid "$child" "$leader"
read -r -a stat <"/proc/$child/stat"
assert_eq "$leader" "${stat[4]}" "child in the leader's process group"

t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" stop grp
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "stop took ${ms} ms"
pid_dead "$leader" || fail "leader $leader alive after stop"
pid_dead "$child" || fail "TERM-ignoring child $child alive after stop returned"
(( ms >= 400 )) || fail "stop returned after ${ms} ms, before the kill timeout"
(( ms < 3000 )) || fail "stop took ${ms} ms (kill timeout 500ms)"
assert_eq stopped "$(app_field grp status)"
assert_eq 0 "$(app_field grp restarts)" "restarts"
assert_eq 0 "$(count_procs "*tag $TAG-*")" "processes left"
