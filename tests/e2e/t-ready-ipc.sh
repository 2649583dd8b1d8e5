#!/usr/bin/env bash
# ready: ipc, PM2's wait_ready (issue 14 item 1): a Node program written
# for PM2 calls process.send('ready') once it is let go. It is launching
# until then (opm start waits), online after. `wait_ready: true` in an app
# file means the same; `--wait-ready` too. Node's channel is fd 3 with
# NODE_CHANNEL_FD=3; the app keeps running after the message, and a later
# process.send does not crash it, also after `opm daemon reload`. A program that never sends it fails its
# start after listen_timeout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

NODE=/usr/bin/node
[[ -x $NODE ]] || fail "no $NODE"
cd "$TEST_TMP"
# Waits for the file argv[2], then process.send('ready'); later sends more.
cat >app.js <<'JS'
const fs = require('fs');
const gate = process.argv[2];
process.on('message', () => {});
const t = setInterval(() => {
  if (!fs.existsSync(gate)) return;
  clearInterval(t);
  process.send('ready');
  console.log('sent ready');
  let n = 0;
  setInterval(() => { process.send({ n }); console.log('later ' + n++); },
    100);
}, 20);
JS

# App $1 has a pid.
has_pid()
{
	[[ $(app_field "$1" pid) != null ]]
}

# --- --ready ipc: online only after process.send('ready'). ----------------
"$OPM" start --name web --ready ipc --interpreter "$NODE" app.js \
    "$TEST_TMP/go-web" >start.out 2>start.err &
start=$!
wait_status web launching
wait_for 10 has_pid web
pid=$(app_field web pid)
# The node program runs (it has the channel) and still is not online.
# Executed (the environment is the program's), with the channel on fd 3.
wait_for 10 grep -qz '^NODE_CHANNEL_FD=3$' "/proc/$pid/environ"
test -S "/proc/$pid/fd/3" || fail "fd 3 of node is not a socket"
tr '\0' '\n' <"/proc/$pid/environ" >env.txt
assert_contains "$(<env.txt)" "NODE_CHANNEL_FD=3" "environment"
assert_contains "$(<env.txt)" "NODE_CHANNEL_SERIALIZATION_MODE=json" \
    "environment"
"$OPM" info web >/dev/null
pid_alive "$start" || fail "opm start answered before ready: $(<start.out)"
assert_eq launching "$(app_field web status)" "status before ready"
assert_eq false "$(app_field web ready)" "ready before ready"
touch "$TEST_TMP/go-web"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start exited $?: $(<start.err)"
assert_eq online "$(app_field web status)" "status after process.send"
assert_eq true "$(app_field web ready)" "ready after process.send"
grep -q "web: ready (process.send('ready'))" "$OPM_HOME/opmd.log" ||
    fail "opmd.log does not say how web became ready"
# Later messages go nowhere, and do not hurt it.
wait_for 10 grep -q "sent ready" "$(app_field web out_log)"
wait_for 10 grep -q "later 5" "$(app_field web out_log)"
assert_eq "$pid" "$(app_field web pid)" "pid after later messages"
assert_eq 0 "$(app_field web restarts)" "restarts"
# Node's channel is handed over by a reload: node sees no disconnect.
assert_exit 0 "$OPM" daemon reload
n=$(grep -c '^later' "$(app_field web out_log)")
wait_for 10 grep -q "^later $((n + 5))$" "$(app_field web out_log)"
assert_eq "$pid" "$(app_field web pid)" "pid after a reload"
assert_eq online "$(app_field web status)" "status after a reload"

# --- wait_ready: true in an app file (PM2's ecosystem file). --------------
cat >ecosystem.config.js <<JS
module.exports = {
  apps: [{
    name: 'pm2app',
    script: 'app.js',
    interpreter: '$NODE',
    args: '$TEST_TMP/go-pm2app',
    wait_ready: true,
    listen_timeout: 20000,
  }],
};
JS
"$OPM" start ecosystem.config.js >file.out 2>&1 &
start=$!
wait_status pm2app launching
assert_exit 0 "$OPM" info --json pm2app
assert_eq ipc "$(jq -r .config.ready <<<"$OUT")" "wait_ready: true"
assert_eq 20000 "$(jq -r .config.listen_timeout <<<"$OUT")" "listen_timeout"
pid_alive "$start" || fail "opm start FILE answered before ready"
touch "$TEST_TMP/go-pm2app"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start FILE failed: $(<file.out)"
assert_eq online "$(app_field pm2app status)" "pm2app after ready"

# --- --wait-ready, never sent: a failed start. ----------------------------
assert_exit 1 "$OPM" start --name mute --wait-ready --listen-timeout 1s \
    --max-restarts 0 --interpreter "$NODE" app.js "$TEST_TMP/never"
assert_contains "$ERR" "mute: cannot start: not ready within listen_timeout" \
    "start of an app that never sends ready"
wait_status mute errored 20
