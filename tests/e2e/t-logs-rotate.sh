#!/usr/bin/env bash
# Rotation by size: with --log-max-size 100K --log-keep 2, 200000 lines
# leave at most three files (NAME-out.log, .1, .2) whose lines, oldest
# first, are one contiguous run ending at 200000, every line whole; rotated
# files are cut at the first line end past 100K. The same with --log-time
# (one stamp per line); a line written in two pieces across the limit is
# not split; --log-keep 0 keeps no rotated file; a follower sees every line
# across rotations; flush removes rotated files; sizes under 1K are refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

STAMP_RE='[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z'

last_line_is()
{
	[[ -s $1 && $(tail -n 1 -- "$1") == "$2" ]]
}

has_lines()
{
	[[ -e $1 ]] && (( $(wc -l <"$1") >= $2 ))
}

# The log files of app NAME's stdout, one per line, sorted by name.
out_files()
{
	(cd "$OPM_HOME/logs" && ls -1 -- "$1"-out.log*)
}

# Prints what is wrong unless stdin is lines PREFIX1, PREFIX2... PREFIXn
# where the numbers run contiguously up to LAST (PREFIX is an ERE).
check_run()
{
	local last=$1 prefix=${2-} bad

	cat >"$TEST_TMP/run"
	bad=$(grep -Envx -- "${prefix}[0-9]+" "$TEST_TMP/run" | head -n 3 || true)
	if [[ -n $bad ]]; then
		echo "lines that are not whole: [$bad]"
		return 1
	fi
	sed -E "s/^$prefix//" "$TEST_TMP/run" | awk -v last="$last" '
	NR > 1 && $0 != prev + 1 {
		printf "line %d: %s after %s\n", NR, $0, prev
		bad = 1
		exit
	}
	{ prev = $0 }
	END {
		if (!bad && prev != last) {
			printf "ends at %s, not %s\n", prev, last
			bad = 1
		}
		exit bad
	}'
}

# Checks that FILE's size is in [MIN, MAX].
size_between()
{
	local s

	s=$(stat -c %s -- "$1")
	(( s >= $2 && s <= $3 )) ||
	    fail "$1: size $s not in [$2, $3]"
}

L=$OPM_HOME/logs

# --- 100K, keep 2, 200000 lines as fast as possible ---------------------
N=200000
assert_exit 0 "$OPM" start --name rot --restart never --log-max-size 100K \
    --log-keep 2 "$TESTAPP" tag "$TAG" lines "$N"
wait_status rot stopped
wait_for 10 last_line_is "$L/rot-out.log" "$N"
assert_eq $'rot-out.log\nrot-out.log.1\nrot-out.log.2' "$(out_files rot)" \
    "files left by rotation"
# Cut at the end of the line that crosses 100K (lines here are <= 7 bytes).
size_between "$L/rot-out.log.1" 102400 102406
size_between "$L/rot-out.log.2" 102400 102406
size_between "$L/rot-out.log" 1 102406
assert_file_mode 600 "$L/rot-out.log.1"
assert_file_mode 600 "$L/rot-out.log.2"
assert_exit 0 check_run "$N" < <(cat "$L/rot-out.log.2" "$L/rot-out.log.1" \
    "$L/rot-out.log")
first=$(head -n 1 "$L/rot-out.log.2")
(( first > 1 )) || fail "rotation dropped nothing? .2 starts at $first"
# logs reads the live file.
assert_exit 0 "$OPM" logs rot --lines 3
assert_eq "$(seq $((N - 2)) "$N")" "$OUT" "logs rot --lines 3 after rotation"

# --- with --log-time ------------------------------------------------------
N=3000
assert_exit 0 "$OPM" start --name rott --restart never --log-max-size 1K \
    --log-keep 2 --log-time "$TESTAPP" tag "$TAG" lines "$N"
wait_status rott stopped
wait_for 10 grep -qE "^$STAMP_RE $N\$" "$L/rott-out.log"
assert_eq $'rott-out.log\nrott-out.log.1\nrott-out.log.2' \
    "$(out_files rott)" "files left by rotation with --log-time"
size_between "$L/rott-out.log.1" 1024 $((1024 + 29))
size_between "$L/rott-out.log.2" 1024 $((1024 + 29))
assert_exit 0 check_run "$N" "$STAMP_RE " < <(cat "$L/rott-out.log.2" \
    "$L/rott-out.log.1" "$L/rott-out.log")

# --- a line written in two pieces across the limit stays whole -----------
# 1..260 is 932 bytes; the 150-byte piece crosses 1K; "def\n" ends it.
x150=$(printf 'x%.0s' {1..150})
assert_exit 0 "$OPM" start --name cross --restart never --log-max-size 1K \
    --log-keep 3 "$TESTAPP" tag "$TAG" lines 260 partial "$x150" \
    sleep 0.3 print def lines 10
wait_status cross stopped
wait_for 5 last_line_is "$L/cross-out.log" 10
assert_eq $'cross-out.log\ncross-out.log.1' "$(out_files cross)" \
    "files after one rotation"
assert_eq "${x150}def" "$(tail -n 1 "$L/cross-out.log.1")" \
    "the crossing line, whole, ends the rotated file"
assert_eq "$(seq 10)" "$(<"$L/cross-out.log")" "the live file after it"

# --- --log-keep 0: no rotated file at all ---------------------------------
assert_exit 0 "$OPM" start --name nokeep --restart never --log-max-size 1K \
    --log-keep 0 "$TESTAPP" tag "$TAG" lines 5000
wait_status nokeep stopped
wait_for 5 last_line_is "$L/nokeep-out.log" 5000
assert_eq nokeep-out.log "$(out_files nokeep)" "--log-keep 0"
size_between "$L/nokeep-out.log" 1 $((1024 + 5))
assert_exit 0 check_run 5000 <"$L/nokeep-out.log"

# --- a follower sees every line across rotations --------------------------
N=10000
go=$TEST_TMP/go
assert_exit 0 "$OPM" start --name fol --restart never --log-max-size 4K \
    --log-keep 1 ": $TAG; echo ready; while [ ! -e $go ]; do sleep 0.01;
    done; exec $TESTAPP tag $TAG lines $N"
wait_for 5 last_line_is "$L/fol-out.log" ready
"$OPM" logs fol --follow --lines 1 >"$TEST_TMP/fol.out" \
    2>"$TEST_TMP/fol.err" &
# The last line comes first: the follower is registered.
wait_for 5 last_line_is "$TEST_TMP/fol.out" ready
touch "$go"
wait_for 10 has_lines "$TEST_TMP/fol.out" $((N + 1))
assert_eq "" "$(<"$TEST_TMP/fol.err")" "follower's stderr (skipped lines?)"
assert_exit 0 cmp -- <(echo ready; seq "$N") "$TEST_TMP/fol.out"
assert_ne fol-out.log "$(out_files fol)" "fol's log was rotated"

# --- flush removes the rotated files ---------------------------------------
assert_exit 0 "$OPM" flush rot
assert_eq rot-out.log "$(out_files rot)" "files after flush"
assert_eq 0 "$(stat -c %s "$L/rot-out.log")" "rot-out.log after flush"
assert_eq $'rott-out.log\nrott-out.log.1\nrott-out.log.2' \
    "$(out_files rott)" "flush rot left rott alone"

# --- invalid sizes ----------------------------------------------------------
assert_exit 1 "$OPM" start --name small --log-max-size 1023 \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "opm: "
assert_exit 1 "$OPM" start --name small --log-max-size 10X \
    "$TESTAPP" tag "$TAG" forever
assert_exit 1 "$OPM" start --name small --log-keep -1 \
    "$TESTAPP" tag "$TAG" forever
assert_exit 1 "$OPM" info small
