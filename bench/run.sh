#!/usr/bin/env bash
# make bench: every benchmark in bench/, one after the other.
# usage: bench/run.sh [BUILD_DIR]
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "machine: $(nproc) cores, $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
for b in roundtrip respawn capture memory-sampler compare web-cpu; do
	[[ -x $here/$b.sh ]] || continue
	echo "== $b"
	"$here/$b.sh" "$build" || echo "($b failed: exit $?)"
done
echo "== soak (short: 100 apps, 5000 restarts; bench/soak.sh BUILD 1000 100000 for the full one)"
"$here/soak.sh" "$build" 100 5000 | tr '\r' '\n' | tail -8
