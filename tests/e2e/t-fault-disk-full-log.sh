#!/usr/bin/env bash
# App logs on a full disk. OPM_HOME/logs is a small tmpfs (the daemon log
# and the rest of OPM_HOME stay on the ordinary disk, so the daemon's
# warning can land). An app ticks 1, 2, 3... into its log; the tmpfs is
# filled to ENOSPC and left full for a few seconds: meanwhile the daemon
# answers ping and list every time, and the app is neither killed nor
# restarted (same pid, restarts 0, online). The daemon log gets one warning
# line naming the log file and the error, not one per retry. Once the space
# is back the log resumes within a few seconds, and the sequence in the file
# has no gap and no duplicate: the chunk that hit ENOSPC was kept and
# retried (src/daemon/logf.c), not dropped nor written twice.
# Needs root (mount); fails, never skips, without it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup
# Created before the daemon exists; the daemon's mkdir -p accepts it.
mkdir -m 700 -- "$OPM_HOME/logs"
mount_small_tmpfs "$OPM_HOME/logs" 1m

filler=$OPM_HOME/logs/filler
dlog=$OPM_HOME/opmd.log
full_secs=3

# --- An app ticking (every ms) into its log --------------------------
assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tick 1
wait_status ticker online
out=$(app_field ticker out_log)
err=$(app_field ticker err_log)
assert_eq "$OPM_HOME/logs/ticker-out.log" "$out" "out_log on the tmpfs"
pid0=$(app_field ticker pid)
wait_for 5 seq_above "$out" 20

# A quiet app too: it must not suffer from its neighbour's full disk.
assert_exit 0 "$OPM" start --name quiet "$TESTAPP" tag "$TAG" tag quiet \
    forever
wait_status quiet online
qpid=$(app_field quiet pid)

# --- Fill the disk and keep it full --------------------------------------
fill_disk "$filler"
# The log cannot grow past its last page: wait for the daemon to hit
# ENOSPC and say so.
wait_for 5 grep -qi -- "$out: .*no space left on device" "$dlog"
n_full=$(last_seq "$out")

# Keep it full for a while, and for five rounds at least however slow the
# machine is: the daemon serves all along, the apps stay.
t_end=$(( ${EPOCHREALTIME/[.,]/} + full_secs * 1000000 ))
rounds=0
while (( ${EPOCHREALTIME/[.,]/} < t_end || rounds < 5 )); do
	assert_exit 0 "$OPM" ping
	assert_exit 0 "$OPM" list --json
	assert_eq "online $pid0 0" \
	    "$(jq -r '.[] | select(.name == "ticker") |
	    "\(.status) \(.pid) \(.restarts)"' <<<"$OUT")" \
	    "ticker while the disk is full"
	assert_eq "online $qpid 0" \
	    "$(jq -r '.[] | select(.name == "quiet") |
	    "\(.status) \(.pid) \(.restarts)"' <<<"$OUT")" \
	    "quiet while the disk is full"
	rounds=$((rounds + 1))
	sleep 0.1
done
pid_alive "$pid0" || fail "ticker (pid $pid0) died while the disk was full"
assert_eq 0 "$(fs_avail "$OPM_HOME/logs")" "the disk stayed full"
n_still=$(last_seq "$out")
# Nothing can have been written: at most the last page filled up.
(( n_still - n_full < 1000 )) ||
    fail "log grew from $n_full to $n_still on a full disk?"

# --- Space comes back ----------------------------------------------------
rm -f -- "$filler"
# The app ticked every millisecond while the disk was full: the log must
# catch up well past where it stopped, within a few seconds.
target=$(( n_still + full_secs * 100 ))
wait_for 5 seq_above "$out" "$target"
last=$(seq_check "$out")
(( last > target )) || fail "seq_check saw $last lines, want > $target"
echo "log resumed: stopped at $n_still, now $last lines, no gap" >&2
# (seq_check: line N is N for every complete line, so no gap, no duplicate.)
assert_eq 0 "$(stat -c %s -- "$err")" "nothing on ticker's stderr"

# --- The daemon log: one warning, naming file and error ------------------
mapfile -t warns < <(grep -- "$out" "$dlog" | grep -i 'warn' || true)
assert_eq 1 "${#warns[@]}" \
    "warnings about $out in $dlog (one, not one per retry): ${warns[*]}"
assert_contains "${warns[0],,}" "no space left on device" "the warning"
assert_contains "${warns[0]}" "write" "the warning names the operation"

# --- Nothing lost, nothing doubled ---------------------------------------
one_daemon
assert_eq "online $pid0 0" "$(app_spr ticker)" "ticker at the end"
assert_eq "online $qpid 0" "$(app_spr quiet)" "quiet at the end"
assert_eq $'1\n1' "$(count_procs_each "* tag $TAG tick 1" \
    "* tag $TAG tag quiet forever")" "processes of ticker and quiet"
# Still logging, still in order.
n=$(last_seq "$out")
wait_for 5 seq_above "$out" "$((n + 20))"
seq_check "$out" >/dev/null
assert_exit 0 "$OPM" logs ticker --lines 1 --out
[[ $OUT =~ ^[0-9]+$ ]] || fail "opm logs ticker --lines 1: [$OUT]"
