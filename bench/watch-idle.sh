#!/usr/bin/env bash
# Watch costs nothing while nothing changes: N watched apps (cheap sleepers,
# each watching a small tree of its own), then the daemon's context
# switches (voluntary + involuntary, all its threads, from /proc) over
# SECONDS of nothing happening: every wake-up of its loop is one, so 0 is
# zero wake-ups. Then one save in each tree, to show the counter moves.
# usage: bench/watch-idle.sh [BUILD_DIR] [N] [SECONDS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-100}
secs=${3:-5}
export OPM_HOME
OPM_HOME=$(mktemp -d /tmp/opm-bench.XXXXXX)
trees=$(mktemp -d /tmp/opm-bench-trees.XXXXXX)
trap '"$build/opm" daemon stop >/dev/null 2>&1 || true; rm -rf "$OPM_HOME" "$trees"' EXIT

# The daemon's context switches so far, all its threads.
switches()
{
	local t s=0 v

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

{
	echo '{"apps": ['
	for ((i = 0; i < n; i++)); do
		mkdir -p "$trees/app$i/src/lib" "$trees/app$i/node_modules/x"
		echo "// $i" >"$trees/app$i/src/index.js"
		(( i > 0 )) && echo ','
		printf '{"name": "w%d", "argv": ["sleep", "100000"], "cwd": "%s", "watch": true}' \
		    "$i" "$trees/app$i"
	done
	echo ']}'
} >"$trees/apps.json"
"$build/opm" start "$trees/apps.json" >/dev/null
until [[ $("$build/opm" list --json | jq '[.[] | select(.status == "online")] | length') == "$n" ]]; do
	sleep 0.1
done
d=$(head -n1 "$OPM_HOME/opmd.pid")
dirs=$("$build/opm" info --json w0 | jq .watch.directories)
# Let min_uptime and the start's last events pass.
sleep 2
a=$(switches "$d")
sleep "$secs"
b=$(switches "$d")
echo "watch idle: $n apps watched ($dirs directories each), daemon pid $d:" \
    "$((b - a)) context switches in ${secs}s of no change"
for ((i = 0; i < n; i++)); do
	echo "// saved" >>"$trees/app$i/src/index.js"
done
sleep 5
c=$(switches "$d")
echo "watch busy: one save in each of the $n trees: $((c - b)) context" \
    "switches in the next 5s, $("$build/opm" list --json |
    jq '[.[].restarts_by_cause.watch] | add') watch restarts"
