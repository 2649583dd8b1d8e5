#!/usr/bin/env bash
# A rolling reload is never resumed by another daemon, and never leaves a
# process nobody supervises (issue 14 item 4). The listed app's state file
# records the reload's other process (peer_pid), and the next daemon stops
# it once its pid is verified:
#  1. SIGKILL of the daemon while the new process of a:0 starts (it hangs:
#     never ready): the next daemon stops the new process; the old ones
#     serve on, same pids;
#  2. SIGKILL after the swap, while the old process of b:0 stops (its stop
#     signal is ignored, so it lasts kill_timeout): the new process stays
#     b:0, the next daemon ends the old one;
#  3. `opm daemon reload` during a reload: the same as 1, over the exec.
# Two instances share each port, and a client loop on each port runs
# across all of it with no failed request.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
# shellcheck source=tests/e2e/reload-lib.sh
. "$(dirname "$0")/reload-lib.sh"
setup

broken=$TEST_TMP/broken
assert_exit 0 "$OPM" start --name a -i 2 --listen tcp://127.0.0.1:0 \
    --ready notify --listen-timeout 60s \
    "$PY" -- "$FDSERVER" --hang-if "$broken" tag "$TAG"
assert_exit 0 "$OPM" start --name b -i 2 --listen tcp://127.0.0.1:0 \
    --ready notify --stop-signal WINCH --kill-timeout 4s \
    "$PY" -- "$FDSERVER" tag "$TAG"
for k in 0 1; do
	wait_inst a "$k" online
	wait_inst b "$k" online
done
addr_a=$(bound a:0)
addr_b=$(bound b:0)
log=$OPM_HOME/opmd.log
n_a() { count_procs "*fdserver.py --hang-if*$TAG*"; }
n_b() { count_procs "*fdserver.py tag*$TAG*"; }
is_n() { (( $("$1") == $2 )); }

# A second client loop, on b's port (loop_start runs one).
"$PY" "$HTTPLOOP" "$addr_b" --until "$TEST_TMP/loopb.stop" --min 100 \
    >"$TEST_TMP/loopb.out" 2>"$TEST_TMP/loopb.err" &
loopb=$!
track_pid "$loopb"
loop_start "$addr_a" 200

# 1. The new process of a:0 hangs; the daemon dies.
before_a=$(pids_of a)
touch "$broken"
"$OPM" reload a >"$TEST_TMP/r1.out" 2>&1 &
r1=$!
track_pid "$r1"
wait_for 20 is_n n_a 3
grep -q '"peer_pid":[1-9]' "$OPM_HOME/state/$(inst_field a 0 id).json" ||
	fail "a:0's state file does not record its new process"
kill_daemon
rc=0
wait "$r1" || rc=$?
(( rc != 0 )) || fail "reload cut by the daemon's death exited 0"
assert_exit 0 "$OPM" list --json
wait_for 20 is_n n_a 2
assert_eq "$before_a" "$(pids_of a)" "a's old processes serve on"
assert_contains "$(cat "$log")" "a:0: a reload was under way when the daemon went"
rm "$broken"

# 2. The swap is done, the old process of b:0 is stopping (on WINCH it
# stops accepting but does not exit, so it stops for kill_timeout and
# its SIGKILL finds no connection of the client loop); the daemon dies.
old_b0=$(inst_field b 0 pid)
"$OPM" reload b:0 >"$TEST_TMP/r2.out" 2>&1 &
r2=$!
track_pid "$r2"
_swapped() { [[ $(inst_field b 0 pid) != "$old_b0" ]]; }
wait_for 20 _swapped
new_b0=$(inst_field b 0 pid)
pid_alive "$old_b0" || fail "the old b:0 is already gone"
kill_daemon
wait "$r2" || true
assert_exit 0 "$OPM" list --json
assert_eq "$new_b0" "$(inst_field b 0 pid)" "b:0 is the new process"
wait_for 20 pid_dead "$old_b0"
wait_for 10 is_n n_b 2

# 3. `opm daemon reload` while a:1's new process hangs.
touch "$broken"
before_a=$(pids_of a)
"$OPM" reload a:1 >"$TEST_TMP/r3.out" 2>&1 &
r3=$!
track_pid "$r3"
wait_for 20 is_n n_a 3
assert_exit 0 "$OPM" daemon reload
wait "$r3" || true
wait_for 20 is_n n_a 2
assert_eq "$before_a" "$(pids_of a)" "a's processes after daemon reload"
rm "$broken"
assert_exit 0 "$OPM" reload a
assert_contains "$OUT" "a:1: reloaded"

loop_stop
touch "$TEST_TMP/loopb.stop"
rc=0
wait "$loopb" || rc=$?
echo "client loop b: $(tail -n 1 "$TEST_TMP/loopb.out")"
(( rc == 0 )) || fail "client loop on b: $(head -c 2000 "$TEST_TMP/loopb.err")"
echo "ok: reloads cut by a daemon's death or re-exec leave one process per instance"
