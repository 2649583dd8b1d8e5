#!/usr/bin/env bash
# Automatic restarts are counted in `restarts`, one per restart, on every
# path the restart policy takes (README "Restart policy"): an app that
# crashes (SIGKILL) after min_uptime and comes back at once; one that runs
# past min_uptime, exits 1 and comes back after --restart-delay; one that
# fails at once and comes back after the backoff, until errored.
# (t-sup-restart-counter covers opm restart.)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

nlines()
{
	local n=0

	[[ -f $1 ]] && n=$(wc -l <"$1")
	echo "$n"
}

# crash: killed three times; each crash is one restart.
assert_exit 0 "$OPM" start --name crash --min-uptime 200ms "$TESTAPP" \
    tag "$TAG" tag crash forever
wait_status crash online
online_other_than()
{
	local p st

	p=$(app_field crash pid)
	st=$(app_field crash status)
	echo "crash: pid $p, status $st (old pid $1)"
	[[ $p != "$1" && $p != null && $st == online ]]
}
for i in 1 2 3; do
	p=$(app_field crash pid)
	kill -KILL "$p"
	wait_for 10 online_other_than "$p"
	assert_eq "$i" "$(app_field crash restarts)" "restarts after crash $i"
	assert_eq SIGKILL "$(app_field crash exit_signal)" "exit_signal after crash $i"
	pid_dead "$p" || fail "crashed pid $p alive"
done
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag crash forever")" \
    "processes of crash"

# late: up 0.5 s (past min_uptime), exits 1, restarted 1 s later. Read
# while it waits, when nothing moves for a second.
late_runs=$TEST_TMP/late-runs
assert_exit 0 "$OPM" start --name late --min-uptime 200ms --restart-delay 1s \
    "echo run >>$late_runs; exec $TESTAPP tag $TAG tag late sleep 0.5 exit 1"
waiting_after()
{
	local n st

	n=$(nlines "$late_runs")
	st=$(app_field late status)
	echo "late: runs $n, status $st"
	(( n >= $1 )) && [[ $st == waiting ]]
}
wait_for 20 waiting_after 3
n=$(nlines "$late_runs")
assert_exit 0 "$OPM" info late --json
echo "late: runs $n: $(jq -c '{status, restarts, exit_code}' <<<"$OUT")"
assert_eq waiting "$(jq -r .status <<<"$OUT")" \
    "test premise: late still waiting when read"
assert_eq $((n - 1)) "$(jq .restarts <<<"$OUT")" "restarts of late after $n runs"
assert_eq 1 "$(jq .exit_code <<<"$OUT")" "exit_code of late"
assert_exit 0 "$OPM" stop late

# flap: fails at once, --max-restarts 2: three runs, two restarts, errored.
flap_runs=$TEST_TMP/flap-runs
assert_exit 0 "$OPM" start --name flap --max-restarts 2 --min-uptime 1s \
    "echo run >>$flap_runs; exit 1 # $TAG"
wait_status flap errored 10
assert_eq 3 "$(nlines "$flap_runs")" "runs of flap"
assert_eq 2 "$(app_field flap restarts)" "restarts of flap"

# Each app counts its own.
assert_eq 3 "$(app_field crash restarts)" "restarts of crash at the end"
