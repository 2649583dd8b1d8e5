#!/usr/bin/env bash
# A last line without newline (LESSONS.md item 12, PM2 loses it with
# --time) is kept when the app exits, and ends there: the next run's first
# line is a line of its own, with its own stamp under --log-time, instead
# of being glued to it ("tailone", "tail2026-...Z one").
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

STAMP_RE='[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z'

# True when PATH has at least N lines containing WORD.
has_n()
{
	(( $(grep -c -- "$2" "$1") >= $3 ))
}

for opt in "" --log-time; do
	name=tail${opt:+-stamped}
	opts=(--name "$name" --restart never)
	[[ -z $opt ]] || opts+=("$opt")
	assert_exit 0 "$OPM" start "${opts[@]}" \
	    "$TESTAPP" tag "$TAG" print one partial tail
	f=$(app_field "$name" out_log)
	wait_status "$name" stopped
	wait_for 5 has_n "$f" tail 1
	assert_exit 0 "$OPM" start "$name"
	wait_status "$name" stopped
	wait_for 5 has_n "$f" one 2
	wait_for 5 has_n "$f" tail 2
	content=$(<"$f")
	if [[ -n $opt ]]; then
		content=$(sed -E "s/^$STAMP_RE //" <<<"$content")
	fi
	assert_eq $'one\ntail\none\ntail' "$content" \
	    "$name: the partial last line of run 1 ends before run 2's output"
	if [[ -n $opt ]]; then
		bad=$(grep -Ev "^$STAMP_RE (one|tail)\$" "$f" || true)
		assert_eq "" "$bad" "$name: lines without exactly one stamp"
	fi
done
