#!/usr/bin/env bash
# Rolling reload of 4 instances, opm against PM2's cluster reload, in one
# run: the same Node program (bench/reload-server.js: listen(PORT), then
# process.send('ready')) with 4 instances and wait_ready, a client loop of
# HTTP requests (a new connection each, tests/helpers/httploop.py) running
# across the reload. Per manager and run: the time from the reload request
# to the command's return (every instance replaced), the requests made
# during it and the failed ones, and whether every pid changed.
# opm runs it as exec_mode cluster (opm's socket, node's listen(PORT) takes
# it through lib/opm-cluster.js); PM2 as its cluster mode (the master's
# socket), in a throw-away PM2_HOME whose daemon is killed afterwards.
# usage: bench/reload.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
server=$repo/bench/reload-server.js
loop=$repo/tests/helpers/httploop.py
tmp=$(mktemp -d /tmp/opm-bench-reload.XXXXXX)
export OPM_HOME=$tmp/opm PM2_HOME=$tmp/pm2
mkdir -p "$OPM_HOME" "$PM2_HOME"
PM2=${PM2:-pm2}
cleanup()
{
	"$build/opm" daemon stop >/dev/null 2>&1 || true
	"$PM2" kill >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
free_port()
{
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
ms() { awk "BEGIN{printf \"%.0f\", ($2 - $1) * 1000}"; }

# measure NAME PORT PIDS-COMMAND RELOAD-COMMAND...: one line of results.
measure()
{
	local name=$1 port=$2 pids=$3 before after t0 t1 summary
	shift 3
	before=$($pids)
	rm -f "$tmp/stop" "$tmp/ready"
	python3 "$loop" "tcp://127.0.0.1:$port" --until "$tmp/stop" \
	    --ready "$tmp/ready" >"$tmp/loop.out" 2>"$tmp/loop.err" &
	local lp=$!
	until [[ -e $tmp/ready ]]; do sleep 0.01; done
	t0=$EPOCHREALTIME
	"$@" >/dev/null
	t1=$EPOCHREALTIME
	touch "$tmp/stop"
	wait "$lp" || true
	summary=$(tail -n 1 "$tmp/loop.out")
	after=$($pids)
	local same
	same=$(comm -12 <(tr , '\n' <<<"$before" | sort) \
	    <(tr , '\n' <<<"$after" | sort) | wc -l)
	set -- $summary
	printf '%-5s %8s ms %9s %8s %12s\n' "$name" "$(ms "$t0" "$t1")" \
	    "$2" "$4" "$([[ $same == 0 ]] && echo yes || echo "no ($same)")"
}

opm_pids() { "$build/opm" list --json | jq -r '[.[].pid] | join(",")'; }
pm2_pids() { "$PM2" jlist 2>/dev/null | jq -r '[.[].pid] | join(",")'; }

oport=$(free_port)
cat >"$tmp/opm.json" <<JSON
{"apps": [{"name": "web", "script": "$server", "instances": 4,
  "exec_mode": "cluster", "wait_ready": true, "env": {"PORT": "$oport"}}]}
JSON
"$build/opm" start "$tmp/opm.json" >/dev/null
pport=$(free_port)
cat >"$tmp/ecosystem.config.js" <<JS
module.exports = { apps: [{ name: "web", script: "$server", instances: 4,
  exec_mode: "cluster", wait_ready: true, env: { PORT: "$pport" } }] };
JS
"$PM2" start "$tmp/ecosystem.config.js" >/dev/null 2>&1
sleep 2
echo "rolling reload of 4 instances (node $(node --version), pm2 $("$PM2" --version | tail -n 1)), $runs runs each"
printf '%-5s %11s %9s %8s %12s\n' "" "reload" "requests" "failed" "all new pids"
for ((i = 0; i < runs; i++)); do
	measure opm "$oport" opm_pids "$build/opm" reload web
	measure pm2 "$pport" pm2_pids "$PM2" reload web
done
