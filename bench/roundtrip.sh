#!/usr/bin/env bash
# Round trip of the CLI as users feel it (spawn of opm included): median,
# p90, min and mean of `opm ping`, `opm list --json` and `opm list` over
# RUNS runs each, with APPS sleeping apps online, in a private OPM_HOME.
# Also: the cost of spawning /bin/true (the floor), a ping over one
# persistent connection (the daemon alone), and the daemon's RSS.
# Each command takes turns with /bin/true, run by run, and its "over
# true" column is its median less the median of those /bin/true runs: the
# figure issue 19 sets a bound on, as steady as this machine allows.
# With BASE_BUILD_DIR (an older build, say `git worktree add /tmp/old main`
# and `make BUILD=/tmp/old/build`), its opm takes turns too, against the
# same daemon (this build's), and gets a "(base)" row under each.
# usage: bench/roundtrip.sh BUILD_DIR [RUNS] [APPS] [BASE_BUILD_DIR]
#        (defaults 500, 20, none)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-500}
napps=${3:-20}
base=
[[ -z ${4:-} ]] || base=$(cd "$4" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
opm=$build/opm
[[ -x $opm && -x $build/opmd ]] || { echo "roundtrip: no opm/opmd in $build" >&2; exit 2; }
[[ -z $base || -x $base/opm ]] || { echo "roundtrip: no opm in $base" >&2; exit 2; }

export OPM_HOME
OPM_HOME=$(mktemp -d /tmp/opm-bench.XXXXXX)
work=$(mktemp -d /tmp/opm-bench-work.XXXXXX)
unset OPM_RUNTIME_DIR NO_COLOR
cleanup()
{
	"$opm" daemon stop >/dev/null 2>&1 || true
	rm -rf "$OPM_HOME" "$work"
}
trap cleanup EXIT

# The timing loop: a tiny C program (fork + exec + wait per run), or
# python when there is no compiler.
py=/usr/bin/python3
[[ -x $py ]] || py=$(command -v python3 || true)
if ${CC:-cc} -O2 -o "$work/timeit" "$here/timeit.c" 2>"$work/cc.err"; then
	timeit() { "$work/timeit" "$@"; }
	how="C fork/exec/wait loop"
elif [[ -n $py ]]; then
	timeit()
	{
		"$py" -c '
import subprocess, sys, time
n = int(sys.argv[1])
cmds, cur = [], []
for a in sys.argv[2:]:
    if a == ":::":
        cmds.append(cur)
        cur = []
    else:
        cur.append(a)
cmds.append(cur)
for _ in range(n):
    for j, c in enumerate(cmds):
        t = time.monotonic_ns()
        subprocess.run(c, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        d = time.monotonic_ns() - t
        print(f"{j} {d}" if len(cmds) > 1 else d)
' "$@"
	}
	how="python subprocess loop (no C compiler)"
else
	echo "roundtrip: need cc or python3" >&2
	exit 2
fi

# stats < nanoseconds: "median p90 min mean" in ms.
stats()
{
	sort -n | awk '
	{ v[NR] = $1; sum += $1 }
	END {
		if (NR == 0) { print "- - - -"; exit }
		med = v[int((NR - 1) * 0.5) + 1]
		p = int(NR * 0.9 + 0.999999); if (p < 1) p = 1
		printf "%.3f %.3f %.3f %.3f\n", med / 1e6, v[p] / 1e6, v[1] / 1e6, sum / NR / 1e6
	}'
}

kb()	# FIELD: VmRSS or VmHWM of the daemon, in kB
{
	awk -v f="$1:" '$1 == f {print $2}' "/proc/$dpid/status"
}

"$opm" daemon start >/dev/null
dpid=$(head -n 1 "$OPM_HOME/opmd.pid")
rss_empty=$(kb VmRSS)

for ((i = 0; i < napps; i++)); do
	"$opm" start --name "sleep$i" sleep 100000 >/dev/null
done
deadline=$((SECONDS + 30))
until [[ $("$opm" list --json | jq '[.[] | select(.status == "online")] | length') == "$napps" ]]; do
	(( SECONDS < deadline )) || { echo "roundtrip: apps not online" >&2; exit 1; }
	sleep 0.1
done
rss_apps=$(kb VmRSS)

declare -a rows
# med < "INDEX NS" lines: the median of INDEX's runs, in ns.
med()
{
	awk -v k="$1" '$1 == k {print $2}' | sort -n |
	    awk '{ v[NR] = $1 } END { print NR ? v[int((NR - 1) * 0.5) + 1] : 0 }'
}
# row LABEL ARG...: opm ARG... (and the base's) in turns with /bin/true.
row()
{
	local label=$1 t=$work/times f k

	shift
	local -a cmds=(/bin/true ::: "$opm" "$@")
	[[ -z $base ]] || cmds+=(::: "$base/opm" "$@")
	timeit 20 "${cmds[@]}" >/dev/null	# warm-up
	timeit "$runs" "${cmds[@]}" >"$t"
	f=$(med 0 <"$t")
	for k in 1 2; do
		[[ $k == 1 || -n $base ]] || break
		rows+=("$(printf '%-34s %s %.3f' "$label$([[ $k == 2 ]] &&
		    echo " (base)")" "$(awk -v k=$k '$1 == k {print $2}' "$t" |
		    stats)" "$(( $(med $k <"$t") - f ))e-6")")
	done
}
rows+=("$(printf '%-34s %s -' "/bin/true (spawn floor)" \
    "$(timeit "$runs" /bin/true | stats)")")
row "opm ping" ping
row "opm list --json ($napps apps)" list --json
row "opm list ($napps apps, table)" list

if [[ -n $py ]]; then
	sock=$("$py" -c '
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
req = b"{\"v\":1,\"id\":1,\"cmd\":\"ping\"}\n"
for i in range(int(sys.argv[2]) + 100):
    t = time.monotonic_ns()
    s.sendall(req)
    line = f.readline()
    if i >= 100:
        print(time.monotonic_ns() - t)
    assert json.loads(line)["ok"]
' "$OPM_HOME/opmd.sock" $((runs * 10)) | stats)
	rows+=("$(printf '%-34s %s -' "ping, one connection (no spawn)" "$sock")")
fi

echo "opm round trip: $runs runs each ($((runs * 10)) for the socket row)," \
    "$napps apps online; $how"
echo "opmd $("$opm" version | awk '/^opmd/ {print $2}'), $(nproc) CPUs," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -z $base ]] || echo "base: $base/opm, against this build's daemon"
printf '%-34s %9s %9s %9s %9s %12s\n' "command" "median" "p90" "min" "mean" \
    "over true"
for r in "${rows[@]}"; do
	label=${r:0:34}
	read -r med p90 mn mean over <<<"${r:35}"
	[[ $over == - ]] || over="$over ms"
	printf '%-34s %7s ms %6s ms %6s ms %6s ms %12s\n' "$label" "$med" \
	    "$p90" "$mn" "$mean" "$over"
done
echo "daemon RSS: idle, no app $rss_empty kB; idle, $napps apps $rss_apps kB;" \
    "after the runs $(kb VmRSS) kB (peak VmHWM $(kb VmHWM) kB)"
