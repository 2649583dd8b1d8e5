#!/usr/bin/env bash
# Rolling reload with Node (issue 14 item 4):
#  1. a Node server on the socket opm passes (listen({fd: 3}),
#     tests/helpers/fdserver.js) that says process.send('ready') (PM2's
#     wait_ready), four instances on one port, PM2's shutdown_with_message:
#     a client loop across `opm reload` gets no failed request, every pid
#     changes, and each old process was stopped by the message 'shutdown'
#     on its channel, not by a signal;
#  2. a program written for PM2's cluster mode, unchanged (a plain
#     http.createServer().listen(PORT), tests/helpers/pm2cluster.js), in an
#     app file with exec_mode cluster, instances 2 and PORT in env, no
#     listen key: opm binds tcp://0.0.0.0:PORT, both instances answer on
#     that one port (the preload hands listen(PORT) the socket), and a
#     reload under a client loop has no failed request either.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
# shellcheck source=tests/e2e/reload-lib.sh
. "$(dirname "$0")/reload-lib.sh"
setup

NODE=/usr/bin/node
[[ -x $NODE ]] || fail "$NODE not found"

# 1.
cat >"$TEST_TMP/nweb.json" <<JSON
{"apps": [{"name": "nweb", "script": "$FDSERVER_JS", "args": ["tag", "$TAG"],
  "interpreter": "$NODE", "instances": 4, "listen": "tcp://127.0.0.1:0",
  "wait_ready": true, "shutdown_with_message": true, "kill_timeout": "10s"}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/nweb.json"
for k in 0 1 2 3; do
	wait_inst nweb "$k" online
done
addr=$(bound nweb:0)
before=$(pids_of nweb)
loop_start "$addr" 300
assert_exit 0 "$OPM" reload nweb
loop_stop
after=$(pids_of nweb)
[[ $(tr , '\n' <<<"$before,$after" | sort | uniq -d) == "" ]] ||
	fail "a pid survived the reload: $before -> $after"
log=$OPM_HOME/opmd.log
assert_eq 4 "$(grep -c "nweb:[0-3] (old): sent 'shutdown' on Node's channel" \
    "$log")" "old processes stopped by the message"
for k in 0 1 2 3; do
	wait_for 10 grep -q "stopping: shutdown message" \
	    "$(inst_field nweb "$k" out_log)"
done

# 2.
port=$(free_port)
cat >"$TEST_TMP/ecosystem.json" <<JSON
{"apps": [{"name": "cl", "script": "$REPO_DIR/tests/helpers/pm2cluster.js",
  "args": ["tag", "$TAG"], "exec_mode": "cluster", "instances": 2,
  "env": {"PORT": "$port"}}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/ecosystem.json"
wait_inst cl 0 online
wait_inst cl 1 online
assert_exit 0 "$OPM" info cl:1 --json
assert_eq "tcp://0.0.0.0:$port" "$(jq -r '.listen[0].address' <<<"$OUT")" \
    "the socket PORT names"
assert_eq cluster "$(jq -r .config.exec_mode <<<"$OUT")" "exec_mode"
for k in 0 1; do
	wait_for 10 grep -q "listening on $port pid $(inst_field cl "$k" pid)" \
	    "$(inst_field cl "$k" out_log)"
done
# Both answer on the one port (the kernel spreads the connections).
both()
{
	local p0 p1 out

	p0=$(inst_field cl 0 pid)
	p1=$(inst_field cl 1 pid)
	"$PY" "$HTTPLOOP" "tcp://127.0.0.1:$port" --count 60 \
	    >"$TEST_TMP/both.out" 2>&1 || return 1
	out=$(tail -n 1 "$TEST_TMP/both.out")
	[[ ",${out##* }," == *",$p0,"* && ",${out##* }," == *",$p1,"* ]]
}
wait_for 20 both
loop_start "tcp://127.0.0.1:$port" 200
assert_exit 0 "$OPM" reload cl
assert_contains "$OUT" "cl:0: reloaded"
assert_contains "$OUT" "cl:1: reloaded"
loop_stop
echo "ok: node on fd 3 with wait_ready and shutdown_with_message, and a PM2 cluster program"
