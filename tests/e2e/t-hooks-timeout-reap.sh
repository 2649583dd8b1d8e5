#!/usr/bin/env bash
# Hooks are the daemon's children next to the apps (issue 17 item 2): a
# hook still running after hook_timeout is killed with its process group;
# a hook that outlives the app run that fired it is never taken for the
# app's orphan (the reaper and app-tree.c know it), so an app that crashes
# while its hook runs restarts as usual and the hook finishes; app exits
# and hook exits at the same moment are all seen (restarts counted, every
# hook reaped and logged).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# --- timeout ------------------------------------------------------------
cat >"$TEST_TMP/slow.json" <<JSON
{"name": "slow", "argv": ["$TESTAPP", "tag", "$TAG", "forever"],
 "cwd": "$TEST_TMP", "hook_timeout": "500ms",
 "hooks": {"online": "echo started; exec sleep 600 # $TAG"}}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/slow.json"
wait_status slow online
logged()
{
	grep -q -- "$1" "$OPM_HOME/opmd.log"
}
wait_for 5 logged "slow: hook online: started"
wait_for 10 logged "slow: hook online: still running after 500 ms; killing it"
wait_for 5 logged "slow: hook online: pid [0-9]* killed by signal SIGKILL after [0-9]* ms (timed out)"
gone()
{
	(( $(count_procs "sleep 600*") == 0 ))
}
wait_for 5 gone
assert_exit 0 "$OPM" metrics
assert_contains "$OUT" "opm_hook_timeouts_total 1"
assert_eq online "$(app_field slow status)" "the app is left alone"
assert_exit 0 "$OPM" delete slow

# --- a hook outliving the run that fired it, exits at once ---------------
# Each run lives 0.3 s and exits 1 (past min_uptime: restarted at once);
# its online hook lives 0.3 s too: app and hook end together, and the
# hook still runs when the next app process starts.
cat >"$TEST_TMP/race.json" <<JSON
{"name": "race", "argv": ["$TESTAPP", "tag", "$TAG", "sleep", "0.3",
  "exit", "1"],
 "cwd": "$TEST_TMP", "min_uptime": "100ms", "hook_window": 0,
 "hooks": {"online": "sleep 0.3; echo \$OPM_SEQ >>$TEST_TMP/done # $TAG",
	   "exit": "echo \$OPM_SEQ >>$TEST_TMP/exit # $TAG"}}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/race.json"
restarts_at_least()
{
	(( $(app_field race restarts) >= $1 ))
}
wait_for 30 restarts_at_least 6
assert_exit 0 "$OPM" stop race
# Every hook run is reaped, exited 0 (none killed as the app's leftover).
hooks_done()
{
	local started exited

	started=$(grep -c 'race: hook [a-z]*: started' "$OPM_HOME/opmd.log")
	exited=$(grep -c 'race: hook [a-z]*: pid [0-9]* exited with code 0' \
	    "$OPM_HOME/opmd.log")
	echo "started $started exited $exited"
	(( started > 0 && started == exited ))
}
wait_for 10 hooks_done
if grep -q 'race: hook [a-z]*: pid [0-9]* killed' "$OPM_HOME/opmd.log"; then
	fail "a hook was killed: $(grep 'race: hook' "$OPM_HOME/opmd.log")"
fi
if grep -q 'race: killing what is left' "$OPM_HOME/opmd.log"; then
	fail "a hook was taken for the app's leftover"
fi
onlines=$(grep -c 'race: hook online: started' "$OPM_HOME/opmd.log")
(( $(wc -l <"$TEST_TMP/done") == onlines )) ||
    fail "$onlines online hooks, $(wc -l <"$TEST_TMP/done") finished"
# Every exit of the app was seen: one exit event and hook per run.
assert_exit 0 "$OPM" events --json race
exits=$(jq -s '[.[] | select(.event == "exit")] | length' <<<"$OUT")
assert_eq "$exits" "$(wc -l <"$TEST_TMP/exit")" "exit hooks for exits"
(( exits >= 7 )) || fail "$exits exits"
