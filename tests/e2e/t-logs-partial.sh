#!/usr/bin/env bash
# Partial lines (LESSONS.md item 12): a line written in two pieces 0.6 s
# apart is one line in the file, with and without --log-time; with
# --log-time the line carries one ISO 8601 UTC stamp (UTC even when the
# daemon's TZ is not), taken when its first byte arrived; the first piece
# is written as it comes (visible in the file before the line is complete).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# No groups inside: tests count BASH_REMATCH groups. stamp_ms (date -d)
# rejects impossible dates and times.
STAMP_RE='[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z'

# True when the file PATH holds exactly TEXT (no trailing newline added).
file_is()
{
	[[ -e $1 && $(cat -- "$1"; echo .) == "$2." ]]
}

# True when the whole content of PATH matches the bash regex RE.
file_matches()
{
	local c

	[[ -e $1 ]] || return 1
	c=$(cat -- "$1"; echo .)
	c=${c%.}
	echo "content: [$c]"
	[[ $c =~ $2 ]]
}

now_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	echo $(( t / 1000 ))
}

# Milliseconds since the epoch of an ISO 8601 UTC stamp.
stamp_ms()
{
	date -u -d "$1" +%s%3N
}

# The daemon runs 13:45 ahead of UTC: local time in a stamp would show.
TZ=XYZ-13:45 assert_exit 0 "$OPM" ping

# --- without --log-time -------------------------------------------------
assert_exit 0 "$OPM" start --name plain --restart never \
    "$TESTAPP" tag "$TAG" partial abc sleep 0.6 print def lines 2
plain=$(app_field plain out_log)
wait_for 5 file_is "$plain" $'abcdef\n1\n2\n'
wait_status plain stopped
assert_exit 0 "$OPM" logs plain
assert_eq $'abcdef\n1\n2' "$OUT" "logs shows one line abcdef"

# --- with --log-time ----------------------------------------------------
t_before=$(now_ms)
assert_exit 0 "$OPM" start --name stamped --log-time --restart never \
    "$TESTAPP" tag "$TAG" partial abc sleep 0.6 print def lines 2
stamped=$(app_field stamped out_log)
wait_for 5 file_matches "$stamped" \
    "^($STAMP_RE) abcdef"$'\n'"($STAMP_RE) 1"$'\n'"($STAMP_RE) 2"$'\n''$'
t_done=$(now_ms)
s1=${BASH_REMATCH[1]} s2=${BASH_REMATCH[2]}
ms=$(stamp_ms "$s1")
ms2=$(stamp_ms "$s2")
(( ms >= t_before - 2 && ms <= t_done )) ||
    fail "stamp $s1 ($ms ms) is not between the start ($t_before) and" \
	"the end ($t_done): not the current UTC time"
# Taken when "abc" arrived, not 0.6 s later with "def" (and "1").
(( ms2 - ms >= 550 )) ||
    fail "line 1 stamped $s2, only $((ms2 - ms)) ms after abcdef's first" \
	"byte (sleep 0.6 between them)"
assert_eq 3 "$(grep -c . "$stamped")" "three lines, one stamp each"
assert_exit 0 "$OPM" logs stamped --lines 3
[[ $OUT =~ ^$STAMP_RE\ abcdef$'\n'$STAMP_RE\ 1$'\n'$STAMP_RE\ 2$ ]] ||
    fail "logs stamped: [$OUT]"

# --- the first piece is in the file before the line is complete ----------
# The app writes "abc", waits for our go, then 0.6 s, then "def\n".
for opt in "" --log-time; do
	name=asis${opt:+-stamped}
	go=$TEST_TMP/go-$name
	opts=(--name "$name" --restart never)
	[[ -z $opt ]] || opts+=("$opt")
	assert_exit 0 "$OPM" start "${opts[@]}" ": $TAG; printf abc;
	    while [ ! -e $go ]; do sleep 0.01; done; sleep 0.6; echo def"
	f=$(app_field "$name" out_log)
	if [[ -z $opt ]]; then
		wait_for 5 file_is "$f" abc
		touch "$go"
		wait_for 5 file_is "$f" $'abcdef\n'
		continue
	fi
	wait_for 5 file_matches "$f" "^($STAMP_RE) abc\$"
	t_seen=$(now_ms)
	first=${BASH_REMATCH[1]}
	touch "$go"
	wait_for 5 file_matches "$f" "^($STAMP_RE) abcdef"$'\n''$'
	assert_eq "$first" "${BASH_REMATCH[1]}" "the stamp written with abc"
	ms=$(stamp_ms "$first")
	(( ms <= t_seen )) ||
	    fail "stamp $first ($ms) is after abc was already in the file" \
		"($t_seen)"
done
