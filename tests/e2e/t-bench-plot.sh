#!/usr/bin/env bash
# bench/plot.sh (make bench's scaling curves): the rows of bench/scale.sh
# become a table with per-app figures and a PNG (when gnuplot is there;
# without it the table alone, exit 0); other lines are ignored; a
# malformed row or fewer than two rows is a one-line error, exit 2. Rows
# come positional or keyed, as bench/scale.sh prints them.
. "$(dirname "$0")/lib.sh"
setup
plot=$REPO_DIR/bench/plot.sh

cat >"$TEST_TMP/rows" <<'ROWS'
# a comment line of scale.sh, ignored
scale 1000 900.5 30.2 14976 2.5
scale 10 12 1.5 2580 -
some other line
scale 100 95 3.1 3780 2.1
ROWS
assert_exit 0 "$plot" "$TEST_TMP/rows" "$TEST_TMP/out.png" "t-bench-plot"
# Sorted by N; per-app list time and RSS; "-" stays "-".
assert_eq "10 12 1.5 150.0 2.52 258.0 -" "$(echo "$OUT" | awk '$1 == 10' | tr -s ' ' | sed 's/^ //')"
assert_eq "1000 900.5 30.2 30.2 14.62 15.0 2.5" "$(echo "$OUT" | awk '$1 == 1000' | tr -s ' ' | sed 's/^ //')"
assert_eq "10 100 1000" "$(echo "$OUT" | awk '$1 ~ /^[0-9]+$/ { print $1 }' | paste -sd' ')"
if command -v gnuplot >/dev/null; then
	assert_contains "$OUT" "plot: wrote $TEST_TMP/out.png"
	assert_eq "89504e47" "$(head -c 4 "$TEST_TMP/out.png" | od -An -tx1 | tr -d ' \n')" "a PNG"
	# stdin works as well.
	assert_exit 0 "$plot" - "$TEST_TMP/in.png" <"$TEST_TMP/rows"
	[[ -s $TEST_TMP/in.png ]] || fail "no PNG from stdin"
else
	assert_contains "$ERR" "plot: no gnuplot"
	[[ ! -e $TEST_TMP/out.png ]] || fail "a PNG without gnuplot"
fi
# Without gnuplot on PATH: the table, a word on stderr, exit 0, no PNG.
mkdir "$TEST_TMP/bin"
for t in bash env awk sort cat mktemp rm sed; do
	p=$(command -v "$t") && ln -s "$p" "$TEST_TMP/bin/$t"
done
assert_exit 0 env PATH="$TEST_TMP/bin" "$plot" "$TEST_TMP/rows" "$TEST_TMP/no.png"
assert_eq "plot: no gnuplot (apt-get install gnuplot-nox, or build-aux/deps.sh bench): $TEST_TMP/no.png not drawn" "$ERR"
assert_contains "$OUT" "list_us/app"
[[ ! -e $TEST_TMP/no.png ]] || fail "a PNG without gnuplot"

# The rows as bench/scale.sh prints them: "key value" pairs after N.
cat >"$TEST_TMP/keyed" <<'ROWS'
scale 10 create_ms 12.3 list_ms 1.70 rss_kb 5264 spawn_ms 2.20 ping_p99_ms 2.20 fds 73/20000 create_cpu_ms 0 list_cpu_ms 0 load 0.61 mode running
scale 10000 create_ms 912 list_ms 68.0 rss_kb 41800 spawn_ms - ping_p99_ms - fds 23/20000 create_cpu_ms 660 list_cpu_ms 34 load 6.5 mode stopped
ROWS
assert_exit 0 "$plot" "$TEST_TMP/keyed" "$TEST_TMP/keyed.png"
assert_eq "10 12.3 1.70 170.0 5.14 526.3 2.20" "$(echo "$OUT" | awk '$1 == 10' | tr -s ' ' | sed 's/^ //')"
assert_eq "10000 912 68.0 6.8 40.82 4.2 -" "$(echo "$OUT" | awk '$1 == 10000' | tr -s ' ' | sed 's/^ //')"
echo "scale 10 create_ms 1 list_ms 2 rss_kb 3" >"$TEST_TMP/nokey"
echo "scale 100 create_ms 1 list_ms 2 rss_kb 3 spawn_ms 4" >>"$TEST_TMP/nokey"
assert_exit 2 "$plot" "$TEST_TMP/nokey" "$TEST_TMP/x.png"
assert_eq 'plot: line 1: no spawn_ms in "scale 10 create_ms 1 list_ms 2 rss_kb 3"' "$ERR"

echo "scale 10 1 2 3" >"$TEST_TMP/short"
echo "scale 100 1 2 3 4" >>"$TEST_TMP/short"
assert_exit 2 "$plot" "$TEST_TMP/short" "$TEST_TMP/x.png"
assert_eq 'plot: line 1: want "scale N create_ms list_ms rss_kb spawn_ms", got "scale 10 1 2 3"' "$ERR"
printf 'scale 10 1 2 3 4\nscale 100 1 2 3MB 4\n' >"$TEST_TMP/nan"
assert_exit 2 "$plot" "$TEST_TMP/nan" "$TEST_TMP/x.png"
assert_eq 'plot: line 2: field 5 is "3MB", not a number or -' "$ERR"
printf 'scale 0 1 2 3 4\n' >"$TEST_TMP/zero"
assert_exit 2 "$plot" "$TEST_TMP/zero" "$TEST_TMP/x.png"
assert_contains "$ERR" "plot: line 1: want"
printf 'scale 10 1 2 3 4\n' >"$TEST_TMP/one"
assert_exit 2 "$plot" "$TEST_TMP/one" "$TEST_TMP/x.png"
assert_eq "plot: 1 scale row(s); need at least 2 (N = 10 100 1000 10000)" "$ERR"
assert_exit 2 "$plot" "$TEST_TMP/missing" "$TEST_TMP/x.png"
assert_eq "plot: cannot read $TEST_TMP/missing" "$ERR"
assert_exit 2 "$plot" "$TEST_TMP/rows"
[[ ! -e $TEST_TMP/x.png ]] || fail "a PNG after an error"
