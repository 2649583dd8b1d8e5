#!/usr/bin/env bash
# make bench: the machine and the versions, then ONE table of opm, PM2 and
# supervisord side by side with ratios (bench/compare.sh), then the scaling
# curves of opm at 10 / 100 / 1000 / 10000 apps (bench/scale.sh's rows,
# drawn by bench/plot.sh), then `opm ping` under 1000 crash-looping apps
# and the daemon's wake-ups once they are stopped (bench/crashloop.sh). The load average is taken before and after
# each part. Everything printed also goes to bench/results/DATE.txt, the
# curves to bench/results/DATE-scale.png and docs/img/scale.png (the
# README's picture): commit them together when the README's figures change.
#
# usage: bench/run.sh [BUILD_DIR]
# env:   RESULTS=DIR (bench/results), BENCH_ALL=1 (also opm's own benches:
#        roundtrip, respawn, capture, web-cpu, soak), and compare.sh's and
#        scale.sh's own settings
set -uo pipefail
export LC_ALL=C
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
results=${RESULTS:-$here/results}
stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p "$results" || exit 2
txt=$results/$stamp.txt
png=$results/$stamp-scale.png

load() { cut -d' ' -f1-3 /proc/loadavg; }

# version CMD...: the first line CMD prints, or "not installed".
version()
{
	local v

	command -v "$1" >/dev/null || { echo "not installed"; return; }
	v=$("$@" 2>&1 | head -n 1) || true
	echo "${v:-unknown}"
}

pm2_version()
{
	local dir

	command -v pm2 >/dev/null && command -v node >/dev/null ||
	    { echo "not installed"; return; }
	# Its package.json: `pm2 --version` may start a PM2 daemon.
	dir=$(dirname "$(readlink -f "$(command -v pm2)")")/..
	node -p "require('$dir/package.json').version" 2>/dev/null || echo unknown
}

header()
{
	local commit

	commit=$(git -C "$repo" describe --always --dirty --abbrev=12 2>/dev/null ||
	    echo "no git checkout")
	echo "# make bench, $stamp"
	echo
	echo "- machine: $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
	    "$(nproc) cores, kernel $(uname -r)," \
	    "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min) before: $(load)"
	echo "- opm: git $commit, $("$build/opm" version 2>/dev/null | head -n 1)"
	echo "- pm2: $(pm2_version); node: $(version node --version)"
	echo "- supervisord: $(version supervisord --version); python: $(version python3 --version)"
	echo "- gnuplot: $(version gnuplot --version)"
	echo "- results: $txt"
	echo
}

scaling()
{
	local rows=$results/$stamp-scale.rows rc

	echo "## opm at 10 / 100 / 1000 / 10000 apps (bench/scale.sh)"
	echo
	if [[ ! -x $here/scale.sh ]]; then
		echo "(bench/scale.sh is not in this tree: no scaling curves)"
		return 0
	fi
	echo "load before: $(load)"
	"$here/scale.sh" "$build" >"$rows"
	rc=$?
	if ((rc != 0)); then
		echo "(bench/scale.sh failed: exit $rc; its rows so far:)"
		cat "$rows"
	fi
	echo "load after: $(load)"
	echo
	echo '```'
	# The rows themselves: mode (running, or stopped past the descriptor
	# limit), ping p99, descriptors, CPU times, load.
	cat "$rows"
	echo
	bench_title="opm $(git -C "$repo" describe --always --dirty 2>/dev/null), $stamp,"
	bench_title+=" $(nproc) cores, load $(load)"
	if "$here/plot.sh" "$rows" "$png" "$bench_title"; then
		[[ ! -s $png ]] || cp "$png" "$repo/docs/img/scale.png"
	fi
	echo '```'
	rm -f "$rows"
}

main()
{
	local b

	header
	"$here/compare.sh" "$build" || echo "(compare failed: exit $?)"
	echo
	scaling
	echo
	echo "## opm with 1000 apps crash-looping, then stopped (bench/crashloop.sh, load $(load))"
	echo '```'
	"$here/crashloop.sh" "$build" || echo "(crashloop failed: exit $?)"
	echo '```'
	if [[ ${BENCH_ALL:-} == 1 ]]; then
		for b in roundtrip respawn capture memory-sampler web-cpu; do
			[[ -x $here/$b.sh ]] || continue
			echo
			echo "## $b (load $(load))"
			echo '```'
			"$here/$b.sh" "$build" || echo "($b failed: exit $?)"
			echo '```'
		done
		echo
		echo "## soak (short: 100 apps, 5000 restarts; bench/soak.sh BUILD 1000 100000 for the full one)"
		echo '```'
		"$here/soak.sh" "$build" 100 5000 | tr '\r' '\n' | tail -8
		echo '```'
	fi
	echo
	echo "load average after: $(load)"
}

# Progress and errors go to stderr, the report to stdout and the file.
main | tee "$txt"
