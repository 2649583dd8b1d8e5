#!/usr/bin/env bash
# opm logs --follow: a new line reaches the follower within 100 ms (time
# from the signal that makes the app print to the line in the follower's
# output); the switch from the file's last lines to the stream loses and
# repeats nothing; --out/--err filter the stream; no TARGET prefixes each
# line with the app's name; a follower keeps following across a restart.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# True when PATH has at least N lines.
has_lines()
{
	[[ -e $1 ]] && (( $(wc -l <"$1") >= $2 ))
}

# True when PATH has a line that is exactly LINE.
has_line()
{
	grep -qxF -- "$2" "$1"
}

# Reads lines from descriptor 3 until one equals WANT; sets LATENCY_MS to
# the time since T0 (an $EPOCHREALTIME). Busy-polls with builtins only, so
# no fork adds to the measure; gives up after 2 s.
await_line()
{
	local want=$1 t0=${2/[.,]/} line buf='' now

	while :; do
		if IFS= read -r -u 3 line; then
			line=$buf$line
			buf=
			if [[ $line == "$want" ]]; then
				now=${EPOCHREALTIME/[.,]/}
				LATENCY_MS=$(( (now - t0) / 1000 ))
				return 0
			fi
			continue
		fi
		buf+=$line	# EOF in the middle of a line: keep the piece
		now=${EPOCHREALTIME/[.,]/}
		(( now - t0 < 2000000 )) ||
		    fail "no line [$want] in the follower's output after 2 s"
	done
}

# --- latency: signal -> app prints -> follower prints ------------------
assert_exit 0 "$OPM" start --name sig "$TESTAPP" tag "$TAG" \
    trap USR1 print ready forever
sig_out=$(app_field sig out_log)
wait_for 5 has_line "$sig_out" ready
pid=$(app_field sig pid)
: >"$TEST_TMP/sig.out"
exec 3<"$TEST_TMP/sig.out"
"$OPM" logs sig --follow --lines 1 >"$TEST_TMP/sig.out" \
    2>"$TEST_TMP/sig.err" &
follower=$!
# The last line comes first; then the follower is registered.
await_line ready "$EPOCHREALTIME"
worst=0
for i in 1 2 3 4 5; do
	t0=$EPOCHREALTIME
	kill -USR1 "$pid"
	await_line "got SIGUSR1" "$t0"
	echo "follow latency $i: $LATENCY_MS ms"
	if (( LATENCY_MS > worst )); then
		worst=$LATENCY_MS
	fi
done
(( worst < 100 )) || fail "a followed line took $worst ms to arrive (> 100)"
exec 3<&-
assert_eq $'ready\ngot SIGUSR1\ngot SIGUSR1\ngot SIGUSR1\ngot SIGUSR1\ngot SIGUSR1' \
    "$(<"$TEST_TMP/sig.out")" "a single target is not prefixed"

# --- a follower follows the app across a restart ------------------------
assert_exit 0 "$OPM" restart sig
wait_for 5 has_lines "$TEST_TMP/sig.out" 7
assert_eq ready "$(tail -n 1 "$TEST_TMP/sig.out")" "line of the new process"
pid_alive "$follower" || fail "the follower exited: $(<"$TEST_TMP/sig.err")"

# --- from the file to the stream: no gap, no line twice -----------------
assert_exit 0 "$OPM" start --name tick "$TESTAPP" tag "$TAG" tick 1
tick_out=$(app_field tick out_log)
wait_for 5 has_lines "$tick_out" 200
"$OPM" logs tick --follow --lines 50 >"$TEST_TMP/tick.out" \
    2>"$TEST_TMP/tick.err" &
wait_for 10 has_lines "$TEST_TMP/tick.out" 1000
assert_exit 0 "$OPM" stop tick
# Every line printed so far, in order, each once.
first=$(head -n 1 "$TEST_TMP/tick.out")
last=$(tail -n 1 "$TEST_TMP/tick.out")
[[ $first =~ ^[0-9]+$ && $last =~ ^[0-9]+$ ]] ||
    fail "tick follower: bad first/last line [$first] [$last]"
(( first > 1 )) || fail "--lines 50 should start past line 1, got $first"
# (the follower may still print the last few lines: compare a snapshot)
head -n "$((last - first + 1))" "$TEST_TMP/tick.out" >"$TEST_TMP/tick.got"
seq "$first" "$last" >"$TEST_TMP/tick.want"
assert_exit 0 cmp -- "$TEST_TMP/tick.want" "$TEST_TMP/tick.got"
assert_eq "" "$(<"$TEST_TMP/tick.err")" "tick follower's stderr"

# --- --out / --err while following, and no TARGET ------------------------
assert_exit 0 "$OPM" start --name eo \
    ": $TAG; while :; do echo out-tick; echo err-tick >&2; sleep 0.05; done"
"$OPM" logs eo --follow --lines 0 --err >"$TEST_TMP/err.out" 2>&1 &
"$OPM" logs eo --follow --lines 0 --out >"$TEST_TMP/out.out" 2>&1 &
"$OPM" logs --follow --lines 0 >"$TEST_TMP/all.out" 2>&1 &
wait_for 5 has_lines "$TEST_TMP/err.out" 5
wait_for 5 has_lines "$TEST_TMP/out.out" 5
wait_for 5 has_lines "$TEST_TMP/all.out" 10
assert_exit 0 "$OPM" signal USR1 sig
wait_for 5 has_line "$TEST_TMP/all.out" "sig | got SIGUSR1"
assert_eq "" "$(grep -vx 'err-tick' "$TEST_TMP/err.out" || true)" \
    "follow --err: other lines"
assert_eq "" "$(grep -vx 'out-tick' "$TEST_TMP/out.out" || true)" \
    "follow --out: other lines"
assert_eq "" "$(grep -Evx 'eo \| (out|err)-tick|sig \| got SIGUSR1' \
    "$TEST_TMP/all.out" || true)" "follow with no target: unprefixed lines"
has_line "$TEST_TMP/all.out" "eo | err-tick" ||
    fail "follow with no target: no stderr line"
has_line "$TEST_TMP/all.out" "eo | out-tick" ||
    fail "follow with no target: no stdout line"
