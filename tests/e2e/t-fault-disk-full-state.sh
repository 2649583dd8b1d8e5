#!/usr/bin/env bash
# A daemon crash after a disk-full episode loses nothing and doubles
# nothing. OPM_HOME (runtime state records included) is a small tmpfs.
# While it is full, one app is restarted (new pid) and a new app is
# started: the daemon cannot write down either. Then the space comes back,
# the daemon gets two seconds to catch up (it retries nothing else in that
# time: no request, no transition), and is SIGKILLed. The next daemon must
# know every app once, with the pids that actually run: no app forgotten
# (its process left running, unsupervised), no dead pid taken for a crash
# and restarted next to the process that still runs (LESSONS.md 3, 4).
# Needs root (mount); fails, never skips, without it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup
mount_small_tmpfs "$OPM_HOME" 2m

for a in s1 s2; do
	assert_exit 0 "$OPM" start --name "$a" "$TESTAPP" tag "$TAG" tag "$a" \
	    forever
done
wait_status s1 online
wait_status s2 online
s1_old=$(app_field s1 pid)

# --- While the disk is full: a restart and a new app ---------------------
fill_disk "$OPM_HOME/filler"
assert_exit 0 "$OPM" restart s1
wait_status s1 online
assert_exit 0 "$OPM" start --name n1 "$TESTAPP" tag "$TAG" tag n1 forever
wait_status n1 online
assert_ne "$s1_old" "$(app_field s1 pid)" "s1 restarted"
one_daemon

# --- Space comes back ----------------------------------------------------
rm -f -- "$OPM_HOME/filler"
# Nothing happens to any app from here on; the daemon must catch up on
# its own (a retry, like the log writer's every second).
sleep 2
assert_exit 0 "$OPM" list --json
before=$(jq -r 'sort_by(.name) | .[] | "\(.name) \(.pid) \(.status)"' \
    <<<"$OUT")
assert_eq 3 "$(grep -c ' online$' <<<"$before")" "apps online: [$before]"

# --- The daemon dies -----------------------------------------------------
kill_daemon
# The next CLI call starts a new daemon, which adopts what runs.
assert_exit 0 "$OPM" list --json
after=$(jq -r 'sort_by(.name) | .[] | "\(.name) \(.pid) \(.status)"' \
    <<<"$OUT")
echo "before the crash:"$'\n'"$before"$'\n'"after:"$'\n'"$after" >&2
assert_eq "$(cut -d' ' -f1,2 <<<"$before")" "$(cut -d' ' -f1,2 <<<"$after")" \
    "apps and pids known to the daemon after the crash"

# --- Nothing lost, nothing doubled ---------------------------------------
one_daemon
assert_eq $'1\n1\n1' "$(count_procs_each "* tag $TAG tag s1 forever" \
    "* tag $TAG tag s2 forever" "* tag $TAG tag n1 forever")" \
    "processes of s1, s2, n1"
for a in s1 s2 n1; do
	wait_status "$a" online
done
