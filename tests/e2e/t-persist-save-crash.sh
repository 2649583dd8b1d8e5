#!/usr/bin/env bash
# The dump is never torn or empty when the daemon dies in the middle of a
# save (LESSONS.md 10). Up to 50 times: add an app, run `opm save` in the
# background, SIGKILL the daemon after a small random delay. dump.json must
# then parse and be either exactly the previous dump or the new one (with
# the added app), never empty; dump.json.bak (checked every 5th round)
# parses too. The next CLI call starts a new daemon, which still has every
# app once.
# On a loaded machine the loop stops early after a time budget (at least
# 15 rounds), so that the script stays around 20 s.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dump=$OPM_HOME/dump.json
rounds=${PERSIST_CRASH_ROUNDS:-50}
min_rounds=15
budget_us=$(( ${PERSIST_CRASH_BUDGET:-12} * 1000000 ))
# A few KiB per app (the inherited environment is most of it), so that
# writing the dump takes a little while.
pad=$(printf '%*s' 512 '' | tr ' ' x)

running=(k1 k2 k3)
for a in "${running[@]}"; do
	assert_exit 0 "$OPM" start --name "$a" --env "PAD=$pad" \
	    "$TESTAPP" tag "$TAG" tag "$a" forever
done
for a in "${running[@]}"; do
	wait_status "$a" online
done
declare -A pid0
for a in "${running[@]}"; do
	pid0[$a]=$(app_field "$a" pid)
done
assert_exit 0 "$OPM" save
cp -- "$dump" "$TEST_TMP/prev.json"
expected=("${running[@]}")

# Names, one a line, sorted: what a dump or a list holds.
sorted_names()
{
	printf '%s\n' "$@" | LC_ALL=C sort
}

n_old=0 n_new=0 done_rounds=0
t_start=${EPOCHREALTIME/[.,]/}
for ((i = 1; i <= rounds; i++)); do
	if (( i > min_rounds &&
	    ${EPOCHREALTIME/[.,]/} - t_start > budget_us )); then
		break
	fi
	# The daemon comes back here (or in the list below).
	assert_exit 0 "$OPM" start --name "s$i" --no-autostart --env "PAD=$pad" \
	    "$TESTAPP" tag "$TAG" tag "s$i" forever
	expected+=("s$i")
	want_new=$(sorted_names "${expected[@]}")
	dpid=$(daemon_pid)
	pid_alive "$dpid" || fail "round $i: no live daemon pid [$dpid]"

	"$OPM" save >/dev/null 2>&1 &
	spid=$!
	# 0 to 9.9 ms: before, during and after the write.
	sleep "0.00$((RANDOM % 10))$((RANDOM % 10))"
	kill -KILL "$dpid"
	wait "$spid" || true
	wait_for 5 pid_dead "$dpid"

	[[ -e $dump ]] || fail "round $i: $dump is gone"
	[[ -s $dump ]] || fail "round $i: $dump is empty"
	# One jq (it is the slow part) for the dump and, every few rounds,
	# the .bak; either failing to parse fails the round.
	files=("$dump")
	if [[ -e $dump.bak ]] && (( i % 5 == 0 )); then
		files+=("$dump.bak")
	fi
	got=$(jq -rs '.[0] | if .version == 1 and (.apps | type == "array")
	    then .apps[].name else error("not a dump") end' "${files[@]}" \
	    2>/dev/null) || {
		cp -- "$dump" "$TEST_TMP/torn.json"
		fail "round $i: ${files[*]} do not parse as dumps:" \
		    "$(head -c 300 "$dump")"
	}
	if cmp -s -- "$dump" "$TEST_TMP/prev.json"; then
		n_old=$((n_old + 1))
	else
		assert_eq "$want_new" "$(LC_ALL=C sort <<<"$got")" \
		    "round $i: the dump is neither the old one nor the new one"
		n_new=$((n_new + 1))
		cp -- "$dump" "$TEST_TMP/prev.json"
	fi
	assert_file_mode 600 "$dump"

	# Now and then: the daemon that comes back has every app once.
	if (( i % 10 == 0 )); then
		assert_exit 0 "$OPM" list --json
		assert_eq "$want_new" \
		    "$(jq -r '.[].name' <<<"$OUT" | LC_ALL=C sort)" \
		    "round $i: apps after the daemon came back"
	fi
	done_rounds=$i
done
echo "after $done_rounds kills: $n_old old dumps, $n_new new dumps" >&2

# The running apps survived every daemon death, and were never doubled.
for a in "${running[@]}"; do
	assert_eq 1 "$(count_procs "* tag $TAG tag $a forever")" \
	    "processes of $a"
	assert_eq "${pid0[$a]}" "$(app_field "$a" pid)" "pid of $a"
done
# A last, undisturbed save holds everything.
assert_exit 0 "$OPM" save
assert_eq "$(sorted_names "${expected[@]}")" \
    "$(jq -r '.apps[].name' "$dump" | LC_ALL=C sort)" "apps of the final dump"
