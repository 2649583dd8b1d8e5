#!/usr/bin/env bash
# ready: ipc together with listen: the listening sockets are fds 3, 4, ...
# (LISTEN_FDS) and Node's channel comes right after them, with
# NODE_CHANNEL_FD naming it; process.send('ready') still makes the app
# online, and the socket on fd 3 is the one opm bound.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

NODE=/usr/bin/node
[[ -x $NODE ]] || fail "no $NODE"
cd "$TEST_TMP"
cat >app.js <<'JS'
const net = require('net');
const s = net.createServer((c) => c.end('hi\n'));
s.listen({ fd: 3 }, () => process.send('ready'));
JS

assert_exit 0 "$OPM" start --name web --ready ipc --listen-timeout 10s \
    --listen tcp://127.0.0.1:0 --listen tcp://127.0.0.1:0 \
    --interpreter "$NODE" app.js
assert_eq online "$(app_field web status)" "status after process.send"
assert_eq true "$(app_field web ready)" "ready"
pid=$(app_field web pid)
tr '\0' '\n' <"/proc/$pid/environ" >env.txt
assert_contains "$(<env.txt)" "LISTEN_FDS=2" "environment"
assert_contains "$(<env.txt)" "NODE_CHANNEL_FD=5" "environment"
test -S "/proc/$pid/fd/5" || fail "fd 5 of node is not a socket"
assert_exit 0 "$OPM" info --json web
addr=$(jq -r '.listen[0].bound' <<<"$OUT")
port=${addr##*:}
exec 7<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect to $addr"
read -r -t 5 line <&7 || fail "no answer on $addr"
exec 7<&-
assert_eq hi "$line" "answer on the socket of fd 3"
assert_exit 0 "$OPM" delete web
