#!/usr/bin/env bash
# Output of three starts of one app (start, restart, restart) all lands in
# the same file, in order: run 1's lines, then run 2's, then run 3's. Each
# run prints a marker (its RUN, read from an --env-file at every start)
# and then 1..N. First with each run's output complete before the restart,
# then with restarts that kill the app in the middle of a flood: a killed
# run's lines may stop early, but never interleave with the next run's, and
# every line stays whole.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# True when the last line of PATH is exactly LINE.
last_line_is()
{
	[[ -s $1 && $(tail -n 1 -- "$1") == "$2" ]]
}

# True when PATH has a line that is exactly LINE.
has_line()
{
	grep -qxF -- "$2" "$1"
}

# Checks that PATH is "run-1", 1..k1, "run-2", 1..k2, "run-3", 1..N:
# markers in order, numbers contiguous from 1 after each, the last run
# complete; with FULL=1 every run complete. Prints what is wrong.
check_runs()
{
	local path=$1 n=$2 full=$3

	awk -v n="$n" -v full="$full" '
	function endrun() {
		if (run > 0 && (full || run == 3) && prev != n) {
			printf "run-%d ends at %d, not %d\n", run, prev, n
			bad = 1
		}
	}
	/^run-[0-9]+$/ {
		endrun()
		if ($0 != "run-" (run + 1)) {
			printf "line %d: %s after run-%d\n", NR, $0, run
			bad = 1
			exit
		}
		run++
		prev = 0
		next
	}
	{
		if (run == 0 || $0 != prev + 1) {
			printf "line %d: [%s] after [%s] in run-%d\n", NR, $0,
			    prev, run
			bad = 1
			exit
		}
		prev = $0
	}
	END {
		if (bad)
			exit 1
		if (run != 3) {
			printf "%d runs seen, not 3\n", run
			exit 1
		}
		endrun()
		exit bad
	}' "$path"
}

env_file=$TEST_TMP/run.env

# --- each run's output complete before the next start ------------------
N=20000
echo RUN=run-1 >"$env_file"
assert_exit 0 "$OPM" start --name calm --env-file "$env_file" \
    "$TESTAPP" tag "$TAG" env RUN lines "$N" forever
calm=$(app_field calm out_log)
wait_for 10 last_line_is "$calm" "$N"
for k in 2 3; do
	echo "RUN=run-$k" >"$env_file"
	assert_exit 0 "$OPM" restart calm
	wait_for 10 has_line "$calm" "run-$k"
	wait_for 10 last_line_is "$calm" "$N"
done
assert_eq 2 "$(app_field calm restarts)" "restarts of calm"
assert_exit 0 check_runs "$calm" "$N" 1
assert_eq $((3 * (N + 1))) "$(wc -l <"$calm")" "lines of calm's three runs"

# --- restarts in the middle of a flood ---------------------------------
N=2000000
echo RUN=run-1 >"$env_file"
assert_exit 0 "$OPM" start --name flood --log-max-size 1G \
    --env-file "$env_file" "$TESTAPP" tag "$TAG" env RUN lines "$N" forever
flood=$(app_field flood out_log)
for k in 2 3; do
	wait_for 10 has_line "$flood" "run-$((k - 1))"
	echo "RUN=run-$k" >"$env_file"
	assert_exit 0 "$OPM" restart flood
done
wait_for 10 has_line "$flood" run-3
wait_for 15 last_line_is "$flood" "$N"
assert_exit 0 check_runs "$flood" "$N" 0
