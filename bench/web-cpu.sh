#!/usr/bin/env bash
# The daemon's CPU with 100 apps: asleep with nobody watching, then with
# opm web open and one browser-like client on its live stream (/api/stream)
# and the page's 5 s refresh of one app's charts and log, then with opm
# monit open in tmux. Counts the daemon's CPU time (utime+stime of
# /proc/PID/stat) and wake-ups (voluntary context switches) over a window.
# usage: bench/web-cpu.sh [BUILD_DIR] [APPS] [SECONDS]
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
napps=${2:-100}
secs=${3:-30}
export OPM_HOME=$(mktemp -d /tmp/opm-bench-web.XXXXXX)
opm=$build/opm
tck=$(getconf CLK_TCK)
cleanup()
{
	[[ -n ${WEB:-} ]] && kill "$WEB" 2>/dev/null
	[[ -n ${CURL:-} ]] && kill "$CURL" 2>/dev/null
	tmux -S "$OPM_HOME/tmux" kill-server 2>/dev/null
	"$opm" daemon stop >/dev/null 2>&1
	rm -rf "$OPM_HOME"
}
trap cleanup EXIT
for ((i = 0; i < napps; i++)); do
	printf '{"name":"a%d","script":"sleep","args":["100000"],"cwd":"/tmp"}\n' "$i"
done | jq -s '{apps: .}' >"$OPM_HOME/apps.json"
"$opm" start "$OPM_HOME/apps.json" >/dev/null || exit 1
dpid=$(cat "$OPM_HOME/opmd.pid" 2>/dev/null || pgrep -f "opmd" | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$dpid/stat"; }
wakes() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$dpid/status"; }
window()
{
	local t0 w0 t1 w1

	sleep 2
	t0=$(ticks); w0=$(wakes)
	sleep "$secs"
	t1=$(ticks); w1=$(wakes)
	awk -v t="$((t1 - t0))" -v w="$((w1 - w0))" -v s="$secs" -v hz="$tck" \
	    -v what="$1" 'BEGIN { printf "%-44s cpu %5.2f%%  wake-ups %6.1f/min\n", what, 100 * t / hz / s, w * 60 / s }'
}
echo "daemon pid $dpid, $napps apps, ${secs}s windows"
window "idle, nobody watching"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$opm" web --listen "127.0.0.1:$port" >/dev/null 2>&1 &
WEB=$!
sleep 1
token=$("$opm" web token)
curl -s -N -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/stream" >/dev/null &
CURL=$!
( while sleep 5; do
	curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/history?app=a0" >/dev/null
	curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/logs?app=a0&lines=100" >/dev/null
done ) &
POLL=$!
window "opm web open, one live page"
kill "$POLL" "$CURL" "$WEB" 2>/dev/null; CURL= WEB=
wait 2>/dev/null
sleep 1
window "opm web closed again"
tmux -S "$OPM_HOME/tmux" new-session -d -x 120 -y 40 "OPM_HOME=$OPM_HOME $opm monit"
window "opm monit open"
