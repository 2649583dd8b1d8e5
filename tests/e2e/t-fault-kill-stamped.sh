#!/usr/bin/env bash
# Timestamped logs through daemon SIGKILLs: a stamped chunk has left the
# pipe for the spool before its stamped form is written (logf.c), and a
# daemon killed in between leaves it to its successor, which writes it at
# the offset the ledger noted. The test knob OPM_TEST_STAMP_DELAY_MS holds
# every chunk in that window for 5 ms, so that random kills land there:
# after them the ticker's log has every line once, in order, each with a
# whole stamp, and the daemon log shows chunks were recovered.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

STAMP_RE='[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z'
export OPM_TEST_STAMP_DELAY_MS=5
rounds=${KILL_STAMPED_ROUNDS:-15}

# The number on the last complete line of FILE, after its stamp (0 if none).
stamped_seq()
{
	local n

	n=$(_complete_lines "$1" | tail -n 1 | awk '{ print $2 + 0 }')
	echo "${n:-0}"
}

# Succeeds once FILE's last number is above N.
stamped_above()
{
	(( $(stamped_seq "$1") > $2 ))
}

assert_exit 0 "$OPM" start --name ticker --log-time "$TESTAPP" tag "$TAG" \
    tag ticker tick 10
wait_status ticker online
ticker_pid=$(app_field ticker pid)
out_log=$(app_field ticker out_log)
wait_for 5 stamped_above "$out_log" 5

for ((i = 1; i <= rounds; i++)); do
	dpid=$(opmd_pidfile)
	sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
	kill -KILL "$dpid"
	wait_for 5 pid_dead "$dpid"
	assert_exit 0 "$OPM" ping
	n=$(stamped_seq "$out_log")
	wait_for 5 stamped_above "$out_log" "$n"
done
pid_alive "$ticker_pid" || fail "the ticker died"
assert_eq "$ticker_pid" "$(app_field ticker pid)" "pid of the ticker"

# Every complete line: a whole stamp, then the next number.
_complete_lines "$out_log" >"$TEST_TMP/lines"
bad=$(grep -Envx -- "$STAMP_RE [0-9]+" "$TEST_TMP/lines" | head -n 3 || true)
[[ -z $bad ]] || fail "$out_log: lines not stamped whole: [$bad]"
if ! out=$(awk '
    { n = $2 + 0 }
    n != prev + 1 { printf "line %d is [%s] after %d\n", NR, $0, prev;
        exit 1 }
    { prev = n }
    END { printf "%d lines\n", NR }' "$TEST_TMP/lines"); then
	fail "$out_log after $rounds kills: $out"
fi
echo "ticker log after $rounds kills: $out" >&2
recovered=$(grep -c 'a killed daemon left unwritten' "$OPM_HOME/opmd.log" ||
    true)
echo "stamped chunks recovered: $recovered" >&2
(( recovered > 0 )) || fail "no kill landed between spool and file"
