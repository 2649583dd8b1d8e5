#!/usr/bin/env bash
# The memory sampler's cost (issue 15 item 2): 100 apps with a
# max_memory_restart, then the same 100 without; for each, over SECS
# seconds of nothing happening, the daemon's wake-ups (voluntary context
# switches of all its threads: each one is a return from epoll_wait), the
# sampler's own wake-ups (memory_samples of `opm daemon status`) and the
# CPU the daemon used. One wake-up per interval is wanted, not one per app.
# usage: bench/memory-sampler.sh [BUILD_DIR] [APPS] [SECS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
napps=${2:-100}
secs=${3:-20}
export OPM_HOME OPM_MEMORY_INTERVAL=1s
OPM_HOME=$(mktemp -d /tmp/opm-bench.XXXXXX)
trap '"$build/opm" daemon stop >/dev/null 2>&1 || true; rm -rf "$OPM_HOME"' EXIT
opm() { "$build/opm" "$@"; }

# Voluntary context switches of every thread of pid $1.
switches()
{
	cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches/ {n += $2} END {print n}'
}

# utime + stime of pid $1, clock ticks.
ticks()
{
	awk '{print $14 + $15}' /proc/"$1"/stat
}

# measure LABEL: the figures over $secs seconds, the apps already online.
measure()
{
	local pid s0 s1 m0 m1 t0 t1
	pid=$(opm daemon status --json | jq .pid)
	sleep 2			# let the starts settle
	m0=$(opm daemon status --json | jq .memory_samples)
	s0=$(switches "$pid")
	t0=$(ticks "$pid")
	sleep "$secs"
	s1=$(switches "$pid")
	t1=$(ticks "$pid")
	m1=$(opm daemon status --json | jq .memory_samples)
	# The status request before s0 is not counted, nor the one after s1.
	python3 - "$1" "$napps" "$secs" $((s1 - s0)) $((m1 - m0)) \
	    $((t1 - t0)) "$(getconf CLK_TCK)" <<'PY'
import sys
l, n, d, s, m, t, hz = sys.argv[1], *map(int, sys.argv[2:])
ms = t * 1000 / hz
print("%s: %d apps, %ds: daemon wake-ups %d (%.2f/s), sampler wake-ups %d "
      "(%.2f/s), daemon CPU %.0f ms%s" % (l, n, d, s, s / d, m, m / d, ms,
      " (%.2f ms per sampler wake-up)" % (ms / m) if m else ""))
PY
}

for ((i = 0; i < napps; i++)); do
	opm start --name "m$i" --max-memory-restart 300M sleep 100000 >/dev/null
done
measure "with max_memory_restart (interval 1s)"
opm delete all >/dev/null
for ((i = 0; i < napps; i++)); do
	opm start --name "n$i" sleep 100000 >/dev/null
done
measure "without limits"
