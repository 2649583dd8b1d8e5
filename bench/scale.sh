#!/usr/bin/env bash
# Scaling: for each N, a fresh daemon, N apps (`sleep`, run directly) from
# one app file, then
#   mode       running: the N apps run; stopped: created with autostart
#              false, because N running apps would not fit the descriptor
#              limit (a running app holds 3 daemon descriptors and a pidfd;
#              the hard RLIMIT_NOFILE here is 20000, and raising it needs
#              CAP_SYS_RESOURCE). Set MODE=stopped for every row.
#   create_ms  `opm start FILE` until it returned (every app spawned: the
#              reply waits for the exec verdicts)
#   list_ms    one `opm list --json`, median of LISTS runs (CLI included)
#   rss_kb     VmRSS of opmd + its keeper with the N apps online
#   spawn_ms   crash to respawn of one more app (SIGKILL to the new process
#              executing, bench/respawn.sh's method), median of KILLS,
#              with the N apps beside it: does a spawn cost grow with N?
#   ping_p99   `opm ping` p99 over PINGS runs with the N apps online
#   fds        descriptors open in opmd / its RLIMIT_NOFILE soft limit
#   create_cpu_ms, list_cpu_ms  opmd's own CPU time (utime+stime, clock
#              ticks) for the create and per list: less noisy than wall
#              time on a loaded machine; load: the 1-minute load average
# and prints one row per N that bench/run.sh and the plot collect:
#   scale N create_ms C list_ms L rss_kb R spawn_ms S ping_p99_ms P fds F/LIM
#         create_cpu_ms CC list_cpu_ms LC load A mode M
# Each N gets a home of its own, removed at the end only: creating files
# where thousands were just deleted costs ext4 a scan of the recently
# deleted inodes for each new one (find_inode_bit), 3 to 5 times the
# create time of the next row.
# usage: bench/scale.sh [BUILD_DIR] [N...]   (default N: 10 100 1000 10000)
# env:   LISTS=5 KILLS=9 PINGS=50
set -euo pipefail
export LC_ALL=C
build=$(cd "${1:-build}" && pwd)
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(10 100 1000 10000)
LISTS=${LISTS:-5} KILLS=${KILLS:-9} PINGS=${PINGS:-50}
opm=$build/opm
work=$(mktemp -d /tmp/opm-scale.XXXXXX)
unset OPM_RUNTIME_DIR
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
hard=$(ulimit -Hn)
trap 'OPM_TIMEOUT=120 "$opm" daemon stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export OPM_HOME=$work/home
sleep_bin=$(command -v sleep)

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
"${CC:-cc}" -O2 -static -x c -o "$stamp" - <<<"$src" 2>/dev/null ||
    "${CC:-cc}" -O2 -x c -o "$stamp" - <<<"$src"

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
p99() { sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; printf "%.2f", v[i] }'; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
cpums() { awk -v t="$1" -v hz="$hz" -v d="${2:-1}" 'BEGIN { printf "%.0f", t * 1000 / hz / d }'; }

for n in "${sizes[@]}"; do
	export OPM_HOME=$work/home-$n
	mode=${MODE:-running}
	# 5 per app at most while it runs, and room for the daemon's own.
	[[ $hard == unlimited ]] || ((5 * n + 200 <= hard)) || mode=stopped
	auto=true
	[[ $mode == running ]] || auto=false
	awk -v n="$n" -v s="$sleep_bin" -v a="$auto" 'BEGIN {
	    printf "{\"apps\":["
	    for (i = 0; i < n; i++)
		printf "%s{\"name\":\"s%d\",\"argv\":[\"%s\",\"100000\"],\"autostart\":%s}", i ? "," : "", i, s, a
	    print "]}" }' >"$work/apps.json"
	"$opm" ping >/dev/null	# the daemon up first: not part of create
	dpid=$(cat "$OPM_HOME/opmd.pid")
	c0=$(ticks "$dpid")
	t0=$EPOCHREALTIME
	OPM_TIMEOUT=600 "$opm" start "$work/apps.json" >/dev/null
	create=$(ms "$t0" "$EPOCHREALTIME")
	c1=$(ticks "$dpid")
	for ((i = 0; i < LISTS; i++)); do
		t0=$EPOCHREALTIME
		"$opm" list --json >/dev/null
		ms "$t0" "$EPOCHREALTIME"; echo
	done >"$work/list"
	list=$(median <"$work/list")
	c2=$(ticks "$dpid")
	kpid=$(pgrep -P "$dpid" -x opmd | head -n 1 || true)
	r=$(rss "$dpid")
	[[ -z $kpid ]] || r=$((r + $(rss "$kpid")))
	for ((i = 0; i < PINGS; i++)); do
		t0=$EPOCHREALTIME
		"$opm" ping >/dev/null
		ms "$t0" "$EPOCHREALTIME"; echo
	done >"$work/ping"
	ping=$(p99 <"$work/ping")
	sf=$work/stamp-$n
	"$opm" start --name crash --min-uptime 100ms "$stamp" "$sf" >/dev/null
	: >"$work/spawn"
	for ((k = 0; k < KILLS; k++)); do
		until [[ -s $sf ]]; do sleep 0.01; done
		c=$(wc -l <"$sf")
		read -r pid _ < <(tail -n 1 "$sf")
		sleep 0.2
		t0=$EPOCHREALTIME
		kill -9 "$pid"
		until (($(wc -l <"$sf") > c)); do sleep 0.005; done
		read -r _ new < <(tail -n 1 "$sf")
		ms "$t0" "$new" >>"$work/spawn"; echo >>"$work/spawn"
	done
	spawn=$(median <"$work/spawn")
	fds=$(ls "/proc/$dpid/fd" | wc -l)
	lim=$(awk '/^Max open files/ { print $4 }' "/proc/$dpid/limits")
	echo "scale $n create_ms $create list_ms $list rss_kb $r spawn_ms $spawn ping_p99_ms $ping fds $fds/$lim create_cpu_ms $(cpums $((c1 - c0))) list_cpu_ms $(cpums $((c2 - c1)) "$LISTS") load $(cut -d' ' -f1 /proc/loadavg) mode $mode"
	OPM_TIMEOUT=600 "$opm" daemon stop >/dev/null
done
