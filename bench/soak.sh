#!/usr/bin/env bash
# Soak: N apps (default 1000) that each live ~150 ms and exit, restarted by
# policy, until RESTARTS (default 100000) restarts have happened in total,
# while CLIs list and follow logs. Reports the daemon's RSS and open
# descriptors at start, peak and end, zombies left, and checks that every
# restart is accounted for (sum of restarts + apps == the daemon's spawn
# count, and each run's first line is in its log).
# usage: bench/soak.sh BUILD_DIR [APPS] [RESTARTS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
apps=${2:-1000}
want=${3:-100000}
opm=$build/opm
export OPM_HOME
OPM_HOME=$(mktemp -d /tmp/opm-soak.XXXXXX)
cleanup() {
	"$opm" daemon stop >/dev/null 2>&1 || true
	kill $(jobs -p) 2>/dev/null || true
	rm -rf "$OPM_HOME"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

"$opm" daemon start >/dev/null
dpid=$(head -1 "$OPM_HOME/opmd.pid")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$dpid/status"; }
fds() { ls "/proc/$dpid/fd" | wc -l; }
zombies() {
	local n=0 p
	for p in /proc/[0-9]*; do
		[[ -r $p/stat ]] || continue
		read -r -a f < "$p/stat" 2>/dev/null || continue
		[[ ${f[2]} == Z && ${f[3]} == "$dpid" ]] && n=$((n + 1))
	done
	echo "$n"
}
echo "daemon idle: rss ${rss_start:=$(rss)} kB, fds $(fds)"
t0=$EPOCHREALTIME
for ((i = 0; i < apps; i++)); do
	echo "{\"name\":\"s$i\",\"argv\":[\"sh\",\"-c\",\"echo up; sleep 0.15\"],\"min_uptime\":\"100ms\",\"max_restarts\":1000000}"
done | paste -sd, | sed 's/^/{"apps":[/; s/$/]}/' > "$OPM_HOME/apps.json"
"$opm" start "$OPM_HOME/apps.json" >/dev/null
echo "started $apps apps in $(awk "BEGIN{print $EPOCHREALTIME - $t0}") s"
rss0=$(rss); fds0=$(fds); peak_rss=$rss0; peak_fds=$fds0
"$opm" logs --follow --lines 0 >/dev/null 2>&1 &
"$opm" logs s1 --follow --lines 0 >/dev/null 2>&1 &
total=0
t0=$EPOCHREALTIME
while (( total < want )); do
	total=$("$opm" list --json | jq '[.[].restarts] | add')
	r=$(rss); f=$(fds)
	if (( r > peak_rss )); then peak_rss=$r; fi
	if (( f > peak_fds )); then peak_fds=$f; fi
	printf '\r%6d restarts  rss %6d kB  fds %5d' "$total" "$r" "$f"
	sleep 1
done
secs=$(awk "BEGIN{print $EPOCHREALTIME - $t0}")
echo
"$opm" stop all >/dev/null
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
sleep 0.5
total=$("$opm" list --json | jq '[.[].restarts] | add')
spawns=$("$opm" daemon status --json | jq .spawns)
# Each run wrote "up" first thing; a run stopped before its echo did not.
ups=$(cat "$OPM_HOME"/logs/*-out.log* | grep -c '^up$' || true)
rss_end=$(rss); fds_end=$(fds); z=$(zombies)
echo "restarts: $total in ${secs}s ($(awk "BEGIN{printf \"%d\", $total / $secs}")/s)"
echo "spawns counted by the daemon: $spawns (apps $apps + restarts $total = $((apps + total)))"
echo "runs seen in the apps' logs: $ups (at most $apps runs stopped before their first line)"
echo "rss kB:  idle $rss_start, with apps $rss0, peak $peak_rss, end (all stopped) $rss_end"
echo "fds:     with apps $fds0, peak $peak_fds, end $fds_end"
echo "zombies left: $z"
(( z == 0 )) || { echo "FAIL: zombies left"; exit 1; }
if (( spawns != apps + total )); then
	echo "FAIL: restarts not accounted for"
	exit 1
fi
if (( ups > spawns || ups < spawns - apps )); then
	echo "FAIL: the apps' logs show $ups runs for $spawns spawns"
	exit 1
fi
