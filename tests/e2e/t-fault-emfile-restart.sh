#!/usr/bin/env bash
# An app that dies while the daemon is out of descriptors comes back once
# descriptors are available again. The daemon's soft RLIMIT_NOFILE is
# lowered (prlimit) and idle client connections take every descriptor left;
# the app (restart always) is SIGKILLed: the daemon cannot get pipes for the
# new process. That is a failed start, not a program that "cannot be
# executed": it must be retried with the usual backoff, so that after the
# connections close the app is online again by itself (restarts 1), with no
# `opm restart` from anyone. Meanwhile the daemon neither dies nor spins,
# and no copy of the app runs twice. A second app, not killed, keeps its pid
# throughout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup

command -v prlimit >/dev/null || fail "prlimit (util-linux) is needed"
dlog=$OPM_HOME/opmd.log

assert_exit 0 "$OPM" start --name victim "$TESTAPP" tag "$TAG" tag victim \
    forever
assert_exit 0 "$OPM" start --name bystander "$TESTAPP" tag "$TAG" \
    tag bystander forever
wait_status victim online
wait_status bystander online
vpid=$(app_field victim pid)
bpid=$(app_field bystander pid)
d=$(daemon_pid)
lower_nofile "$d"
hold fill "$limit" 0

# --- The app dies with no descriptor to spare -------------------------------
kill -KILL "$vpid"
wait_for 5 pid_dead "$vpid"
wait_for 5 grep -q -- "victim: pid $vpid killed by signal 9" "$dlog"
# The restart attempt, whatever came of it.
wait_for 5 grep -qE -- "victim: (spawned|launching -> )" "$dlog"
echo "daemon log after the kill:" >&2
grep -- "victim" "$dlog" | tail -n 4 >&2
pid_alive "$d" || fail "the daemon died when the app died"
mostly_idle "$d" >"$TEST_TMP/idle" ||
    fail "the daemon spins, out of descriptors: $(<"$TEST_TMP/idle")"

# --- Descriptors come back ----------------------------------------------------
hold close
prlimit --pid "$d" --nofile="$soft0:$hard0"
wait_for 5 "$OPM" ping
echo "victim now: $(app_field victim status): $(app_field victim reason)" >&2
# No one restarts it: the daemon's own retry must bring it back.
wait_status victim online 10
hold quit

# --- Nothing lost, nothing doubled ---------------------------------------
one_daemon
assert_eq "$d" "$(daemon_pid)" "the daemon was never replaced"
assert_ne "$vpid" "$(app_field victim pid)" "victim has a new process"
assert_eq "online $bpid 0" "$(app_spr bystander)" "bystander at the end"
assert_exit 0 "$OPM" list --json
assert_eq $'bystander\nvictim' "$(jq -r '.[].name' <<<"$OUT" | LC_ALL=C sort)" \
    "apps at the end"
assert_eq $'1\n1' "$(count_procs_each "* tag $TAG tag victim forever" \
    "* tag $TAG tag bystander forever")" "processes of victim, bystander"
