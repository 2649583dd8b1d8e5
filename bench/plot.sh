#!/usr/bin/env bash
# The scaling curves of bench/scale.sh as one PNG: list --json time, daemon
# RSS, spawn time and create time against the number of apps, log-log,
# with the goals of issue 19 at 10,000 apps marked. Also prints the rows
# as a table with per-app figures.
#
# Input: the output of bench/scale.sh (FILE, or stdin for -); only its
# rows are read, every other line is ignored. A row is keyed, as scale.sh
# prints it (other keys are ignored, any order):
#	scale N create_ms C list_ms L rss_kb R spawn_ms S ...
# or positional:
#	scale N create_ms list_ms rss_kb spawn_ms
# N a positive integer, the others numbers ("-" for not measured); at
# least two rows. A malformed row is an error naming it (exit 2).
#
# usage: bench/plot.sh FILE|- OUT.png [TITLE]
# Without gnuplot (Debian gnuplot-nox: build-aux/deps.sh bench) the table
# is printed, the PNG is not drawn, and the exit status is 0 (a fresh
# machine's `make bench` must not fail on it); it says so on stderr.
set -euo pipefail
export LC_ALL=C

if (($# < 2 || $# > 3)); then
	echo "usage: bench/plot.sh FILE|- OUT.png [TITLE]" >&2
	exit 2
fi
in=$1 out=$2 title=${3:-opm scaling}
work=$(mktemp -d /tmp/opm-plot.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [[ $in == - ]]; then
	cat >"$work/in"
elif [[ -r $in ]]; then
	cat -- "$in" >"$work/in"
else
	echo "plot: cannot read $in" >&2
	exit 2
fi

# The rows, checked, sorted by N: "N create list rss_mb spawn", "-" kept;
# more columns after those five (bench/scale.sh prints ping p99, fds, CPU
# times and the load) are left for the table of the results file.
awk -v stopfile="$work/stopped" \
    -v num='^([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$' '
$1 != "scale" { next }
# A keyed row becomes the positional one.
$3 ~ /^[a-z]/ {
	split("", kv)
	for (i = 3; i < NF; i += 2)
		kv[$i] = $(i + 1)
	row = $0
	k = split("create_ms list_ms rss_kb spawn_ms", want, " ")
	for (i = 1; i <= k; i++)
		if (!(want[i] in kv)) {
			printf "plot: line %d: no %s in \"%s\"\n", NR, want[i],
			    row > "/dev/stderr"
			bad = 1
			exit 2
		}
	# Rows past the descriptor limit are measured with stopped apps.
	if (kv["mode"] == "stopped")
		stopped = stopped (stopped == "" ? "" : ", ") $2
	$0 = "scale " $2 " " kv["create_ms"] " " kv["list_ms"] " " \
	    kv["rss_kb"] " " kv["spawn_ms"]
}
{
	if (NF < 6 || $2 !~ /^[1-9][0-9]*$/) {
		printf "plot: line %d: want \"scale N create_ms list_ms " \
		    "rss_kb spawn_ms\", got \"%s\"\n", NR, $0 > "/dev/stderr"
		bad = 1
		exit 2
	}
	for (i = 3; i <= 6; i++)
		if ($i != "-" && $i !~ num) {
			printf "plot: line %d: field %d is \"%s\", not a " \
			    "number or -\n", NR, i, $i > "/dev/stderr"
			bad = 1
			exit 2
		}
	rss = $5 == "-" ? "-" : sprintf("%.2f", $5 / 1024)
	print $2, $3, $4, rss, $6
	n++
}
END {
	if (bad)
		exit 2
	printf "%s", stopped > stopfile
	if (n < 2) {
		printf "plot: %d scale row(s); need at least 2 (N = 10 100 " \
		    "1000 10000)\n", n > "/dev/stderr"
		exit 2
	}
}' "$work/in" | sort -n -k1,1 >"$work/rows" || exit 2

# The table: per-app figures say whether a cost grows with N.
printf '%8s %12s %10s %14s %10s %10s %12s\n' apps create_ms list_ms \
    "list_us/app" rss_MB "rss_kB/app" spawn_ms
awk '{
	pa = $3 == "-" ? "-" : sprintf("%.1f", $3 * 1000 / $1)
	ra = $4 == "-" ? "-" : sprintf("%.1f", $4 * 1024 / $1)
	printf "%8d %12s %10s %14s %10s %10s %12s\n", $1, $2, $3, pa, $4, ra, $5
}' "$work/rows"

if ! command -v gnuplot >/dev/null; then
	echo "plot: no gnuplot (apt-get install gnuplot-nox, or" \
	    "build-aux/deps.sh bench): $out not drawn" >&2
	exit 0
fi

stopped=$(cat "$work/stopped" 2>/dev/null || true)
created="create + start N apps from one app file"
[[ -z $stopped ]] || created+=" (N = $stopped: created stopped)"

# gnuplot reads "-" as missing with this datafile setting.
cat >"$work/plot.gp" <<EOF
set terminal pngcairo size 1200,900 font "DejaVu Sans,10"
set output "$out"
set datafile missing "-"
set logscale xy
set xrange [5:20000]
set xtics ("10" 10, "100" 100, "1000" 1000, "10000" 10000)
set grid xtics ytics mytics
set key top left
set xlabel "apps"
set pointsize 1.3
set multiplot layout 2,2 title "$(printf '%s' "$title" | sed 's/"/\\"/g')"
set title "opm list --json round trip (CLI spawn included)"
set ylabel "ms"
plot "$work/rows" using 1:3 with linespoints lw 2 pt 7 title "list --json", \
     '+' using (10000):(50) every ::0::0 with points pt 2 ps 2.5 lc rgb "red" title "goal: 50 ms at 10000"
set title "daemon RSS (opmd + its keeper)"
set ylabel "MB"
plot "$work/rows" using 1:4 with linespoints lw 2 pt 7 title "RSS", \
     '+' using (10000):(40) every ::0::0 with points pt 2 ps 2.5 lc rgb "red" title "goal: 40 MB at 10000"
set title "spawn time"
set ylabel "ms"
plot "$work/rows" using 1:5 with linespoints lw 2 pt 7 title "spawn"
set title "$created"
set ylabel "ms"
plot "$work/rows" using 1:2 with linespoints lw 2 pt 7 title "create", \
     '+' using (10000):(2000) every ::0::0 with points pt 2 ps 2.5 lc rgb "red" title "goal: 2 s at 10000"
unset multiplot
EOF
if ! gnuplot "$work/plot.gp" 2>"$work/gp.err"; then
	echo "plot: gnuplot failed: $(head -n 3 "$work/gp.err" | paste -sd' ')" >&2
	exit 1
fi
echo "plot: wrote $out"
