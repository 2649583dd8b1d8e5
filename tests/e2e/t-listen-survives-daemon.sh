#!/usr/bin/env bash
# A port opm owns never closes while its apps run (issue 14 item 3), not
# even without a daemon. The keeper holds a duplicate of every listening
# socket, tagged with the app id and index, as it holds the log pipes:
#  - a client loop runs across a SIGKILL of the daemon, with no failure,
#    and the next daemon takes the socket back from the keeper: a restart
#    after it hands the app the same socket (same port, no failure);
#  - with no daemon and the app killed too, nobody holds the socket but the
#    keeper: a connection made then waits in its backlog, and is answered
#    by the process the next daemon starts on the keeper's socket;
#  - `opm daemon reload` passes the sockets by inheritance: a loop across
#    it, and a restart after it, see no failure and the same port;
#  - a keeper killed while the daemon runs gets the sockets again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
setup

sock=$TEST_TMP/web.sock
assert_exit 0 "$OPM" start --name web --listen tcp://127.0.0.1:0 \
    --listen "unix:$sock" "$PY" "$FDSERVER" tag "$TAG"
wait_status web online
addr=$(bound web)
pid=$(app_field web pid)
assert_eq "pid $pid path /a" "$(http_get "$addr" /a)" "before the crash"

# 1. SIGKILL of the daemon under a client loop.
loop_start "$addr" 300
kill_daemon
assert_exit 0 "$OPM" list --json
assert_eq "$pid" "$(app_field web pid)" "web adopted, same pid"
assert_eq "$addr" "$(bound web)" "the successor holds the socket"
assert_exit 0 "$OPM" restart web
wait_status web online
loop_stop
assert_eq "$addr" "$(bound web)" "port after restart by the successor"
pid2=$(app_field web pid)
assert_ne "$pid" "$pid2" "pid after restart"
assert_eq "pid $pid2 path /b" "$(http_get "$addr" /b)" "after the restart"
assert_eq "pid $pid2 path /u" "$(http_get "unix:$sock" /u)" "unix socket too"

# 2. No daemon, no app: only the keeper holds the socket; a connection
# waits in its backlog until the next daemon starts the app again.
kill_daemon
kill -KILL "$pid2"
wait_for 5 pid_dead "$pid2"
"$PY" "$HTTPLOOP" "$addr" --count 1 >"$TEST_TMP/queued.out" \
    2>"$TEST_TMP/queued.err" &
queued=$!
track_pid "$queued"
"$PY" "$HTTPLOOP" "unix:$sock" --count 1 >"$TEST_TMP/uqueued.out" \
    2>"$TEST_TMP/uqueued.err" &
uqueued=$!
track_pid "$uqueued"
# Connected (in the backlog), not answered: nobody accepts.
in_backlog()
{
	ss -tnH state established "( dport = :${addr##*:} )" | grep -q .
}
wait_for 5 in_backlog
pid_alive "$queued" || fail "the queued request ended: $(cat \
    "$TEST_TMP/queued.err")"
assert_exit 0 "$OPM" list --json
wait_status web online
rc=0
wait "$queued" || rc=$?
assert_eq 0 "$rc" "queued tcp request: $(cat "$TEST_TMP/queued.out" \
    "$TEST_TMP/queued.err")"
rc=0
wait "$uqueued" || rc=$?
assert_eq 0 "$rc" "queued unix request: $(cat "$TEST_TMP/uqueued.out" \
    "$TEST_TMP/uqueued.err")"
pid3=$(app_field web pid)
assert_contains "$(cat "$TEST_TMP/queued.out")" "pids $pid3" \
    "answered by the new process"
assert_eq "$addr" "$(bound web)" "port after the app died with no daemon"

# 3. daemon reload under a client loop, then a restart.
dpid=$(opmd_pidfile)
loop_start "$addr" 300
assert_exit 0 "$OPM" daemon reload
reloaded()
{
	[[ $("$OPM" daemon status --json | jq .reloads) == 1 ]]
}
wait_for 10 reloaded
assert_eq "$dpid" "$(opmd_pidfile)" "daemon pid after reload"
assert_eq "$addr" "$(bound web)" "socket after reload"
assert_exit 0 "$OPM" restart web
wait_status web online
loop_stop
assert_eq "$addr" "$(bound web)" "port after restart by the reloaded daemon"
pid4=$(app_field web pid)
assert_eq "pid $pid4 path /c" "$(http_get "$addr" /c)" "after reload+restart"

# 4. The keeper dies while the daemon runs: a new one gets the sockets, so
# the next crash still keeps the port.
kill_keeper
have_keeper()
{
	[[ -n $(keeper_pids) ]]
}
wait_for 10 have_keeper
# The new keeper holds them once the daemon has sent them: a restart makes
# the daemon talk to it, then the crash.
assert_exit 0 "$OPM" restart web
wait_status web online
kill_daemon
pid5=$(app_field web pid)
assert_eq "$addr" "$(bound web)" "socket after keeper loss and crash"
assert_exit 0 "$OPM" restart web
wait_status web online
pid6=$(app_field web pid)
assert_ne "$pid5" "$pid6" "restart after keeper loss and crash"
assert_eq "pid $pid6 path /d" "$(http_get "$addr" /d)" "after keeper loss"
