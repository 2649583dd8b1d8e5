#!/usr/bin/env bash
# Side by side: the same workload on opm, PM2 and supervisord (the peers
# only when installed: `npm install -g pm2`, `apt-get install supervisor`),
# each in a private home under one temporary directory, everything it
# started stopped on exit. Prints a markdown table: one row per metric,
# one column per manager, and peer/opm ratios.
#
# Metrics (every app is `sleep` run directly, no shell, unless said):
#   list round trip   wall time of one CLI run listing the apps:
#                     `opm list --json`, `pm2 jlist`, `supervisorctl status`
#                     (supervisorctl has no JSON output), SMALL apps (RUNS
#                     runs) and BIG apps (BIG_RUNS runs); spawn included,
#                     timed by bench/timeit.c (fork/exec/wait)
#   respawn           a helper writes "pid CLOCK_REALTIME" to a file as its
#                     first act, then pauses; we kill -9 it at T0 (bash
#                     EPOCHREALTIME, same clock); latency = the new
#                     process's own start time - T0. RESPAWNS kills, each
#                     once the app has been up RESPAWN_GAP s (past every
#                     tool's min uptime / startsecs)
#   create+start      MID apps from one app file / ecosystem file /
#                     supervisord include (+ `reread`, `update`), until the
#                     command returned and all MID processes exist
#   start all / stop all  MID existing apps, one command each, until it
#                     returned and all MID processes exist / are gone;
#                     median of CYCLES
#   RSS               VmRSS of the daemon: opmd + its keeper (opm), the
#                     "PM2 God Daemon" node process, the supervisord python
#                     process; idle (no app), MID apps, BIG apps
#   context switches  voluntary + nonvoluntary, summed over every thread of
#                     the daemon, over CTX_SECS s with SMALL sleeping apps,
#                     scaled to one minute
#   log capture       an app (sh -c) writes its start time to a side file,
#                     then MB megabytes (10^6 bytes) of 100-byte lines to
#                     stdout (yes | head -c); time from the app's start to
#                     the log file holding every byte; median of REPS; and
#                     the daemon's CPU time (utime+stime) per GB. A log
#                     that stops growing short of the total for CAP_STALL
#                     s is reported as bytes lost (rate over what arrived)
# The three daemons run side by side, each with its own apps; the phases
# take the tools in turn, interleaving the repeated measurements (list
# runs in blocks of 5, kills, captures, start/stop cycles), so that a
# change in the machine's load (it may be shared) falls on all alike. The
# context switches are sampled for the three daemons over the same window.
# The BIG phase runs one tool at a time (the others have no app then), and
# stops each daemon after.
# Settings: each tool's defaults, except what the workload needs (no log
# rotation during the capture, autorestart on, PM2 restart_delay 0 and
# interpreter none); the notes under the table list them.
#
# usage: bench/compare.sh BUILD_DIR
# env:   SMALL=20 MID=100 BIG=1000 (PM2_BIG, SUP_BIG: per-peer override of
#        BIG) RUNS=20 BIG_RUNS=10 RESPAWNS=10 RESPAWN_GAP=1.5 CYCLES=3
#        CTX_SECS=30 MB=200 REPS=3 CAP_STALL=10 TOOLS="opm pm2 supervisord"
#        OUT=FILE (also write the report there)
set -euo pipefail
export LC_ALL=C

[[ $# -ge 1 ]] || { echo "usage: bench/compare.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
opm=$build/opm
[[ -x $opm && -x $build/opmd ]] || { echo "compare: no opm/opmd in $build" >&2; exit 2; }
command -v pgrep >/dev/null || { echo "compare: needs pgrep (procps)" >&2; exit 2; }

SMALL=${SMALL:-20} MID=${MID:-100} BIG=${BIG:-1000}
PM2_BIG=${PM2_BIG:-$BIG} SUP_BIG=${SUP_BIG:-$BIG}
RUNS=${RUNS:-20} BIG_RUNS=${BIG_RUNS:-10}
RESPAWNS=${RESPAWNS:-10} RESPAWN_GAP=${RESPAWN_GAP:-1.5}
CYCLES=${CYCLES:-3} CTX_SECS=${CTX_SECS:-30} MB=${MB:-200} REPS=${REPS:-3}
CAP_STALL=${CAP_STALL:-10}
TOOLS=${TOOLS:-"opm pm2 supervisord"}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true	# 1000 apps: pipes + logs

work=$(mktemp -d /tmp/opm-compare.XXXXXX)
chmod 700 "$work"
export OPM_HOME=$work/opm PM2_HOME=$work/pm2
unset OPM_RUNTIME_DIR NO_COLOR
sup=$work/sup
supconf=$sup/supervisord.conf
results=$work/results
: >"$results"
sleep_bin=$(command -v sleep)
tag=7777$$			# marks every app process of this run: sleep $tag.N
declare -A tids=([opm]=1 [pm2]=2 [supervisord]=3)	# N = tool id, mark

log() { echo "compare: $(date +%T) $*" >&2; }
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_start=$SECONDS

# --- cleanup: only what this script started ----------------------------
alive() { [[ -n ${1-} ]] && kill -0 "$1" 2>/dev/null; }
mypids()	# app processes of this run, found by their unique arguments
{
	pgrep -f "^($sleep_bin $tag\\.|$work/)" || true
	pgrep -f "^/bin/sh -c date \\+%s\\.%N > $work/" || true
}
cleanup()
{
	local p

	set +e
	if [[ -e $OPM_HOME/opmd.pid ]]; then
		p=$(head -n 1 "$OPM_HOME/opmd.pid")
		"$opm" daemon stop >/dev/null 2>&1
		alive "$p" && kill -9 "$p"
	fi
	if [[ -e $PM2_HOME/pm2.pid ]]; then
		p=$(<"$PM2_HOME/pm2.pid")
		timeout 60 pm2 kill >/dev/null 2>&1
		alive "$p" && kill -9 "$p"
	fi
	if [[ -e $sup/supervisord.pid ]]; then
		p=$(<"$sup/supervisord.pid")
		if alive "$p"; then
			timeout 60 supervisorctl -c "$supconf" shutdown >/dev/null 2>&1
			for ((i = 0; i < 300; i++)); do alive "$p" || break; sleep 0.1; done
			alive "$p" && kill -9 "$p"
		fi
	fi
	for p in $(mypids); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -------------------------------------------------------------
# timeit: bench/timeit.c (fork + exec + wait, ns per run), else bash.
timeit=
if ${CC:-cc} -O2 -o "$work/timeit" "$here/timeit.c" 2>/dev/null; then
	timeit=$work/timeit
fi
# The respawn helper: "pid realtime" appended to FILE, then pause().
stampbin=$work/stamp
if ${CC:-cc} -O2 -x c -o "$stampbin" - 2>/dev/null <<'EOF'
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
	struct timespec t; FILE *f;
	clock_gettime(CLOCK_REALTIME, &t);
	if (argc < 2 || (f = fopen(argv[1], "a")) == NULL) return 1;
	fprintf(f, "%d %lld.%09ld\n", (int)getpid(), (long long)t.tv_sec, t.tv_nsec);
	fclose(f);
	for (;;) pause();
}
EOF
then
	stamp_how="a C helper that writes its pid and CLOCK_REALTIME, then pause()s"
else
	printf '#!/bin/bash\necho "$$ $EPOCHREALTIME" >>"$1"\nexec %s "$2"\n' \
	    "$sleep_bin" >"$stampbin"
	chmod +x "$stampbin"
	stamp_how="a bash script writes \$\$ and EPOCHREALTIME (no C compiler; bash start-up included)"
fi

now() { echo "$EPOCHREALTIME"; }
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
median()	# numbers on stdin -> median
{
	sort -g | awk '{ a[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# Live app processes of mark $1 among the daemon's children (pgrep would
# scan all of /proc: 200 ms on a busy machine); zombies have no cmdline.
count()
{
	local kids

	kids=$(cat /proc/"${dpids[0]}"/task/*/children 2>/dev/null || true)
	if [[ -z ${kids// /} ]]; then
		echo 0
		return
	fi
	(cd /proc && cat $(printf '%s/cmdline ' $kids) 2>/dev/null || true) |
	    { grep -zcxF "$tag.${tids[$tool]}$1" || true; }
}
wait_count()	# MARK N TIMEOUT_S
{
	local deadline=$((SECONDS + $3))

	until [[ $(count "$1") == "$2" ]]; do
		if ((SECONDS > deadline)); then
			log "$tool: $(count "$1") processes of mark $1, want $2 after $3 s"
			return 1
		fi
		sleep 0.005
	done
}
res()	# KEY NUMBER [DISPLAY]
{
	printf '%s\t%s\t%s\t%s\n' "$1" "$tool" "$2" "${3:-$2}" >>"$results"
}
kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
ctxt()	# PID: context switches of every thread
{
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}
ticks()	# PID: utime + stime, clock ticks
{
	local s

	s=$(<"/proc/$1/stat")
	s=${s##*) }
	read -r -a f <<<"$s"
	echo $((f[11] + f[12]))
}
hz=$(getconf CLK_TCK)
sctl() { supervisorctl -c "$supconf" "$@"; }
quiet()	# CMD...: run, output to a file; on failure show it
{
	if ! "$@" >"$work/out" 2>&1; then
		log "$tool: '$*' failed: $(tail -c 400 "$work/out")"
		return 1
	fi
}

# --- one adapter per tool ------------------------------------------------
# daemon pids: dpids (for opm: opmd then the keeper)
up()
{
	case $tool in
	opm)
		quiet "$opm" daemon start
		dpids=("$(head -n 1 "$OPM_HOME/opmd.pid")")
		local k
		for ((i = 0; i < 100; i++)); do
			k=$(pgrep -P "${dpids[0]}" -f -- '--keeper' || true)
			[[ -n $k ]] && break
			sleep 0.02
		done
		[[ -n $k ]] && dpids+=("$k")
		;;
	pm2)
		quiet pm2 ping
		dpids=("$(<"$PM2_HOME/pm2.pid")")
		;;
	supervisord)
		mkdir -p "$sup/conf.d" "$sup/logs"
		cat >"$supconf" <<EOF
[unix_http_server]
file=$sup/supervisor.sock
chmod=0700
[supervisord]
logfile=$sup/supervisord.log
pidfile=$sup/supervisord.pid
childlogdir=$sup/logs
minfds=$(ulimit -n)
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$sup/supervisor.sock
[include]
files = $sup/conf.d/*.conf
EOF
		quiet supervisord -c "$supconf"
		for ((i = 0; i < 200; i++)); do
			sctl pid >/dev/null 2>&1 && break
			sleep 0.05
		done
		dpids=("$(<"$sup/supervisord.pid")")
		;;
	esac
}
down()
{
	alive "${dpids[0]-}" || return 0
	case $tool in
	opm) "$opm" daemon stop >/dev/null 2>&1 || true ;;
	pm2) timeout 120 pm2 kill >/dev/null 2>&1 || true ;;
	supervisord)
		timeout 120 supervisorctl -c "$supconf" shutdown >/dev/null 2>&1 || true
		;;
	esac
	for p in "${dpids[@]}"; do
		for ((i = 0; i < 600; i++)); do alive "$p" || break; sleep 0.1; done
		alive "$p" && kill -9 "$p"
	done
	for p in $(toolpids); do kill -9 "$p" 2>/dev/null || true; done
}
toolpids()	# app processes of this tool, also orphans of a dead daemon
{
	pgrep -f "^($sleep_bin $tag\\.${tids[$tool]}|$stampbin $work/stamp-$tool)" || true
}
sup_update() { quiet sctl reread && quiet sctl update; }
# create N MARK: N apps s0..sN-1 running `sleep $tag.MARK`, started.
create()
{
	local n=$1 mark=$2 i f

	case $tool in
	opm)
		f=$work/opm-apps-$mark.json
		for ((i = 0; i < n; i++)); do
			printf '{"name":"s%d","argv":["%s","%s.%s"]}\n' "$i" "$sleep_bin" "$tag" "${tids[$tool]}$mark"
		done | paste -sd, | sed 's/^/{"apps":[/; s/$/]}/' >"$f"
		quiet "$opm" start "$f"
		;;
	pm2)
		f=$work/pm2-apps-$mark.json
		for ((i = 0; i < n; i++)); do
			printf '{"name":"s%d","script":"%s","args":["%s.%s"],"interpreter":"none","autorestart":true,"restart_delay":0}\n' \
			    "$i" "$sleep_bin" "$tag" "${tids[$tool]}$mark"
		done | paste -sd, | sed 's/^/{"apps":[/; s/$/]}/' >"$f"
		quiet pm2 start "$f"
		;;
	supervisord)
		for ((i = 0; i < n; i++)); do
			printf '[program:s%d]\ncommand=%s %s.%s\nautorestart=true\n' \
			    "$i" "$sleep_bin" "$tag" "${tids[$tool]}$mark"
		done >"$sup/conf.d/apps.conf"
		sup_update
		;;
	esac
}
remove_all()
{
	case $tool in
	opm)
		if "$opm" list --json | grep -q '"id"'; then
			quiet "$opm" delete all
		fi
		;;
	pm2) pm2 delete all >/dev/null 2>&1 || true ;;	# fails with no app
	supervisord)
		# `update` removes running groups one by one, ~1 s each: stop
		# them all first (in parallel), then remove
		sctl stop all >/dev/null 2>&1 || true
		rm -f "$sup/conf.d/"*.conf
		sup_update
		;;
	esac
	local deadline=$((SECONDS + 120))
	while [[ $(toolpids | wc -l) != 0 ]]; do
		((SECONDS < deadline)) || { log "$tool: apps left after remove"; return 1; }
		sleep 0.02
	done
}
# VERB (start or stop) every app, one command.
all_apps()
{
	case $tool in
	opm) quiet "$opm" "$1" all ;;
	pm2) quiet pm2 "$1" all ;;
	supervisord) quiet sctl "$1" all ;;
	esac
}
listcmd()
{
	case $tool in
	opm) lcmd=("$opm" list --json) ;;
	pm2) lcmd=(pm2 jlist) ;;
	supervisord) lcmd=(supervisorctl -c "$supconf" status) ;;
	esac
}
add_crash()	# FILE MARKARG (MARKARG: what the bash fallback execs sleep with)
{
	case $tool in
	opm) quiet "$opm" start --name crash "$stampbin" "$1" "$2" ;;
	pm2)
		printf '{"apps":[{"name":"crash","script":"%s","args":["%s","%s"],"interpreter":"none","autorestart":true,"restart_delay":0}]}\n' \
		    "$stampbin" "$1" "$2" >"$work/pm2-crash.json"
		quiet pm2 start "$work/pm2-crash.json"
		;;
	supervisord)
		printf '[program:crash]\ncommand=%s %s %s\nautorestart=true\n' \
		    "$stampbin" "$1" "$2" >"$sup/conf.d/crash.conf"
		sup_update
		;;
	esac
}
# start_capture NAME GEN: the app `sh -c GEN`, no restart, no rotation;
# sets logf.
start_capture()
{
	local name=$1 gen=$2

	case $tool in
	opm)
		logf=$OPM_HOME/logs/$name-out.log
		quiet "$opm" start --name "$name" --restart never --log-max-size 1G "$gen"
		;;
	pm2)
		logf=$PM2_HOME/logs/$name-out.log
		quiet pm2 start /bin/sh --name "$name" --interpreter none --no-autorestart -- -c "$gen"
		;;
	supervisord)
		logf=$sup/logs/$name-out.log
		# ConfigParser interpolation: % is written %%
		printf '[program:%s]\ncommand=/bin/sh -c "%s"\nautostart=false\nautorestart=false\nstartsecs=0\nstdout_logfile=%s\nstdout_logfile_maxbytes=0\n' \
		    "$name" "${gen//%/%%}" "$logf" >"$sup/conf.d/$name.conf"
		sup_update
		quiet sctl start "$name"
		;;
	esac
}

# --- the workload -------------------------------------------------------
# The phases run the tools in turn (interleaved where a metric repeats), so
# that a change in the machine's load falls on every tool alike. Each step
# runs in a subshell with errexit: a tool that fails is stopped and left
# out of the later steps; its missing rows say 'failed'. Raw samples go to
# $work/s-TOOL-KEY, one per line.
sample() { echo "$2" >>"$work/s-$tool-$1"; }	# KEY VALUE
samples() { cat "$work/s-$tool-$1" 2>/dev/null || true; }
list_block()	# KEY N WARMUP: N timed runs of the tool's list command
{
	local key=$1 n=$2 warm=$3 i t

	listcmd
	if [[ -n $timeit ]]; then
		if ((warm)); then
			"$timeit" "$warm" "${lcmd[@]}" >/dev/null || timeit=
		fi
		if [[ -n $timeit ]] && "$timeit" "$n" "${lcmd[@]}" >"$work/times"; then
			awk '{ printf "%.3f\n", $1 / 1e6 }' "$work/times" >>"$work/s-$tool-$key"
			return
		fi
		log "$tool: ${lcmd[*]} failed under timeit (exit status); bash loop instead"
	fi
	for ((i = 0; i < n + warm; i++)); do
		t=$EPOCHREALTIME
		"${lcmd[@]}" >/dev/null 2>&1 || true
		((i < warm)) || sample "$key" "$(ms_since "$t")"
	done
}
rss_res()	# KEY [NOTE]: a NOTE means no ratio (another app count)
{
	local a b v d

	a=$(kb "${dpids[0]}")
	v=$(awk "BEGIN { printf \"%.1f\", $a / 1024 }")
	d=$v
	if [[ $tool == opm && -n ${dpids[1]-} ]]; then
		b=$(kb "${dpids[1]}")
		v=$(awk "BEGIN { printf \"%.1f\", ($a + $b) / 1024 }")
		d=$(awk "BEGIN { printf \"%.1f (opmd %.1f + keeper %.1f)\", ($a + $b) / 1024, $a / 1024, $b / 1024 }")
	fi
	if [[ -n ${2-} ]]; then
		res "$1" nan "$d ($2)"
	else
		res "$1" "$v" "$d"
	fi
}
st_up() { up; echo "${dpids[*]}" >"$work/dp-$tool"; sleep 1; }
st_create()	# N MARK [KEY]: create N apps, wait for them; KEY: record ms
{
	local t0=$EPOCHREALTIME

	create "$1" "$2"
	wait_count "$2" "$1" 900
	[[ -z ${3-} ]] || sample "$3" "$(ms_since "$t0")"
}
st_crash_add()
{
	local sf=$work/stamp-$tool i

	add_crash "$sf" "$tag.${tids[$tool]}9"
	for ((i = 0; i < 600; i++)); do [[ -s $sf ]] && return; sleep 0.05; done
	log "$tool: the respawn app did not start"
	return 1
}
st_crash_kill()	# one kill -9, one latency sample
{
	local sf=$work/stamp-$tool n pid start t0 new i wait

	n=$(wc -l <"$sf")
	read -r pid start < <(tail -n 1 "$sf")
	# up RESPAWN_GAP s at least: past every tool's min uptime / startsecs
	wait=$(awk -v s="$start" -v now="$EPOCHREALTIME" -v g="$RESPAWN_GAP" \
	    'BEGIN { w = s + g - now; printf "%.3f", (w > 0 ? w : 0) }')
	sleep "$wait"
	t0=$EPOCHREALTIME
	kill -9 "$pid"
	for ((i = 0; i < 3000; i++)); do
		(($(wc -l <"$sf") > n)) && break
		sleep 0.01
	done
	(($(wc -l <"$sf") > n)) || { log "$tool: no respawn after 30 s"; return 1; }
	read -r _ new < <(tail -n 1 "$sf")
	sample respawn "$(awk -v a="$t0" -v b="$new" 'BEGIN { printf "%.3f", (b - a) * 1000 }')"
}
st_capture()	# REP: one capture of MB megabytes
{
	local bytes=$((MB * 1000000)) line sfile c=0 p s a b last=-1 grew

	line=$(printf '%099d' 0)
	sfile=$work/capstart-$tool-$1
	for p in "${dpids[@]}"; do c=$((c - $(ticks "$p"))); done
	start_capture "cap$1" "date +%s.%N > $sfile; yes $line | head -c $bytes"
	# until every byte is there, or the file stopped growing CAP_STALL s
	# ago (bytes lost: the rate counts what arrived, up to its last growth)
	while :; do
		s=$(stat -c %s -- "$logf" 2>/dev/null || echo 0)
		((s >= bytes)) && break
		if ((s != last)); then
			last=$s grew=$SECONDS b=$EPOCHREALTIME
		elif ((SECONDS - grew > CAP_STALL)); then
			log "$tool: $logf stopped at $s of $bytes bytes ($((bytes - s)) lost)"
			sample cap_lost "$((bytes - s))"
			break
		fi
		sleep 0.005
	done
	((s < bytes)) || b=$EPOCHREALTIME
	for p in "${dpids[@]}"; do c=$((c + $(ticks "$p"))); done
	((s <= bytes)) || log "$tool: $logf holds $s bytes, expected $bytes"
	a=$(<"$sfile")
	((s > 0)) || { log "$tool: nothing captured"; return 1; }
	sample cap "$(awk -v a="$a" -v b="$b" -v s="$s" 'BEGIN { printf "%.2f", s / 1e6 / (b - a) }')"
	sample cap_cpu "$(awk -v t="$c" -v hz="$hz" -v s="$s" 'BEGIN { printf "%.3f", t / hz / (s / 1e9) }')"
	remove_all
	rm -f "$logf"
}
st_cycle()	# one `stop all` then one `start all` of the MID apps (mark 2)
{
	local t0

	t0=$EPOCHREALTIME
	all_apps stop
	wait_count 2 0 300
	sample stop_mid "$(ms_since "$t0")"
	t0=$EPOCHREALTIME
	all_apps start
	wait_count 2 "$MID" 300
	sample start_mid "$(ms_since "$t0")"
}
st_big()	# BIG apps alone: create + start, RSS, list; then removed
{
	local big=$BIG note= t

	case $tool in
	pm2) big=$PM2_BIG ;;
	supervisord) big=$SUP_BIG ;;
	esac
	[[ $big == "$BIG" ]] || note="$big apps"
	log "$tool: $big apps: create + start"
	t0=$EPOCHREALTIME
	create "$big" 3
	wait_count 3 "$big" 900
	t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	if [[ -n $note ]]; then res create_big nan "$t ($note)"; else res create_big "$t"; fi
	sleep 3
	rss_res rss_big "$note"
	log "$tool: list round trip, $big apps, $BIG_RUNS runs"
	list_block list_big "$BIG_RUNS" 1
	t=$(samples list_big | median | awk '{ printf "%.1f", $1 }')
	if [[ -n $note ]]; then res list_big nan "$t ($note)"; else res list_big "$t"; fi
	log "$tool: stopping the daemon and its $big apps"
	down
}
st_finish()	# medians of the samples -> results
{
	local v

	v=$(samples list_small | median | awk '{ printf "%.2f", $1 }')
	res list_small "$v"
	if [[ -n $(samples respawn) ]]; then
		v=$(samples respawn | median | awk '{ printf "%.2f", $1 }')
		res respawn "$v" "$v ($(samples respawn | sort -g | sed -n '1p;$p' |
		    awk '{ printf "%.1f\n", $1 }' | paste -sd-))"
	fi
	v=$(samples cap | median)
	if [[ $v != nan ]]; then
		v=$(awk -v v="$v" 'BEGIN { printf "%.1f", v }')
		if [[ -n $(samples cap_lost) ]]; then
			res cap "$v" "$v (bytes lost in $(samples cap_lost | wc -l) of $(samples cap | wc -l) runs: $(samples cap_lost | paste -sd,))"
		else
			res cap "$v"
		fi
	fi
	v=$(samples cap_cpu | median)
	[[ $v == nan ]] || res cap_cpu "$(awk -v v="$v" 'BEGIN { printf "%.2f", v }')"
	v=$(samples create_mid | median)
	[[ $v == nan ]] || res create_mid "$(awk -v v="$v" 'BEGIN { printf "%.1f", v }')"
	v=$(samples start_mid | median)
	[[ $v == nan ]] || res start_mid "$(awk -v v="$v" 'BEGIN { printf "%.1f", v }')"
	v=$(samples stop_mid | median)
	[[ $v == nan ]] || res stop_mid "$(awk -v v="$v" 'BEGIN { printf "%.1f", v }')"
}

# --- run -----------------------------------------------------------------
declare -A have version
have[opm]=1
version[opm]=$("$opm" version 2>/dev/null | head -n 1 || true)
version[opm]+=", git $(git -C "$here" describe --always --dirty --abbrev=12 2>/dev/null || echo '(no checkout)')"
if command -v pm2 >/dev/null && command -v node >/dev/null; then
	have[pm2]=1
	pm2dir=$(dirname "$(readlink -f "$(command -v pm2)")")/..
	version[pm2]="pm2 $(node -p "require('$pm2dir/package.json').version" 2>/dev/null), node $(node --version)"
fi
if command -v supervisord >/dev/null && command -v supervisorctl >/dev/null; then
	have[supervisord]=1
	version[supervisord]="supervisord $(supervisord --version 2>/dev/null), $(python3 --version 2>/dev/null || true)"
fi
tools=()
for t in opm pm2 supervisord; do
	[[ -n ${have[$t]-} ]] || continue
	if [[ " $TOOLS " == *" $t "* ]]; then
		tools+=("$t")
	else
		have[$t]=
		version[$t]+=" (not run: TOOLS=$TOOLS)"
	fi
done
declare -A failed DP
# step TOOL FN [ARG...]: FN in a subshell with errexit, for one tool.
step()
{
	local t=$1 rc

	shift
	[[ -z ${failed[$t]-} ]] || return 0
	set +e
	(
		set -eE
		tool=$t
		read -r -a dpids <<<"${DP[$t]-}"
		trap 'log "$tool: failed at line $LINENO: $BASH_COMMAND"' ERR
		"$@"
	)
	rc=$?
	set -e
	if ((rc != 0)); then
		failed[$t]=1
		log "$t: aborted (exit $rc); left out from here on"
		tool=$t
		read -r -a dpids <<<"${DP[$t]-}"
		down || true
	fi
	[[ ! -s $work/dp-$t ]] || DP[$t]=$(<"$work/dp-$t")
}
each() { local t; for t in "${tools[@]}"; do step "$t" "$@"; done; }

log "daemons up, idle RSS"
each st_up
each rss_res rss_idle

log "$SMALL sleeping apps each; context switches over $CTX_SECS s, all daemons at once"
each st_create "$SMALL" 1
sleep 3		# past every min uptime / startsecs
declare -A c0
for t in "${tools[@]}"; do
	[[ -z ${failed[$t]-} ]] || continue
	for p in ${DP[$t]}; do c0[$p]=$(ctxt "$p"); done
done
sleep "$CTX_SECS"
for t in "${tools[@]}"; do
	[[ -z ${failed[$t]-} ]] || continue
	tool=$t
	v=() tot=0
	for p in ${DP[$t]}; do
		d=$(( $(ctxt "$p") - c0[$p] ))
		tot=$((tot + d))
		v+=("$(awk -v d="$d" -v s="$CTX_SECS" 'BEGIN { printf "%.1f", d * 60 / s }')")
	done
	tot=$(awk -v d="$tot" -v s="$CTX_SECS" 'BEGIN { printf "%.1f", d * 60 / s }')
	if ((${#v[@]} == 2)); then
		res ctx "$tot" "$tot (opmd ${v[0]} + keeper ${v[1]})"
	else
		res ctx "$tot"
	fi
done

log "list round trip, $SMALL apps, $RUNS runs each, in blocks of 5"
for ((r = 0; r < RUNS; r += 5)); do
	each list_block list_small $((RUNS - r < 5 ? RUNS - r : 5)) $((r == 0 ? 2 : 0))
done

log "respawn latency, $RESPAWNS kills each, interleaved"
each st_crash_add
for ((r = 0; r < RESPAWNS; r++)); do
	each st_crash_kill
done
each remove_all

log "log capture, $MB MB, $REPS runs each, interleaved"
for ((r = 0; r < REPS; r++)); do
	each st_capture "$r"
done

log "$MID apps each: create + start, RSS, stop all / start all x $CYCLES"
each st_create "$MID" 2 create_mid
sleep 3
each rss_res rss_mid
for ((r = 0; r < CYCLES; r++)); do
	each st_cycle
done
each remove_all

log "$BIG apps, one tool at a time, each daemon stopped after"
each st_big
each down	# a no-op unless st_big failed or was left out
for tool in "${tools[@]}"; do	# also what a failed tool measured before
	(st_finish) || log "$tool: summing up failed"
done

# --- the report ------------------------------------------------------------
declare -A num disp
while IFS=$'\t' read -r k t n d; do
	num[$k:$t]=$n
	disp[$k:$t]=$d
done <"$results"
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
report()
{
	local k label t o v

	echo "# opm vs PM2 vs supervisord"
	echo
	echo "machine: $(nproc) cores ($cpu), kernel $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo
	echo "date: $started (took $(( (SECONDS - t_start) / 60 )) min $(( (SECONDS - t_start) % 60 )) s); load average before: $loadavg, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	for t in opm pm2 supervisord; do
		if [[ -n ${version[$t]-} ]]; then
			echo "- $t: ${version[$t]}"
		else
			echo "- $t: not installed (skipped)"
		fi
	done
	echo
	echo "| metric | opm | pm2 | supervisord | pm2/opm | supervisord/opm |"
	echo "|---|---:|---:|---:|---:|---:|"
	while IFS='|' read -r k label; do
		printf '| %s ' "$label"
		for t in opm pm2 supervisord; do
			if [[ -z ${have[$t]-} ]]; then
				printf '| n/a '
			elif [[ -n ${disp[$k:$t]-} ]]; then
				printf '| %s ' "${disp[$k:$t]}"
			elif [[ -n ${failed[$t]-} ]]; then
				printf '| failed '
			else
				printf '| - '
			fi
		done
		o=${num[$k:opm]-}
		for t in pm2 supervisord; do
			v=${num[$k:$t]-}
			if [[ -n $o && -n $v && $o != nan && $v != nan ]]; then
				printf '| %s ' "$(awk -v a="$v" -v b="$o" 'BEGIN {
					if (b == 0) { print (a == 0 ? "=" : "inf"); exit }
					r = a / b; printf (r >= 10 ? "%.0fx" : "%.2fx"), r }')"
			else
				printf '| - '
			fi
		done
		echo "|"
	done <<EOF
list_small|CLI round trip, list ($SMALL apps), median of $RUNS, ms
list_big|CLI round trip, list ($BIG apps), median of $BIG_RUNS, ms
respawn|crash-to-respawn latency, median (min-max) of $RESPAWNS, ms
create_mid|create + start $MID apps from one file, ms
start_mid|start $MID stopped apps (\`start all\`), median of $CYCLES, ms
stop_mid|stop $MID apps (\`stop all\`), median of $CYCLES, ms
create_big|create + start $BIG apps from one file, s
rss_idle|daemon RSS, idle (no app), MB
rss_mid|daemon RSS, $MID apps, MB
rss_big|daemon RSS, $BIG apps, MB
ctx|daemon context switches per minute, $SMALL idle apps ($CTX_SECS s)
cap|log capture, $MB MB of 100-byte lines, MB/s (higher is better)
cap_cpu|daemon CPU during capture, s per GB
EOF
	echo
	cat <<EOF
Ratios are peer/opm: above 1 means opm is lower (faster, smaller), except
for MB/s where above 1 means the peer is faster. MB = 2^20 bytes for RSS,
10^6 bytes for capture.

- The three daemons ran side by side, each with its own apps; repeated
  measurements were interleaved across the tools (list runs in blocks of
  5, kills, captures, start/stop cycles) and context switches sampled over
  the same window, so that load from elsewhere on the machine falls on all
  alike. The $BIG-app phase ran one tool at a time, the others idle.
- Workload: every app is \`$sleep_bin\` executed directly (no shell); the
  respawn app: $stamp_how; the capture app is
  \`sh -c 'date +%s.%N > FILE; yes 0...0 | head -c $((MB * 1000000))'\`
  (the same command line for all three); throughput = bytes / (log file
  complete - the app's own start time), so CLI start-up is not counted;
  a log that stopped growing short of the total for $CAP_STALL s counts as
  bytes lost (the rate then counts the bytes that arrived).
- List round trips: one CLI process per run, spawn included
  ($([[ -n $timeit ]] && echo "bench/timeit.c: fork/exec/wait" || echo "bash EPOCHREALTIME loop")),
  output to /dev/null, after 2 warm-up runs. \`supervisorctl status\`
  prints a text table: supervisorctl has no JSON output.
- Start/stop/create times run until the command returned and the number
  of live app processes (children of the daemon with the run's unique
  \`sleep\` argument, polled every 5 ms) is right.
- opm: defaults (min_uptime 1s, restart_delay 0, backoff only for failed
  starts in a row); the capture app gets \`--restart never --log-max-size
  1G\` (no rotation). RSS and context switches are opmd + its keeper
  process (\`opmd --keeper\`), broken down in the cell.
- pm2: private PM2_HOME, fork mode, \`interpreter: none\`,
  \`autorestart: true\`, \`restart_delay: 0\` (no exp_backoff_restart_delay;
  PM2 defaults otherwise: min_uptime 1000 ms, kill_timeout 1600 ms); the
  capture app \`--no-autorestart\`, no pm2-logrotate (no rotation). The
  daemon measured is the "PM2 God Daemon" node process, all its threads
  for context switches. \`pm2 start all\` restarts stopped apps.
- supervisord: private config, socket, pidfile and logs; one [program]
  per app through an [include] directory, added with \`supervisorctl reread\`
  + \`update\` (that is its "create + start from one file"); defaults
  (startsecs=1, startretries=3, stopwaitsecs=10, AUTO child logs with 50 MB
  rotation) plus autorestart=true; the capture program has
  stdout_logfile_maxbytes=0 (no rotation), startsecs=0. \`supervisorctl
  start\` returns once each process has stayed up startsecs (1 s): that
  wait is in its \`start all\` time by design.
EOF
	if [[ $PM2_BIG != "$BIG" || $SUP_BIG != "$BIG" ]]; then
		echo "- BIG rows: pm2 ran $PM2_BIG apps, supervisord $SUP_BIG (PM2_BIG/SUP_BIG); no ratio where the count differs."
	fi
	for t in "${!failed[@]}"; do
		echo "- $t: the run aborted (see stderr); rows it did not reach say 'failed'."
	done
}
if [[ -n ${OUT-} ]]; then
	report | tee "$OUT"
else
	report
fi
