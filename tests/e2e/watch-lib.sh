# shellcheck shell=bash
# Helpers of the watch tests (t-watch-*.sh), sourced after lib.sh:
#	save FILE N GAP      writes FILE N times (open, write, close), GAP
#	                     seconds apart, with python3 (as editors do)
#	watch_restarts NAME  restarts_by_cause.watch of NAME
#	restarts_are NAME N  (for wait_for) watch restarts of NAME are N
#	online_pid NAME      (for wait_for) NAME online with a pid: in PID

save()
{
	python3 - "$1" "$2" "$3" <<'PY'
import sys, time
path, n, gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for i in range(n):
    with open(path, "a") as f:
        f.write("# save %d\n" % i)
    time.sleep(gap)
PY
}

watch_restarts()
{
	app_field "$1" restarts_by_cause.watch
}

restarts_are()
{
	local n

	n=$(watch_restarts "$1")
	echo "watch restarts of $1: $n (want $2)"
	[[ $n == "$2" ]]
}

online_pid()
{
	local st

	st=$(app_field "$1" status)
	PID=$(app_field "$1" pid)
	echo "$1: $st, pid $PID"
	[[ $st == online && $PID != null ]]
}
