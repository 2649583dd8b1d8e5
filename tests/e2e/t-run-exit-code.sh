#!/usr/bin/env bash
# The exit status of opm run (src/daemon/run.c): once no app runs or waits
# to be restarted, that of the first app that failed, else 0.
#   - ok exits 0 and bad exits 3 later, both without restarts: 3;
#   - an app killed by SIGKILL (its own): 128 + 9 = 137;
#   - an app restarted per its policy (max_restarts 2) that keeps exiting
#     5 ends errored: 5, after 3 runs (the run waits for the restarts);
#   - a file the daemon refuses (a bad value): 1, one line naming it, and
#     no daemon left; a missing file: 1 before any daemon starts;
#   - --only picks the apps that run: the failing one left out, 0.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

cat >"$TEST_TMP/codes.json" <<JSON
{"apps": [
 {"name": "ok", "script": "$TESTAPP", "autorestart": false,
  "args": ["tag", "$TAG", "print", "ok-done", "exit", "0"]},
 {"name": "bad", "script": "$TESTAPP", "autorestart": false,
  "args": ["tag", "$TAG", "sleep", "0.3", "print", "bad-done", "exit", "3"]}
]}
JSON
run_start "$TEST_TMP/codes.json"
run_wait 20
assert_eq 3 "$RUN_RC" "ok 0, bad 3: $(tail -n 3 "$RUN_ERR")"
grep -qxF "ok | ok-done" "$RUN_OUT" || fail "no output of ok"
grep -qxF "bad | bad-done" "$RUN_OUT" || fail "no output of bad"
assert_contains "$(cat "$RUN_ERR")" "bad: failed (exited; restart is never)"

run_start --only ok "$TEST_TMP/codes.json"
run_wait 20
assert_eq 0 "$RUN_RC" "--only ok"
assert_not_contains "$(cat "$RUN_OUT")" "bad-done" "--only ran bad"

cat >"$TEST_TMP/sig.json" <<JSON
[{"name": "sig", "script": "$TESTAPP", "autorestart": false,
  "args": ["tag", "$TAG", "kill", "SIGKILL"]}]
JSON
run_start "$TEST_TMP/sig.json"
run_wait 20
assert_eq 137 "$RUN_RC" "killed by SIGKILL"

cat >"$TEST_TMP/loop.json" <<JSON
{"name": "loop", "script": "$TESTAPP", "max_restarts": 2,
 "restart_delay": "0", "backoff_max": "100ms",
 "args": ["tag", "$TAG", "print", "try", "exit", "5"]}
JSON
run_start "$TEST_TMP/loop.json"
run_wait 30
assert_eq 5 "$RUN_RC" "errored after its restarts: $(tail -n 3 "$RUN_ERR")"
assert_eq 3 "$(grep -cxF "loop | try" "$RUN_OUT")" "runs of loop"
assert_contains "$(cat "$RUN_ERR")" "loop: failed (failed too many starts"

cat >"$TEST_TMP/refused.json" <<JSON
{"apps": [{"name": "x", "script": "$TESTAPP", "kill_timeout": "soon"}]}
JSON
run_start "$TEST_TMP/refused.json"
run_wait 20
assert_eq 1 "$RUN_RC" "a refused file"
assert_contains "$(cat "$RUN_ERR")" "kill_timeout"
assert_eq 0 "$(count_daemons)" "daemons left"

assert_exit 1 "$OPM" run "$TEST_TMP/nothing.json"
assert_contains "$ERR" "nothing.json"
assert_exit 2 "$OPM" run
assert_eq 0 "$(count_daemons)" "daemons left"
