#!/usr/bin/env bash
# Crash-to-respawn latency, opm and PM2 in the same run: an app whose
# program writes "pid CLOCK_REALTIME" to a file as its first act (a static
# C helper: no dynamic loader before main), then pause()s. We kill -9 it at
# T0 (bash EPOCHREALTIME, the same clock, taken right before the kill
# builtin); latency = the new process's own stamp - T0, i.e. SIGKILL to
# the replacement executing. Kills alternate between the tools, each once
# its app has been up GAP s (past min_uptime), so a change in the
# machine's load falls on both alike. PM2 (when `pm2` is on PATH) runs in
# a throw-away PM2_HOME with restart_delay 0 and is killed at the end.
# Also the daemon's CPU time per respawn (utime+stime of opmd over the
# kills) and the daemon log's own reap -> spawned interval.
# Prints rows bench/run.sh and the bench table collect:
#   respawn TOOL n=N median_ms P50 p90_ms P90 min_ms MIN max_ms MAX
#   respawn ratio pm2/opm R
#   respawn opmd cpu_us_per_respawn U
#   respawn opmd reap_to_spawned_median_ms D
#   respawn load L (the 1-minute load average at the end)
# usage: bench/respawn.sh [BUILD_DIR] [RUNS]
# env:   GAP=0.3 TOOLS="opm pm2" APPS=0 (idle apps beside, for scaling)
set -euo pipefail
export LC_ALL=C
build=$(cd "${1:-build}" && pwd)
runs=${2:-20}
GAP=${GAP:-0.3} APPS=${APPS:-0}
TOOLS=${TOOLS:-"opm pm2"}
command -v pm2 >/dev/null || TOOLS=${TOOLS//pm2/}
work=$(mktemp -d /tmp/opm-respawn.XXXXXX)
export OPM_HOME=$work/opm PM2_HOME=$work/pm2
unset OPM_RUNTIME_DIR
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cleanup()
{
	"$build/opm" daemon stop >/dev/null 2>&1 || true
	if [[ $TOOLS == *pm2* ]]; then
		pm2 kill >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

cc=${CC:-cc}
src='#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
	struct timespec t; FILE *f;
	clock_gettime(CLOCK_REALTIME, &t);
	if (argc < 2 || (f = fopen(argv[1], "a")) == NULL) return 1;
	fprintf(f, "%d %lld.%09ld\n", (int)getpid(), (long long)t.tv_sec, t.tv_nsec);
	fclose(f);
	for (;;) pause();
}'
stamp=$work/stamp
"$cc" -O2 -static -x c -o "$stamp" - <<<"$src" 2>/dev/null ||
    "$cc" -O2 -x c -o "$stamp" - <<<"$src"

start_tool()	# TOOL: the crash app (and APPS idle ones) under TOOL
{
	local sf=$work/stamp-$1 i

	case $1 in
	opm)
		if ((APPS > 0)); then
			for ((i = 0; i < APPS; i++)); do
				printf '{"name":"idle%d","argv":["sleep","100000"]}\n' "$i"
			done | paste -sd, | sed 's/^/{"apps":[/; s/$/]}/' >"$work/idle.json"
			"$build/opm" start "$work/idle.json" >/dev/null
		fi
		"$build/opm" start --name crash --min-uptime 100ms "$stamp" "$sf" >/dev/null
		;;
	pm2)
		printf '{"apps":[{"name":"crash","script":"%s","args":["%s"],"interpreter":"none","autorestart":true,"restart_delay":0,"min_uptime":100}]}\n' \
		    "$stamp" "$sf" >"$work/pm2.json"
		pm2 start "$work/pm2.json" >/dev/null
		;;
	esac
	for ((i = 0; i < 600; i++)); do [[ -s $sf ]] && return 0; sleep 0.05; done
	echo "respawn: $1: the app did not start" >&2
	return 1
}

# Between the kill and the new stamp nothing is forked (the file is read
# with mapfile, the naps are read -t on a pipe nobody writes): a poller
# that forks wc and sleep every 5 ms competes with the respawn it times.
exec {nap}<> <(:)
lines()	# FILE -> $nlines
{
	local l
	mapfile -t l <"$1"
	nlines=${#l[@]}
}

kill_one()	# TOOL: one kill, one sample appended to $work/samples-TOOL
{
	local sf=$work/stamp-$1 n pid start t0 new i w

	lines "$sf"
	n=$nlines
	read -r pid start < <(tail -n 1 "$sf")
	w=$(awk -v s="$start" -v now="$EPOCHREALTIME" -v g="$GAP" \
	    'BEGIN { w = s + g - now; printf "%.3f", (w > 0 ? w : 0) }')
	sleep "$w"
	t0=$EPOCHREALTIME
	kill -9 "$pid"
	for ((i = 0; i < 3000; i++)); do
		lines "$sf"
		((nlines > n)) && break
		read -r -t 0.005 -u "$nap" _ || true
	done
	((nlines > n)) || { echo "respawn: $1: none after 15 s" >&2; return 1; }
	read -r _ new < <(tail -n 1 "$sf")
	awk -v a="$t0" -v b="$new" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' \
	    >>"$work/samples-$1"
}

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

for t in $TOOLS; do start_tool "$t"; done
dpid=$(cat "$OPM_HOME/opmd.pid" 2>/dev/null || pgrep -xn opmd)
c0=$(ticks "$dpid")
for ((k = 0; k < runs; k++)); do
	for t in $TOOLS; do kill_one "$t"; done
done
c1=$(ticks "$dpid")

stats()	# TOOL -> "n=.. median_ms .. p90_ms .. min_ms .. max_ms .."
{
	sort -g "$work/samples-$1" | awk '{ v[NR] = $1 } END {
	    printf "n=%d median_ms %.2f p90_ms %.2f min_ms %.2f max_ms %.2f\n",
	    NR, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[1], v[NR] }'
}
for t in $TOOLS; do echo "respawn $t $(stats "$t")"; done
if [[ $TOOLS == *pm2* && $TOOLS == *opm* ]]; then
	a=$(stats opm | awk '{ print $3 }') b=$(stats pm2 | awk '{ print $3 }')
	awk -v a="$a" -v b="$b" 'BEGIN { printf "respawn ratio pm2/opm %.1f\n", b / a }'
fi
hz=$(getconf CLK_TCK)
awk -v c="$((c1 - c0))" -v hz="$hz" -v n="$runs" \
    'BEGIN { printf "respawn opmd cpu_us_per_respawn %.0f\n", c / hz / n * 1e6 }'
echo "respawn load $(cut -d' ' -f1 /proc/loadavg)"
python3 - "$OPM_HOME/opmd.log" <<'PY'
import sys, datetime
ts = lambda l: datetime.datetime.strptime(l[:23], "%Y-%m-%dT%H:%M:%S.%f")
k, d = None, []
for l in open(sys.argv[1]):
    if "crash: pid" in l and "killed by signal 9" in l: k = ts(l)
    elif "crash: spawned pid" in l and k: d.append((ts(l) - k).total_seconds() * 1000); k = None
d.sort()
if d:
    print("respawn opmd reap_to_spawned_median_ms %.1f" % d[len(d) // 2])
PY
