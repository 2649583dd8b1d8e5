#!/usr/bin/env bash
# Capture throughput: an app writes MB megabytes (default 200, 1 MB = 10^6
# bytes) of 100-byte lines as fast as it can (yes | head -c, run by sh -c);
# we time from the start until every byte is in the log file (polling its
# size), and report MB/s and the daemon's CPU time (utime + stime from
# /proc/PID/stat, before and after) per GB captured. Rows:
#   cat           the same generator piped into `cat > file`: the same
#                 pipe-then-file path with nothing but a copy (the limit);
#                 its CPU column is cat's own CPU time
#   opm           opm start, log file NAME-out.log
#   opm --log-time  the same with a timestamp on every line (+25 bytes/line)
#   opm + follower  opm with `opm logs NAME --follow | wc -l` reading
#                 every line (the lines it got are printed under the table)
#   opm --log-time + follower  both
#   opm + stuck reader  opm with a `logs --follow` client that never reads
#                 (needs python3)
#   pm2           the same under PM2 if `pm2` is on PATH (never installed)
# Each row is the median of REPS runs (default 3), taken in rounds; the CPU column is the
# daemon's own (all its threads), and a row's "x cat" is its throughput
# over cat's.
# usage: bench/capture.sh [BUILD_DIR] [MB]
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
mb=${2:-200}
reps=${REPS:-3}
opm=$build/opm
bytes=$((mb * 1000000))
lines=$((bytes / 100))
line=$(printf '%099d' 0)
gen="yes $line | head -c $bytes"
hz=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/opm-bench.XXXXXX)
export OPM_HOME=$work/opm
cleanup()
{
	"$opm" daemon stop >/dev/null 2>&1 || true
	if [[ -n ${PM2_HOME-} ]] && command -v pm2 >/dev/null; then
		pm2 kill >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

now() { echo "${EPOCHREALTIME/[.,]/}"; }	# microseconds

# CPU time of PID in clock ticks (utime + stime, fields 14 and 15).
cpu_ticks()
{
	local s

	s=$(<"/proc/$1/stat")
	s=${s##*) }		# fields from 3 on
	read -r -a f <<<"$s"
	echo $(( f[11] + f[12] ))
}

# Waits until PATH holds SIZE bytes; prints the time then (us) or fails.
# bench/waitsize.c when a compiler is there, else a bash loop.
waitsize=
if ${CC:-cc} -O2 -o "$work/waitsize" "$(dirname "$0")/waitsize.c" 2>/dev/null
then
	waitsize=$work/waitsize
fi
wait_size()
{
	[[ -z $waitsize ]] || { "$waitsize" "$1" "$2"; return; }

	local path=$1 size=$2 deadline=$(( $(now) + 120000000 )) s

	while :; do
		s=$(stat -c %s -- "$path" 2>/dev/null || echo 0)
		if (( s >= size )); then
			now
			(( s == size )) ||
			    echo "capture: $path: $s bytes, expected $size" >&2
			return 0
		fi
		if (( $(now) > deadline )); then
			echo "capture: $path: only $s of $size bytes after 120 s" >&2
			return 1
		fi
		sleep 0.005
	done
}

median()
{
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# Prints one table row: WHAT, list of microsecond times, list of CPU ticks;
# the throughput is also given against cat's (cat_us, once measured).
cat_us=
row()
{
	local what=$1 us=$2 ticks=${3-}

	awk -v w="$what" -v us="$us" -v b="$bytes" -v t="$ticks" -v hz="$hz" \
	    -v cat="$cat_us" '
	BEGIN {
		s = us / 1e6
		cpu = t == "" ? "-" : sprintf("%.2f", t / hz / (b / 1e9))
		ratio = cat == "" ? "-" : sprintf("%.2f", cat / us)
		printf "%-26s %8.2f %9.1f %6s %9s\n", w, s, b / 1e6 / s, ratio,
		    cpu
	}'
}

results=()

# Rounds interleave the rows (cat, then each opm variant, REPS times), so
# that load from elsewhere falls on all of them alike.

# --- cat: the physical limit --------------------------------------------
# cat is the only child of a subshell whose `times` then gives cat's CPU.
mkfifo "$work/fifo"
declare -A times ticks got
cat_once()
{
	local t0 t1 cpu

	rm -f "$work/cat.out"
	t0=$(now)
	sh -c "$gen" >"$work/fifo" &
	cpu=$( (cat <"$work/fifo" >"$work/cat.out"; times) | tail -n 1)
	t1=$(now)
	wait
	[[ $(stat -c %s "$work/cat.out") == "$bytes" ]] ||
	    { echo "capture: cat wrote a wrong size" >&2; exit 1; }
	rm -f "$work/cat.out"
	times[cat]+=" $((t1 - t0))"
	# "0m0.057s 0m0.266s" -> clock ticks
	ticks[cat]+=" $(awk -v hz="$hz" '{
		split($1, u, /[ms]/); split($2, y, /[ms]/)
		printf "%d", ((u[1] + y[1]) * 60 + u[2] + y[2]) * hz + 0.5
	}' <<<"$cpu")"
}

# --- opm: plain, with timestamps, with followers ------------------------
# The stuck follower sends `logs NAME --follow`, reads the reply (it is
# registered then) and never reads again.
stuck_py='
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"{\"v\":1,\"id\":1,\"cmd\":\"logs\",\"args\":"
    b"{\"target\":[\"" + sys.argv[2].encode() + b"\"],\"follow\":true}}\n")
buf = b""
while b"\n" not in buf:
    buf += s.recv(1)
open(sys.argv[3], "w").close()
time.sleep(600)
'
variants=(plain stamped follow stamped-follow)
if command -v python3 >/dev/null; then
	variants+=(stuck)
fi

# Clients connected to the daemon (`daemon status` counts itself).
clients()
{
	"$opm" daemon status --json | tr -d ' \t' |
	    sed -n 's/^"clients":\([0-9]*\).*/\1/p'
}

# One run of VARIANT (round R) under the daemon dpid.
opm_once()
{
	local variant=$1 r=$2 name opts size spid c0 c1 t0 t1 i

	opts=(--restart never --log-max-size 1G)
	size=$bytes
	if [[ $variant == stamped* ]]; then
		opts+=(--log-time)
		size=$((bytes + lines * 25))	# "YYYY-MM-DDTHH:MM:SS.mmmZ "
	fi
	name=cap-$variant-$r
	spid=
	if [[ $variant == stuck || $variant == *follow ]]; then
		"$opm" start --name "$name" --no-autostart "${opts[@]}" \
		    "$gen" >/dev/null
		if [[ $variant == stuck ]]; then
			python3 -c "$stuck_py" "$OPM_HOME/opmd.sock" "$name" \
			    "$work/ready" &
			spid=$!
			for ((i = 0; i < 1000; i++)); do
				[[ -e $work/ready ]] && break
				sleep 0.01
			done
			rm -f "$work/ready"
		else
			# The CLI follower (its request is in once the daemon
			# counts its connection: the request is sent at once).
			"$opm" logs "$name" --follow 2>/dev/null \
			    > >(wc -l >"$work/lines") &
			spid=$!
			for ((i = 0; i < 1000; i++)); do
				(( $(clients) >= 2 )) && break
				sleep 0.01
			done
		fi
	fi
	c0=$(cpu_ticks "$dpid")
	t0=$(now)
	if [[ -n $spid ]]; then
		"$opm" start "$name" >/dev/null
	else
		"$opm" start --name "$name" "${opts[@]}" "$gen" >/dev/null
	fi
	t1=$(wait_size "$OPM_HOME/logs/$name-out.log" "$size")
	c1=$(cpu_ticks "$dpid")
	times[$variant]+=" $((t1 - t0))"
	ticks[$variant]+=" $((c1 - c0))"
	if [[ -n $spid && $variant == *follow ]]; then
		# What the follower has not read a second after the file is
		# whole is not counted.
		sleep 1
		kill "$spid"
		wait "$spid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			[[ -s $work/lines ]] && break
			sleep 0.01
		done
		got[$variant]+=" $(<"$work/lines")"
		rm -f "$work/lines"
	elif [[ -n $spid ]]; then
		kill "$spid"
		wait "$spid" 2>/dev/null || true
	fi
	"$opm" delete "$name" >/dev/null
	rm -f "$OPM_HOME/logs/$name-"*
}

"$opm" ping >/dev/null
dpid=$(head -n 1 "$OPM_HOME/opmd.pid")
for ((r = 0; r < reps; r++)); do
	cat_once
	for variant in "${variants[@]}"; do
		opm_once "$variant" "$r"
	done
done
# shellcheck disable=SC2086
cat_us=$(median ${times[cat]})
# shellcheck disable=SC2086
results+=("$(row cat "$cat_us" "$(median ${ticks[cat]})")")
for variant in "${variants[@]}"; do
	case $variant in
	plain)	what=opm ;;
	stamped) what="opm --log-time" ;;
	follow)	what="opm + follower" ;;
	stamped-follow) what="opm --log-time + follower" ;;
	stuck)	what="opm + stuck reader" ;;
	esac
	# shellcheck disable=SC2086
	results+=("$(row "$what" "$(median ${times[$variant]})" \
	    "$(median ${ticks[$variant]})")")
done
"$opm" daemon stop >/dev/null

# --- pm2, if installed -----------------------------------------------------
if command -v pm2 >/dev/null; then
	export PM2_HOME=$work/pm2
	pm2 ping >/dev/null
	ppid=$(<"$PM2_HOME/pm2.pid")
	times=() ticks=() lost=
	for ((r = 0; r < reps; r++)); do
		name=cap$r
		c0=$(cpu_ticks "$ppid")
		t0=$(now)
		pm2 start /bin/sh --name "$name" --interpreter none \
		    --no-autorestart -- -c "$gen" >/dev/null
		# PM2 has been seen to lose the end of the output: a row
		# that says so, not an aborted benchmark.
		t1=$(wait_size "$PM2_HOME/logs/$name-out.log" "$bytes") ||
		    lost=$(stat -c %s "$PM2_HOME/logs/$name-out.log")
		c1=$(cpu_ticks "$ppid")
		times+=($((t1 - t0)))
		ticks+=($((c1 - c0)))
		pm2 delete "$name" >/dev/null
		rm -f "$PM2_HOME/logs/$name-"*
		[[ -z $lost ]] || break
	done
	if [[ -n $lost ]]; then
		results+=("$(printf '%-26s %s' pm2 "lost output: $lost of \
$bytes bytes in run $((r + 1))")")
	else
		results+=("$(row pm2 "$(median "${times[@]}")" \
		    "$(median "${ticks[@]}")")")
	fi
	pm2 kill >/dev/null
else
	results+=("$(printf '%-26s %s' pm2 'skipped: pm2 is not on PATH')")
fi

echo "capture of $mb MB in 100-byte lines, median of $reps runs ($(nproc) CPUs)"
printf '%-26s %8s %9s %6s %9s\n' what seconds MB/s "x cat" "CPU s/GB"
printf '%s\n' "${results[@]}"
for variant in follow stamped-follow; do
	echo "$variant: the follower got${got[$variant]} of $lines lines"
done
