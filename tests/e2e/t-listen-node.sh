#!/usr/bin/env bash
# A Node server written for socket activation, `listen({fd: 3})`
# (tests/helpers/fdserver.js, which refuses to run unless LISTEN_PID is its
# own pid), answers through the port opm bound for it (issue 14 item 3),
# and keeps answering on the same port after a restart, with no request
# of a client loop across the restart refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
setup

NODE=/usr/bin/node
[[ -x $NODE ]] || fail "$NODE not found"
assert_exit 0 "$OPM" start --name nweb --listen api=tcp://127.0.0.1:0 \
    "$NODE" "$FDSERVER_JS" tag "$TAG"
wait_status nweb online
addr=$(bound nweb)
[[ $addr =~ ^tcp://127\.0\.0\.1:[0-9]+$ && $addr != *:0 ]] ||
    fail "bound address of nweb: [$addr]"
pid=$(app_field nweb pid)
wait_for 10 grep -q "node LISTEN_FDS=1 LISTEN_FDNAMES=api pid $pid" \
    "$(app_field nweb out_log)"
assert_eq "pid $pid path /node" "$(http_get "$addr" /node)" "answer of node"

loop_start "$addr" 200
assert_exit 0 "$OPM" restart nweb
wait_status nweb online
loop_stop
pid2=$(app_field nweb pid)
assert_ne "$pid" "$pid2" "pid after restart"
assert_eq "$addr" "$(bound nweb)" "port after restart"
assert_eq "pid $pid2 path /again" "$(http_get "$addr" /again)" \
    "answer after restart"
