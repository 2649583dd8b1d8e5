#!/usr/bin/env bash
# Runtime state names a pid that now belongs to an unrelated process
# (LESSONS.md 3, 6): while no daemon ran, the app died and its pid was
# reused. The next daemon must see through it (the start time differs) and
# never signal the unrelated process in any way, not even as the process
# group it recorded for the app; the app is restarted (new pid, restarts
# incremented).
#
# Two shapes of reuse:
#   r1: only "pid" points at the stranger (a plain background process, not
#       a group leader); "pgid" still names the dead app's group.
#   r2: the realistic one. An app leads its own group, so its pid and pgid
#       are the same number; when the kernel hands that number to a new
#       session leader (setsid: any daemon, any `ssh`), both "pid" and
#       "pgid" of the state file name the stranger and its group.
# The strangers trap every catchable signal and report it; SIGKILL and
# SIGSTOP show as death or the T state.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

for a in r1 r2 ok; do
	assert_exit 0 "$OPM" start --name "$a" "$TESTAPP" tag "$TAG" tag "$a" \
	    forever
done
for a in r1 r2 ok; do
	wait_status "$a" online
done
declare -A pid id
for a in r1 r2 ok; do
	pid[$a]=$(app_field "$a" pid)
	id[$a]=$(app_field "$a" id)
done
state=$OPM_HOME/state

kill_daemon
for a in r1 r2; do
	kill -KILL "${pid[$a]}"
	wait_for 5 pid_dead "${pid[$a]}"
done

traps=()
for s in HUP INT QUIT USR1 USR2 ALRM TERM CONT TSTP TTIN TTOU WINCH PIPE; do
	traps+=(trap "$s")
done
"$TESTAPP" tag stranger1 "${traps[@]}" forever \
    >"$TEST_TMP/stranger1.out" 2>&1 </dev/null &
s1=$!
setsid "$TESTAPP" tag stranger2 "${traps[@]}" forever \
    >"$TEST_TMP/stranger2.out" 2>&1 </dev/null &
s2=$!
disown "$s1" "$s2"
track_pid "$s1" "$s2"

# Sets _PGID to the process group of $1.
pgid_of()
{
	local st

	read -r st <"/proc/$1/stat" || return 1
	st=${st##*) }
	read -r _ _ _PGID _ <<<"$st"
}
is_testapp_leader()
{
	local comm

	read -r comm <"/proc/$1/comm" && [[ $comm == opm-testapp ]] &&
	    pgid_of "$1" && [[ $_PGID == "$1" ]]
}
is_testapp()
{
	local comm

	read -r comm <"/proc/$1/comm" && [[ $comm == opm-testapp ]]
}
wait_for 5 is_testapp "$s1"
wait_for 5 is_testapp_leader "$s2"
pgid_of "$s1"
[[ $_PGID != "$s1" ]] || fail "stranger1 should not lead its group"

# The state files now claim the strangers (start time left as it was).
jq -c --argjson p "$s1" '.pid = $p' "$state/${id[r1]}.json" >"$TEST_TMP/r1"
jq -c --argjson p "$s2" '.pid = $p | .pgid = $p' "$state/${id[r2]}.json" \
    >"$TEST_TMP/r2"
cat "$TEST_TMP/r1" >"$state/${id[r1]}.json"
cat "$TEST_TMP/r2" >"$state/${id[r2]}.json"

# The next CLI call starts a daemon that reads them.
assert_exit 0 "$OPM" list --json
for a in r1 r2; do
	wait_for 5 pid_changed "$a" "${pid[$a]}"
	wait_status "$a" online
done

stranger_untouched()
{
	local n=$1 p=$2 st

	pid_alive "$p" || fail "$n (pid $p), an unrelated process, was killed"
	read -r st <"/proc/$p/stat"
	st=${st##*) }
	[[ ${st:0:1} != T ]] || fail "$n (pid $p) was stopped (state T)"
	[[ ! -s $TEST_TMP/$n.out ]] ||
	    fail "$n (pid $p) received signals: $(<"$TEST_TMP/$n.out")"
}
stranger_untouched stranger1 "$s1"
for a in r1 r2; do
	new=$(app_field "$a" pid)
	assert_ne "$s1" "$new" "pid of $a (stranger1's)"
	assert_ne "$s2" "$new" "pid of $a (stranger2's)"
	assert_ne "${pid[$a]}" "$new" "pid of $a (the dead one's)"
	assert_eq 1 "$(app_field "$a" restarts)" "restarts of $a"
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
done
stranger_untouched stranger2 "$s2"
# The untouched app was adopted as it was.
assert_eq "ok ${pid[ok]} 0 online" "$(snapshot | grep '^ok ')" "app ok"

# Stopping everything must not reach the strangers either.
assert_exit 0 "$OPM" stop all
for a in r1 r2 ok; do
	assert_eq 0 "$(count_procs "* tag $TAG tag $a *")" \
	    "processes of $a after stop"
done
stranger_untouched stranger1 "$s1"
stranger_untouched stranger2 "$s2"
kill -KILL "$s1" "$s2"
