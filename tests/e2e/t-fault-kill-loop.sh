#!/usr/bin/env bash
# The daemon SIGKILLed at random points of stop, start, restart, restore
# and reload, round after round (the dump's own save is t-persist-save-
# crash). After every death the next CLI call brings a daemon back, and:
# every app is listed once, an online app has exactly one process and a
# stopped one none, never a duplicate; the ticker, never touched, keeps
# its pid and its log has every line once, in order, with no gap (see the
# end); the daemon answers.
# Rounds stop after a time budget (at least 12), so the script stays
# around 20 s on a loaded machine.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

rounds=${KILL_LOOP_ROUNDS:-40}
min_rounds=12
budget_us=$(( ${KILL_LOOP_BUDGET:-14} * 1000000 ))
apps=(a1 a2 a3)

assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
for a in "${apps[@]}"; do
	assert_exit 0 "$OPM" start --name "$a" --kill-timeout 2s \
	    "$TESTAPP" tag "$TAG" tag "$a" forever
done
for a in ticker "${apps[@]}"; do
	wait_status "$a" online
done
ticker_pid=$(app_field ticker pid)
out_log=$(app_field ticker out_log)
assert_exit 0 "$OPM" save

# Every app once, online with one process or stopped with none, after
# the daemon has settled (a stop or start it inherited is finished).
settled()
{
	local a n status

	"$OPM" list --json >"$TEST_TMP/list.json" 2>/dev/null || return 1
	n=$(jq -r '.[].name' "$TEST_TMP/list.json" | sort | uniq -d | wc -l)
	(( n == 0 )) || { echo "duplicate names"; return 1; }
	for a in ticker "${apps[@]}"; do
		status=$(jq -r --arg a "$a" '[.[] | select(.name == $a)] |
		    if length == 1 then .[0].status else "missing" end' \
		    "$TEST_TMP/list.json")
		n=$(count_procs "* tag $TAG tag $a *")
		case $status in
		online) (( n == 1 )) || { echo "$a online, $n processes"; return 1; } ;;
		stopped) (( n == 0 )) || { echo "$a stopped, $n processes"; return 1; } ;;
		*) echo "$a is $status ($n processes)"; return 1 ;;
		esac
	done
}

# Waits up to 10 s for settled; on failure shows what the daemon knew.
wait_settled()
{
	local k why

	for ((k = 0; k < 200; k++)); do
		why=$(settled) && return 0
		sleep 0.05
	done
	echo "--- runtime state:" >&2
	cat "$OPM_HOME"/state/*.json >&2
	echo "--- daemon log:" >&2
	tail -n 30 "$OPM_HOME/opmd.log" >&2
	fail "$1: not settled after 10 s: $why"
}

ops=(stop start restart restore reload)
done_rounds=0
declare -A seen
t_start=${EPOCHREALTIME/[.,]/}
for ((i = 1; i <= rounds; i++)); do
	if (( i > min_rounds &&
	    ${EPOCHREALTIME/[.,]/} - t_start > budget_us )); then
		break
	fi
	op=${ops[$(( (i - 1) % ${#ops[@]} ))]}
	a=${apps[$((RANDOM % ${#apps[@]}))]}
	case $op in
	stop|start|restart) cmd=("$OPM" "$op" "$a") ;;
	restore) cmd=("$OPM" restore) ;;
	reload) cmd=("$OPM" daemon reload) ;;
	esac
	dpid=$(opmd_pidfile)
	pid_alive "$dpid" || fail "round $i: no live daemon [$dpid]"
	"${cmd[@]}" >/dev/null 2>&1 &
	cpid=$!
	# 0 to 29 ms: before, during and after the request's work.
	sleep "0.0$((RANDOM % 3))$((RANDOM % 10))"
	kill -KILL "$dpid" 2>/dev/null || true
	wait "$cpid" || true
	wait_for 5 pid_dead "$dpid"
	seen[$op]=$(( ${seen[$op]:-0} + 1 ))

	# The next call starts a daemon that adopts what runs.
	assert_exit 0 "$OPM" ping
	wait_settled "round $i ($op $a)"
	pid_alive "$ticker_pid" || fail "round $i ($op): the ticker died"
	assert_eq "$ticker_pid" "$(app_field ticker pid)" \
	    "round $i ($op): pid of the ticker"
	# Stopped ones come back for the next round.
	for a in "${apps[@]}"; do
		[[ $(jq -r --arg a "$a" '.[] | select(.name == $a) | .status' \
		    "$TEST_TMP/list.json") == online ]] ||
		    assert_exit 0 "$OPM" start "$a"
	done
	done_rounds=$i
done
echo "after $done_rounds kills: $(for k in "${!seen[@]}"; do
	printf '%s %s, ' "$k" "${seen[$k]}"; done)" >&2
(( done_rounds >= min_rounds )) || fail "only $done_rounds rounds"

wait_settled "at the end"
assert_eq 0 "$(app_field ticker restarts)" "restarts of the ticker"
n=$(last_seq "$out_log")
wait_for 5 seq_above "$out_log" "$n"
# The ticker's log: every line once, in order, none missing. Output moves
# from the pipe to the file by splice(2), so a byte is always either still
# in the pipe (which the keeper holds across the daemon's death) or in the
# file (ARCHITECTURE.md, daemon death, 2.): a kill at any point loses
# nothing and duplicates nothing.
if ! out=$(_complete_lines "$out_log" | awk '
    $0 + 0 <= prev { printf "line %d is [%s] after [%s]\n", NR, $0, prev;
        bad = 1; exit 1 }
    $0 != prev + 1 { printf "line %d is [%s] after [%s]: a gap\n", NR, $0,
        prev; bad = 1; exit 1 }
    { prev = $0 }
    END { if (bad) exit 1; printf "%d lines, no gap\n", NR }'); then
	fail "$out_log after $done_rounds kills: $out"
fi
echo "ticker log after $done_rounds kills: $out" >&2
