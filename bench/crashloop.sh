#!/usr/bin/env bash
# Crash loops and idleness: N apps (`false`, run directly) from one app
# file that exit at once, every time, with the backoff capped at BACKOFF
# and max_restarts too high to reach, so they crash-loop for the whole
# run; then
#   restarts_per_s  restarts the daemon made per second over the pings
#   ping_p50/p99    `opm ping` (CLI included) over PINGS runs while they
#                   crash-loop: does the loop stay responsive?
#   cpu_pct         opmd's CPU (utime+stime) over those pings, % of one core
# then `opm stop all` and, once every app is stopped,
#   idle_wakeups    the daemon's context switches (voluntary and not, all
#                   its threads, from /proc as bench/watch-idle.sh counts
#                   them) over IDLE seconds: each wake-up of its loop is
#                   one, so 0 is zero wake-ups
#   idle_rss_kb     VmRSS of opmd with the N apps stopped
# and prints one row:
#   crashloop N restarts_per_s R ping_p50_ms P ping_p99_ms Q cpu_pct C
#             idle_wakeups W idle_s S idle_rss_kb K fds F/LIM load A
# usage: bench/crashloop.sh [BUILD_DIR] [N]   (default N: 1000)
# env:   PINGS=200 IDLE=10 BACKOFF=1s
set -euo pipefail
export LC_ALL=C
build=$(cd "${1:-build}" && pwd)
n=${2:-1000}
PINGS=${PINGS:-200} IDLE=${IDLE:-10} BACKOFF=${BACKOFF:-1s}
opm=$build/opm
work=$(mktemp -d /tmp/opm-crashloop.XXXXXX)
export OPM_HOME=$work/home
unset OPM_RUNTIME_DIR
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
trap 'OPM_TIMEOUT=120 "$opm" daemon stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
false_bin=$(command -v false)

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) * 1000 }'; }
pct() { sort -g | awk -v q="$1" '{ v[NR] = $1 } END { i = int(NR * q + 0.5); if (i < 1) i = 1; printf "%.2f", v[i] }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
restarts() { "$opm" list --json | jq '[.[].restarts] | add'; }
switches()
{
	local t s=0 k v

	for t in /proc/"$1"/task/*; do
		while read -r k v; do
			case $k in
			voluntary_ctxt_switches:|nonvoluntary_ctxt_switches:)
				s=$((s + v)) ;;
			esac
		done <"$t/status"
	done
	echo "$s"
}

awk -v n="$n" -v f="$false_bin" -v b="$BACKOFF" 'BEGIN {
    printf "{\"apps\":["
    for (i = 0; i < n; i++)
	printf "%s{\"name\":\"c%d\",\"argv\":[\"%s\"],\"backoff_max\":\"%s\",\"max_restarts\":1000000}", i ? "," : "", i, f, b
    print "]}" }' >"$work/apps.json"
"$opm" ping >/dev/null
dpid=$(cat "$OPM_HOME/opmd.pid")
OPM_TIMEOUT=600 "$opm" start "$work/apps.json" >/dev/null 2>&1 || true
# Into the loop: every app has restarted at least once.
deadline=$((SECONDS + 120))
until (($(restarts) >= n)) || ((SECONDS > deadline)); do sleep 0.5; done
r0=$(restarts)
c0=$(ticks "$dpid")
t0=$EPOCHREALTIME
for ((i = 0; i < PINGS; i++)); do
	s=$EPOCHREALTIME
	"$opm" ping >/dev/null
	ms "$s" "$EPOCHREALTIME"; echo
	sleep 0.01
done >"$work/ping"
t1=$EPOCHREALTIME
c1=$(ticks "$dpid")
r1=$(restarts)
rate=$(awk -v a="$r0" -v b="$r1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
cpu=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", t / hz / (e - s) * 100 }')
OPM_TIMEOUT=600 "$opm" stop all >/dev/null 2>&1 || true
deadline=$((SECONDS + 120))
until [[ $("$opm" list --json | jq '[.[] | select(.status != "stopped")] | length') == 0 ]] ||
    ((SECONDS > deadline)); do
	sleep 0.5
done
# The stop's own events and timers settle first.
sleep 2
w0=$(switches "$dpid")
sleep "$IDLE"
w1=$(switches "$dpid")
fds=$(ls "/proc/$dpid/fd" | wc -l)
lim=$(awk '/^Max open files/ { print $4 }' "/proc/$dpid/limits")
echo "crashloop $n restarts_per_s $rate ping_p50_ms $(pct 0.5 <"$work/ping")" \
    "ping_p99_ms $(pct 0.99 <"$work/ping") cpu_pct $cpu" \
    "idle_wakeups $((w1 - w0)) idle_s $IDLE" \
    "idle_rss_kb $(awk '/^VmRSS/ { print $2 }' "/proc/$dpid/status")" \
    "fds $fds/$lim load $(cut -d' ' -f1 /proc/loadavg)"
