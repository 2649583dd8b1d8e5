#!/usr/bin/env bash
# Sockets owned by opm (issue 14 item 3), with a real server: a Python
# HTTP server that takes fd 3 from LISTEN_FDS (and refuses to run unless
# LISTEN_PID is its own pid) answers through the port opm bound for it
# (tcp://127.0.0.1:0: info shows the port the kernel chose). Its process
# has fds 0-3 and nothing else of the daemon's. `opm restart` keeps the
# port, and a client loop across two restarts sees no refused connection:
# connections made while no process accepts wait in the backlog of the
# socket the daemon holds, and the next process answers them. A unix:
# socket (mode 0660, named in LISTEN_FDNAMES) does the same, two sockets
# arrive as fds 3 and 4 in order, a delete closes the port and removes the
# path, and a clean daemon stop with the apps stopped closes every socket.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
setup

assert_exit 0 "$OPM" start --name web --listen tcp://127.0.0.1:0 \
    "$PY" "$FDSERVER" tag "$TAG"
wait_status web online
addr=$(bound web)
[[ $addr =~ ^tcp://127\.0\.0\.1:[0-9]+$ && $addr != *:0 ]] ||
    fail "bound address of web: [$addr]"
assert_exit 0 "$OPM" info web --json
assert_eq '{"address":"tcp://127.0.0.1:0","name":"web"}' \
    "$(jq -c '.listen[0] | {address, name}' <<<"$OUT")" "info listen"
assert_eq '["tcp://127.0.0.1:0"]' "$(jq -c .config.listen <<<"$OUT")" \
    "config listen"
pid=$(app_field web pid)
body=$(http_get "$addr" /hello)
assert_eq "pid $pid path /hello" "$body" "answer through $addr"
out_log=$(app_field web out_log)
wait_for 5 grep -q "LISTEN_FDS=1 LISTEN_FDNAMES=web pid $pid family AF_INET" \
    "$out_log"
# Exactly stdin, stdout, stderr and the socket: nothing else leaks.
assert_eq "0 1 2 3" "$(ls /proc/"$pid"/fd | sort -n | xargs)" "fds of web"
[[ $(readlink /proc/"$pid"/fd/3) == socket:* ]] || fail "fd 3 is no socket"
assert_exit 0 "$OPM" info web
assert_contains "$OUT" "listening        $addr (web)"
assert_exit 0 "$OPM" env web
assert_contains "$OUT" "LISTEN_FDS=1"
assert_contains "$OUT" "LISTEN_FDNAMES=web"

# Restarts under a client loop: no connection refused, the same port.
loop_start "$addr" 200
# Each new process answers before the next step (an idle machine ran the
# restarts faster than the loop reached the new processes).
_new_answers()
{
	"$PY" -c 'import sys, urllib.request as u
h, p = sys.argv[1].rsplit(":", 1)
print(u.urlopen("http://%s:%s/" % (h, p), timeout=2).read().decode())' \
	    "${addr#tcp://}" | grep -q "^pid $1 "
}
for i in 1 2; do
	assert_exit 0 "$OPM" restart web
	wait_status web online
	wait_for 10 _new_answers "$(app_field web pid)"
	sleep 0.2	# the loop's own requests reach it too
done
loop_stop
npids=$(tr ',' '\n' <<<"$LOOP_PIDS" | wc -l)
(( npids >= 3 )) || fail "answers from $npids processes ($LOOP_PIDS), want 3"
assert_eq "$addr" "$(bound web)" "port after the restarts"
assert_eq 2 "$(app_field web restarts)" "restarts of web"

# A unix socket, named; and two sockets in order.
sock=$TEST_TMP/web.sock
assert_exit 0 "$OPM" start --name uweb --listen "http=unix:$sock" \
    "$PY" "$FDSERVER" tag "$TAG"
wait_status uweb online
assert_eq "unix:$sock" "$(bound uweb)" "bound unix address"
[[ -S $sock ]] || fail "$sock is not a socket"
assert_file_mode 660 "$sock"
upid=$(app_field uweb pid)
assert_eq "pid $upid path /u" "$(http_get "unix:$sock" /u)" "answer on $sock"
wait_for 5 grep -q "LISTEN_FDS=1 LISTEN_FDNAMES=http pid $upid family AF_UNIX" \
    "$(app_field uweb out_log)"
loop_start "unix:$sock" 100
assert_exit 0 "$OPM" restart uweb
wait_status uweb online
loop_stop

sock2=$TEST_TMP/two.sock
assert_exit 0 "$OPM" start --name two --listen tcp://127.0.0.1:0 \
    --listen "b=unix:$sock2" "$PY" "$FDSERVER" tag "$TAG"
wait_status two online
tpid=$(app_field two pid)
wait_for 5 grep -q "LISTEN_FDS=2 LISTEN_FDNAMES=two:b pid $tpid family AF_INET" \
    "$(app_field two out_log)"
assert_eq "0 1 2 3 4" "$(ls /proc/"$tpid"/fd | sort -n | xargs)" "fds of two"
assert_eq "unix:$sock2" "$(bound two 1)" "second socket of two"
assert_eq "pid $tpid path /t" "$(http_get "$(bound two 0)" /t)" "fd 3 of two"

# Delete closes the sockets and removes the path.
two_addr=$(bound two 0)
assert_exit 0 "$OPM" delete two
refused "$two_addr" || fail "$two_addr still accepts after delete"
[[ ! -e $sock2 ]] || fail "$sock2 left after delete"

# The app file form: one string.
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "filed", "script": "$PY", "args": ["$FDSERVER"],
  "listen": "tcp://127.0.0.1:0"}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status filed online
fpid=$(app_field filed pid)
assert_eq "pid $fpid path /f" "$(http_get "$(bound filed)" /f)" "filed"

# A clean stop with every app stopped closes them all.
faddr=$(bound filed)
assert_exit 0 "$OPM" stop all
assert_exit 0 "$OPM" daemon stop
refused "$addr" || fail "$addr still accepts after the daemon stopped"
refused "$faddr" || fail "$faddr still accepts after the daemon stopped"
[[ ! -e $sock ]] || fail "$sock left after a clean daemon stop"
