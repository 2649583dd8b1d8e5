#!/usr/bin/env bash
# Followers that do not read never slow the daemon or the app: with three
# stuck followers (a raw socket client that never reads, `opm logs -f`
# piped into a reader that stopped reading, `opm logs -f` stopped by
# SIGSTOP) a 2,000,000-line flood is captured about as fast as without
# them, the log keeps growing at the app's pace afterwards, `opm ping`
# stays fast and the daemon's memory stays bounded. The stopped follower,
# once continued, is told how many lines it missed and follows on.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

N=2000000

size_ge()
{
	[[ -e $1 ]] && (( $(stat -c %s -- "$1") >= $2 ))
}

has_line()
{
	[[ -e $1 ]] && grep -qxF -- "$2" "$1"
}

has_match()
{
	[[ -e $1 ]] && grep -qE -- "$2" "$1"
}

line_count()
{
	wc -l <"$1"
}

more_lines_than()
{
	(( $(line_count "$1") > $2 ))
}

ms_since()
{
	local now=${EPOCHREALTIME/[.,]/} t0=${1/[.,]/}

	echo $(( (now - t0) / 1000 ))
}

seq "$N" >"$TEST_TMP/seq"
flood_size=$(stat -c %s "$TEST_TMP/seq")

# Times one `opm ping` in PING_MS (a daemon that blocks never answers:
# give up after 5 s).
time_ping()
{
	local t0=$EPOCHREALTIME

	assert_exit 0 timeout 5 "$OPM" ping
	PING_MS=$(ms_since "$t0")
}

# --- baseline: ping, and the flood with nobody following -----------------
assert_exit 0 "$OPM" ping
base_ping=0
for i in 1 2 3; do
	time_ping
	(( PING_MS > base_ping )) && base_ping=$PING_MS
done
echo "ping alone: up to $base_ping ms"
t0=$EPOCHREALTIME
assert_exit 0 "$OPM" start --name base --restart never --log-max-size 1G \
    "$TESTAPP" tag "$TAG" lines "$N"
wait_for 15 size_ge "$(app_field base out_log)" "$flood_size"
base_ms=$(ms_since "$t0")
echo "flood alone: $base_ms ms"

# --- the app: says ready, floods when told to, then ticks every 5 ms -----
go=$TEST_TMP/go
assert_exit 0 "$OPM" start --name fl --log-max-size 1G \
    ": $TAG; echo ready; while [ ! -e $go ]; do sleep 0.01; done;
    exec $TESTAPP tag $TAG lines $N tick 5"
log=$(app_field fl out_log)
wait_for 5 has_line "$log" ready

# Follower 1: a raw client that sends the request and never reads.
python3 - "$OPM_HOME/opmd.sock" "$TEST_TMP/raw.ready" <<'EOF' &
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
req = {"v": 1, "id": 1, "cmd": "logs",
       "args": {"target": ["fl"], "follow": True}}
s.sendall((json.dumps(req) + "\n").encode())
open(sys.argv[2], "w").close()
time.sleep(60)
EOF
track_pid $!
# Follower 2: opm logs -f into a pipe nobody reads after the first line.
"$OPM" logs fl --follow --lines 1 |
    { IFS= read -r l; echo "$l" >"$TEST_TMP/pipe.ready"; exec sleep 60; } &
# Follower 3: opm logs -f, stopped once it printed the last line.
"$OPM" logs fl --follow --lines 1 >"$TEST_TMP/stopped.out" \
    2>"$TEST_TMP/stopped.err" &
stopped=$!
wait_for 10 test -e "$TEST_TMP/raw.ready"
wait_for 5 has_line "$TEST_TMP/pipe.ready" ready
wait_for 5 has_line "$TEST_TMP/stopped.out" ready
kill -STOP "$stopped"

# --- the flood, with the three followers stuck --------------------------
t0=$EPOCHREALTIME
touch "$go"
wait_for 20 size_ge "$log" $((flood_size + 6))
fl_ms=$(ms_since "$t0")
echo "flood with stuck followers: $fl_ms ms"
(( fl_ms <= 3 * base_ms + 2000 )) ||
    fail "stuck followers slowed capture: $fl_ms ms, $base_ms ms without"
# Complete and in order, behind the "ready" line.
head -n $((N + 1)) "$log" | tail -n "$N" | cmp -s - "$TEST_TMP/seq" ||
    fail "the flood is not complete and in order in $log"

# The app goes on ticking (every 5 ms) and the file keeps up with it.
before=$(line_count "$log")
t0=$EPOCHREALTIME
wait_for 5 more_lines_than "$log" $((before + 50))
echo "50 tick lines in $(ms_since "$t0") ms"

# The daemon answers at once (as fast as before, give or take the noise of
# a loaded machine), and stays small.
for i in 1 2 3 4 5; do
	time_ping
	echo "ping $i: $PING_MS ms"
	(( PING_MS < 2 * base_ping + 250 )) ||
	    fail "opm ping took $PING_MS ms with stuck followers" \
		"($base_ping ms before)"
done
dpid=$(daemon_pid)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$dpid/status")
echo "daemon rss: $rss kB"
# Unbounded backlogs would hold ~120 MB of JSON per follower. (AddressSanitizer
# quarantines freed memory: no RSS verdict under it.)
if grep -q libasan "/proc/$dpid/maps"; then
	echo "daemon built with AddressSanitizer: RSS not checked"
else
	(( rss < 65536 )) || fail "daemon RSS is $rss kB: the backlog of" \
	    "stuck followers is not bounded"
fi

# --- the stopped follower, continued: told what it missed, follows on ----
kill -CONT "$stopped"
wait_for 5 has_match "$TEST_TMP/stopped.err" \
    '^\[opm: [0-9]+ lines skipped: the reader was too slow\]$'
n=$(line_count "$TEST_TMP/stopped.out")
wait_for 5 more_lines_than "$TEST_TMP/stopped.out" $((n + 20))
pid_alive "$stopped" || fail "the continued follower exited"
bad=$(tail -n +2 "$TEST_TMP/stopped.out" | grep -Evx '[0-9]+' | head -3 ||
    true)
assert_eq "" "$bad" "follower lines that are not whole numbers"
skipped=$(grep -Eo '[0-9]+' "$TEST_TMP/stopped.err" | head -1)
(( skipped > 0 )) || fail "skip notice with no count"

# A stuck follower does not hold the app back from stopping either.
t0=$EPOCHREALTIME
assert_exit 0 timeout 10 "$OPM" stop fl
echo "stop with a stuck follower: $(ms_since "$t0") ms"
