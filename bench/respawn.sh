#!/usr/bin/env bash
# Crash-to-respawn latency: SIGKILL an online app 20 times; for each, the
# time from the daemon reaping it to the daemon having spawned the new
# process, read from the daemon log (millisecond timestamps), and the
# time from kill(2) to a new pid being visible through the CLI.
# usage: bench/respawn.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-20}
export OPM_HOME
OPM_HOME=$(mktemp -d /tmp/opm-bench.XXXXXX)
trap '"$build/opm" daemon stop >/dev/null 2>&1 || true; rm -rf "$OPM_HOME"' EXIT
"$build/opm" start --name r --min-uptime 100ms sleep 100000 >/dev/null
ext=()
for ((i = 0; i < runs; i++)); do
	until [[ $("$build/opm" list --json | jq -r '.[0].status') == online ]]; do
		sleep 0.02
	done
	old=$("$build/opm" list --json | jq '.[0].pid')
	t0=$EPOCHREALTIME
	kill -9 "$old"
	while :; do
		new=$("$build/opm" list --json | jq '.[0].pid')
		[[ $new != null && $new != "$old" ]] && break
	done
	ext+=("$(awk "BEGIN{printf \"%.1f\", ($EPOCHREALTIME - $t0) * 1000}")")
done
python3 - "$OPM_HOME/opmd.log" "${ext[@]}" <<'PY'
import sys, datetime
ts = lambda l: datetime.datetime.strptime(l[:23], "%Y-%m-%dT%H:%M:%S.%f")
k, d = None, []
for l in open(sys.argv[1]):
    if "killed by signal 9" in l: k = ts(l)
    elif "spawned pid" in l and k: d.append((ts(l) - k).total_seconds() * 1000); k = None
e = sorted(float(x) for x in sys.argv[2:])
d.sort()
print("respawn, daemon (reap -> spawned): n=%d median %.1f ms p90 %.1f ms" % (len(d), d[len(d)//2], d[int(len(d)*.9)]))
print("respawn, seen by a CLI (kill -> new pid listed): n=%d median %.1f ms p90 %.1f ms" % (len(e), e[len(e)//2], e[int(len(e)*.9)]))
PY
