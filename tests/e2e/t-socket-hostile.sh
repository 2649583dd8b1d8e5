#!/usr/bin/env bash
# Hostile clients of the control socket: garbage, an endless line, deep
# nesting, invalid UTF-8, absurd numbers, truncated requests, unknown
# commands, wrong versions, bad args, 2000 idle connections, a client that
# never reads. After each case the daemon still answers `opm ping`, with
# the same pid, and its memory stays bounded.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

SOCK=$OPM_HOME/opmd.sock
RAW=$REPO_DIR/tests/helpers/rawclient.py
# The distribution's python: a pyenv shim costs a second or two per start.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
MEM_LIMIT_KB=$((64 * 1024))
# ASan's shadow memory and quarantine make RSS meaningless: under the
# sanitizer build the bound is checked by LeakSanitizer instead.
# (Not `ldd | grep -q`: under pipefail, grep quitting early makes ldd die
# of SIGPIPE and the pipeline false.)
if [[ $(ldd "$BUILD/opmd" 2>/dev/null) == *libasan* ]]; then
	MEM_LIMIT_KB=$((4 * 1024 * 1024))
	echo "sanitizer build: memory figures reported, not bounded"
fi

# 2000 idle connections need descriptors, here and in the daemon (which
# inherits this limit from the CLI that starts it).
ulimit -n "$(( $(ulimit -Hn) < 8192 ? $(ulimit -Hn) : 8192 ))"
(( $(ulimit -n) >= 2100 )) || fail "cannot raise ulimit -n to 2100 (hard limit $(ulimit -Hn))"

main_daemons()
{
	local all keepers

	all=$(count_daemons)
	keepers=$(count_procs '*opmd --keeper')
	echo $((all - keepers))
}

# "VmRSS N kB, VmHWM N kB" of the daemon.
mem()
{
	local rss hwm

	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$DPID/status")
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$DPID/status")
	echo "VmRSS $rss kB, VmHWM $hwm kB"
}

rss_kb()
{
	awk '/^VmRSS:/ {print $2}' "/proc/$DPID/status"
}

hwm_kb()
{
	awk '/^VmHWM:/ {print $2}' "/proc/$DPID/status"
}

# After every case: the same daemon answers, alone.
still_ok()
{
	pid_alive "$DPID" || fail "$1: the daemon ($DPID) died"
	assert_exit 0 "$OPM" ping
	assert_eq pong "$OUT" "$1: opm ping"
	assert_eq "$DPID" "$(daemon_pid)" "$1: daemon pid"
	assert_eq 1 "$(main_daemons)" "$1: opmd processes"
	echo "ok: $1 ($(mem))"
}

# Sends the bytes of printf %b FORMAT over a fresh connection; OUT gets
# rawclient's report: CONNECTED, reply lines, END how.
raw_send()
{
	local data=$1

	shift
	printf '%b' "$data" >"$TEST_TMP/req"
	assert_exit 0 "$PY" "$RAW" send "$SOCK" "$@" <"$TEST_TMP/req"
}

# Reply line N (1-based) of the last raw_send.
reply()
{
	local -a lines

	mapfile -t lines <<<"$OUT"
	echo "${lines[$1]-}"
}

end_of()
{
	tail -n 1 <<<"$OUT"
}

# The cases below run in one python process (rawclient.py batch), each on
# a fresh connection, each followed by `opm ping` and a check of the
# daemon's pid. KIND (see rawclient.py): fatal = one error line naming
# NEEDLE, then closed; nonfatal = an error naming NEEDLE with id ID, then
# the same connection still answers a ping; ok; close = send and hang up.
CASES=$TEST_TMP/cases
: >"$CASES"
add_case()	# KIND LABEL NEEDLE ID DATA (printf %b)
{
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
	    "$(printf '%b' "$5" | base64 -w0)" >>"$CASES"
}
add_case_file()	# KIND LABEL NEEDLE ID FILE
{
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
	    "$(base64 -w0 <"$5")" >>"$CASES"
}
run_cases()
{
	local rc=0

	"$PY" "$RAW" batch "$SOCK" "$CASES" --opm "$OPM" \
	    --pidfile "$OPM_HOME/opmd.pid" --pid "$DPID" || rc=$?
	(( rc == 0 )) || fail "hostile cases failed (see FAIL lines above)"
	: >"$CASES"
	still_ok "$1"
}

assert_exit 0 "$OPM" ping
DPID=$(daemon_pid)
pid_alive "$DPID" || fail "no daemon"
MEM_BEFORE=$(mem)
echo "daemon $DPID, before: $MEM_BEFORE"

# A well-formed request over the raw client, as a control.
raw_send '{"v":1,"id":7,"cmd":"ping"}\n' --lines 1
assert_contains "$(reply 1)" '"ok":true' "control ping"
assert_contains "$(reply 1)" '"id":7' "control ping"
assert_eq "END OPEN" "$(end_of)" "control ping"

# --- Garbage. -------------------------------------------------------------
add_case fatal "ascii garbage" "invalid JSON" - 'hello world\n'
add_case fatal "NUL bytes" "" - '\x00\x00\x00\x00\n'
add_case fatal "trailing data" "trailing" - '{"v":1,"id":1,"cmd":"ping"} {}\n'
add_case fatal "not an object (array)" "object" - '[1,2,3]\n'
add_case fatal "not an object (number)" "object" - '42\n'
add_case fatal "not an object (string)" "object" - '"ping"\n'
add_case fatal "NUL escape in a string" "NUL" - '{"v":1,"id":1,"cmd":"ping\\u0000x"}\n'
# Random bytes, maybe several lines: the first bad one ends the connection.
head -c 65536 /dev/urandom >"$TEST_TMP/random"
printf '\nx\n' >>"$TEST_TMP/random"
add_case_file fatal "64 KiB of random bytes" "" - "$TEST_TMP/random"
head -c 100000 /dev/urandom | tr -d '\n' >"$TEST_TMP/random2"
add_case_file close "random bytes without newline, then close" "" - \
    "$TEST_TMP/random2"

# --- Long lines (the 64 MiB one streams, below). --------------------------
"$PY" -c 'import sys; sys.stdout.write("{\"v\":1,\"id\":1,\"cmd\":\"ping\",\"args\":{\"x\":\"" + "a" * (1 << 20) + "\"}}\n")' >"$TEST_TMP/long"
add_case_file fatal "a 1 MiB + 40 bytes line" "too long" - "$TEST_TMP/long"

# --- Deep nesting. --------------------------------------------------------
printf '%*s' 200000 '' | tr ' ' '[' >"$TEST_TMP/deep"
printf '\n' >>"$TEST_TMP/deep"
add_case_file fatal "200000 nested brackets" "nesting" - "$TEST_TMP/deep"
{
	printf '{"v":1,"id":1,"cmd":"ping","args":'
	for ((i = 0; i < 100000; i++)); do printf '{"a":'; done
	printf '\n'
} >"$TEST_TMP/deep2"
add_case_file fatal "100000 nested objects" "nesting" - "$TEST_TMP/deep2"
# Brackets inside a string are not nesting.
printf '{"v":1,"id":1,"cmd":"ping","args":{"x":"%s"}}\n' \
    "$(printf '%*s' 100000 '' | tr ' ' '[')" >"$TEST_TMP/deep3"
add_case_file ok "100000 brackets inside a string" "" - "$TEST_TMP/deep3"
# The limit is 16: the envelope is level 1, args level 2, x's arrays 3...
nest()
{
	local k=$1 open close

	open=$(printf '%*s' "$k" '' | tr ' ' '[')
	close=$(printf '%*s' "$k" '' | tr ' ' ']')
	printf '{"v":1,"id":1,"cmd":"ping","args":{"x":%s%s}}\\n' "$open" "$close"
}
add_case ok "nesting 16" "" - "$(nest 14)"
add_case fatal "nesting 17" "nesting" - "$(nest 15)"

# --- Invalid UTF-8. -------------------------------------------------------
add_case fatal "UTF-8: 0xff" "UTF-8" - '{"v":1,"id":1,"cmd":"ping\xff"}\n'
add_case fatal "UTF-8: overlong /" "UTF-8" - '{"v":1,"id":1,"cmd":"\xc0\xafping"}\n'
add_case fatal "UTF-8: overlong NUL" "UTF-8" - '{"v":1,"id":1,"cmd":"\xc0\x80"}\n'
add_case fatal "UTF-8: surrogate" "UTF-8" - '{"v":1,"id":1,"cmd":"\xed\xa0\x80"}\n'
add_case fatal "UTF-8: truncated sequence" "UTF-8" - '{"v":1,"id":1,"cmd":"ping"}\xe2\x82\n'
add_case fatal "UTF-8: beyond U+10FFFF" "UTF-8" - '{"v":1,"id":1,"cmd":"\xf4\x90\x80\x80"}\n'
add_case fatal "UTF-8: lone continuation" "UTF-8" - '\x80{"v":1,"id":1,"cmd":"ping"}\n'
# Valid UTF-8 is not an encoding error: just an unknown command.
add_case nonfatal "UTF-8: valid non-ASCII command" "unknown command" 3 \
    '{"v":1,"id":3,"cmd":"p\xc3\xafng\xf0\x9f\x98\x80"}\n'

# --- Absurd numbers. ------------------------------------------------------
add_case nonfatal "id 1e300" "id" null '{"v":1,"id":1e300,"cmd":"ping"}\n'
add_case nonfatal "id 99999999999999999999" "id" null \
    '{"v":1,"id":99999999999999999999,"cmd":"ping"}\n'
add_case nonfatal "id 1e99999 (inf)" "id" null '{"v":1,"id":1e99999,"cmd":"ping"}\n'
add_case nonfatal "id -1" "id" null '{"v":1,"id":-1,"cmd":"ping"}\n'
add_case nonfatal "id 1.5" "id" null '{"v":1,"id":1.5,"cmd":"ping"}\n'
add_case nonfatal "id 2^53+1" "id" null '{"v":1,"id":9007199254740993,"cmd":"ping"}\n'
add_case nonfatal "id a string" "id" null '{"v":1,"id":"7","cmd":"ping"}\n'
add_case nonfatal "v 1e300" "protocol" 5 '{"v":1e300,"id":5,"cmd":"ping"}\n'
add_case nonfatal "target 1e300" "target" 6 \
    '{"v":1,"id":6,"cmd":"stop","args":{"target":1e300}}\n'

# --- Truncated requests. --------------------------------------------------
add_case close "truncated object, then close" "" - '{"v":1,"id":1,"cmd":"pi'
add_case fatal "truncated object, then newline" "invalid JSON" - '{"v":1,"id":1,"cmd":"pi\n'
add_case close "two requests and half a third, then close" "" - \
    '{"v":1,"id":1,"cmd":"ping"}\n{"v":1,"id":2,"cmd":"ping"}\n{"v":1,'

# --- Well-formed JSON, bad requests. --------------------------------------
add_case nonfatal "unknown cmd" "unknown command" 8 '{"v":1,"id":8,"cmd":"frobnicate"}\n'
add_case nonfatal "cmd not a string" "cmd" 8 '{"v":1,"id":8,"cmd":42}\n'
add_case nonfatal "cmd missing" "cmd" 8 '{"v":1,"id":8}\n'
add_case nonfatal "protocol v2" "protocol" 9 '{"v":2,"id":9,"cmd":"ping"}\n'
add_case nonfatal "protocol v0" "protocol" 9 '{"v":0,"id":9,"cmd":"ping"}\n'
add_case nonfatal "protocol v missing" "protocol" 9 '{"id":9,"cmd":"ping"}\n'
add_case nonfatal "protocol v as a string" "protocol" 9 '{"v":"1","id":9,"cmd":"ping"}\n'
add_case nonfatal "args an array" "args" 10 '{"v":1,"id":10,"cmd":"list","args":[]}\n'
add_case nonfatal "args a string" "args" 10 '{"v":1,"id":10,"cmd":"list","args":"x"}\n'
add_case nonfatal "args a number" "args" 10 '{"v":1,"id":10,"cmd":"stop","args":3}\n'
add_case nonfatal "args null" "args" 10 '{"v":1,"id":10,"cmd":"stop","args":null}\n'
add_case nonfatal "stop without target" "target" 11 '{"v":1,"id":11,"cmd":"stop","args":{}}\n'
add_case nonfatal "start without app" "" 12 '{"v":1,"id":12,"cmd":"start","args":{}}\n'
add_case nonfatal "start with app not an object" "" 13 \
    '{"v":1,"id":13,"cmd":"start","args":{"app":[1]}}\n'

run_cases "hostile requests"
assert_exit 0 "$OPM" list --json
assert_eq "[]" "$(jq -c . <<<"$OUT")" "no app came out of the bad requests"

# --- A 64 MiB line without newline, streamed. -----------------------------
assert_exit 0 "$PY" "$RAW" flood "$SOCK" --bytes $((64 << 20)) --timeout 15
echo "64 MiB line: $OUT"
sent=$(jq -r .sent <<<"$OUT")
assert_contains "$(jq -r '.replies[0] // ""' <<<"$OUT")" "too long" \
    "64 MiB line: the daemon says why it gives up"
assert_eq 1 "$(jq -r '.replies | length' <<<"$OUT")" "64 MiB line: one error line"
case $(jq -r .end <<<"$OUT") in
EOF|RESET) ;;
*) fail "64 MiB line: connection not closed: $OUT" ;;
esac
(( sent < 8 << 20 )) ||
    fail "64 MiB line: the daemon took $sent bytes before giving up (> 8 MiB)"
(( $(hwm_kb) < MEM_LIMIT_KB )) ||
    fail "64 MiB line: daemon VmHWM $(hwm_kb) kB >= $MEM_LIMIT_KB kB"
still_ok "64 MiB line"

# --- 2000 idle connections. -----------------------------------------------
rm -f "$TEST_TMP/idle.ready" "$TEST_TMP/idle.stop"
"$PY" "$RAW" idle "$SOCK" --count 2000 --ready "$TEST_TMP/idle.ready" \
    --stop "$TEST_TMP/idle.stop" --timeout 60 >"$TEST_TMP/idle.out" 2>&1 &
idle=$!
track_pid "$idle"
idle_up()
{
	[[ -e $TEST_TMP/idle.ready ]] && return 0
	pid_alive "$idle" || echo "idle client exited: $(<"$TEST_TMP/idle.out")"
	return 1
}
wait_for 15 idle_up
assert_eq 2000 "$(<"$TEST_TMP/idle.ready")" "idle connections opened"
t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" ping
t1=${EPOCHREALTIME/[.,]/}
echo "opm ping with 2000 idle connections: $(( (t1 - t0) / 1000 )) ms"
(( t1 - t0 < 1000000 )) ||
    fail "opm ping took $(( (t1 - t0) / 1000 )) ms with 2000 idle connections"
assert_exit 0 "$OPM" daemon status --json
clients=$(jq -r .clients <<<"$OUT")
(( clients >= 2001 )) || fail "daemon reports $clients clients, want >= 2001"
assert_eq "$DPID" "$(daemon_pid)" "daemon pid with 2000 connections"
echo "2000 idle connections: $(mem), $(find "/proc/$DPID/fd" -mindepth 1 | wc -l) fds"
touch "$TEST_TMP/idle.stop"
rc=0
wait "$idle" || rc=$?
assert_eq 0 "$rc" "idle client: $(<"$TEST_TMP/idle.out")"
few_clients()
{
	local n

	n=$("$OPM" daemon status --json | jq -r .clients)
	echo "clients: $n"
	(( n <= 2 ))
}
wait_for 10 few_clients
still_ok "2000 idle connections"

# --- A client that never reads. -------------------------------------------
rm -f "$TEST_TMP/nr.ready" "$TEST_TMP/nr.stop" "$TEST_TMP/nr.stop.one"
"$PY" "$RAW" noreader "$SOCK" --ready "$TEST_TMP/nr.ready" \
    --stop "$TEST_TMP/nr.stop" --seconds 4 --timeout 60 \
    >"$TEST_TMP/nr.out" 2>&1 &
nr=$!
track_pid "$nr"
# One request sent, its reply never read.
wait_for 10 test -e "$TEST_TMP/nr.ready"
still_ok "one request whose reply is never read"
# Then pipelined requests, never reading, for 4 s: the daemon must push
# back or drop the client, and keep serving others meanwhile.
rm -f "$TEST_TMP/nr.ready"
touch "$TEST_TMP/nr.stop.one"
worst=0
flooding()
{
	[[ ! -e $TEST_TMP/nr.ready ]]
}
while flooding; do
	t0=${EPOCHREALTIME/[.,]/}
	assert_exit 0 "$OPM" ping
	t1=${EPOCHREALTIME/[.,]/}
	(( t1 - t0 > worst )) && worst=$((t1 - t0))
	pid_alive "$DPID" || fail "daemon died under a non-reading client"
	rss=$(rss_kb)
	(( rss > ${peak:-0} )) && peak=$rss
	sleep 0.05
done
wait_for 10 test -e "$TEST_TMP/nr.ready"
echo "non-reading client: $(<"$TEST_TMP/nr.ready")"
echo "non-reading client: worst opm ping $(( worst / 1000 )) ms, daemon peak VmRSS seen ${peak:-?} kB, now $(mem)"
(( worst < 2000000 )) ||
    fail "opm ping took $(( worst / 1000 )) ms while a client did not read"
touch "$TEST_TMP/nr.stop"
rc=0
wait "$nr" || rc=$?
assert_eq 0 "$rc" "noreader client: $(<"$TEST_TMP/nr.out")"
still_ok "pipelined requests never read"
echo "daemon $DPID, before: $MEM_BEFORE"
echo "daemon $DPID, after:  $(mem)"
(( $(hwm_kb) < MEM_LIMIT_KB )) ||
    fail "a client that never reads its replies grew the daemon to VmHWM $(hwm_kb) kB (limit $MEM_LIMIT_KB kB); now VmRSS $(rss_kb) kB"
(( $(rss_kb) < MEM_LIMIT_KB )) ||
    fail "daemon VmRSS $(rss_kb) kB after the hostile clients left"
