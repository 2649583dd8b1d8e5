#!/usr/bin/env bash
# Hooks (issue 17 item 2): a crash loop runs the crash hook once per
# hook_window, not once per crash, and the errored hook once; the next run
# after a window says how many were held back (OPM_SUPPRESSED); a hook sees
# the event in its environment (OPM_EVENT, OPM_APP, OPM_EXIT_CODE, ...,
# OPM_SEQ matching `opm events`), stdin /dev/null, the app's cwd and env;
# its output lands in the daemon's log; a bad event name is refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

mkdir "$TEST_TMP/cwd"
rec=$TEST_TMP/rec.sh
cat >"$rec" <<'SH'
#!/bin/sh
# Appends one line per run: the variables, stdin and cwd.
in=$(cat)
printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$OPM_HOOK" "$OPM_EVENT" \
    "$OPM_APP" "$OPM_INSTANCE" "$OPM_EXIT_CODE" "$OPM_EXIT_SIGNAL" \
    "$OPM_CAUSE" "$OPM_REASON" "$OPM_SEQ" "$OPM_SUPPRESSED" "$in" \
    "$(pwd)" "$MY_VAR" >>"$1"
echo "hook said hello"
SH
chmod +x "$rec"

# A crash loop of six exits (0, 0.1, 0.3, 0.7, 1.5, 3.1 s: the backoff),
# the first four within one window of 1 s.
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "loop", "argv": ["$TESTAPP", "tag", "$TAG", "exit", "3"],
  "cwd": "$TEST_TMP/cwd", "min_uptime": "2s", "max_restarts": 5,
  "env": {"MY_VAR": "mine"},
  "hook_window": "1s",
  "hooks": {"crash": "$rec $TEST_TMP/crash.log",
	    "errored": "$rec $TEST_TMP/errored.log"}}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status loop errored 30
lines()
{
	[[ -e $1 ]] && (( $(wc -l <"$1") >= $2 ))
}
wait_for 10 lines "$TEST_TMP/errored.log" 1
assert_exit 0 "$OPM" events --json loop
ev=$OUT
exits=$(jq -s '[.[] | select(.event == "exit")] | length' <<<"$ev")
assert_eq 6 "$exits" "exits of the loop"
# Every hook run is reaped before the assertions (the log says so).
runs_done()
{
	(( $(grep -c 'loop: hook \(crash\|errored\): pid [0-9]* exited with code 0' \
	    "$OPM_HOME/opmd.log") == $1 ))
}
runs=$(wc -l <"$TEST_TMP/crash.log")
wait_for 10 runs_done $((runs + 1))
echo "crash hook runs: $runs for $exits crashes"
cat "$TEST_TMP/crash.log"
(( runs >= 2 && runs < exits )) ||
    fail "$runs crash hook runs for $exits crashes with a 1 s window"
assert_eq 1 "$(wc -l <"$TEST_TMP/errored.log")" "errored hook runs"

# The first run: every variable, stdin empty, the app's cwd and env.
IFS='|' read -r hook event app inst code sig cause reason seq supp in cwd \
    var <"$TEST_TMP/crash.log"
assert_eq "crash exit loop  3  crash" \
    "$hook $event $app $inst $code $sig $cause" "variables"
assert_eq "exited with code 3" "$reason" "OPM_REASON"
assert_eq 0 "$supp" "OPM_SUPPRESSED of the first run"
assert_eq "" "$in" "stdin"
assert_eq "$TEST_TMP/cwd" "$cwd" "cwd"
assert_eq mine "$var" "the app's environment"
assert_eq '"exit"' "$(jq -s --argjson s "$seq" '.[] | select(.seq == $s) |
    .event' <<<"$ev")" "OPM_SEQ names the exit event"
# Held back ones are counted: a later run says how many, and every
# exit either ran the hook or was counted, but the last window's.
total=$(awk -F'|' '{ s += $10 } END { print s + NR }' "$TEST_TMP/crash.log")
(( total <= exits )) || fail "runs + suppressed = $total > $exits"
awk -F'|' 'NR > 1 && $10 > 0 { f = 1 } END { exit !f }' \
    "$TEST_TMP/crash.log" || fail "no run says OPM_SUPPRESSED > 0"
IFS='|' read -r hook event app inst code sig cause reason seq supp in cwd \
    var <"$TEST_TMP/errored.log"
assert_eq "errored errored loop 3 failed too many starts in a row" \
    "$hook $event $app $code $reason" "errored hook"
# The hook's output is in the daemon's log.
assert_contains "$(<"$OPM_HOME/opmd.log")" "loop: hook crash: hook said hello"
assert_exit 0 "$OPM" metrics
assert_contains "$OUT" "opm_hook_runs_total $((runs + 1))"

# A typo is refused when the file is read.
cat >"$TEST_TMP/bad.json" <<JSON
{"name": "bad", "argv": ["$TESTAPP", "forever"], "cwd": "/",
 "hooks": {"crashed": "true"}}
JSON
assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
assert_contains "$ERR" "hooks: 'crashed' is no event"
