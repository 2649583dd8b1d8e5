#!/usr/bin/env bash
# cron_mode: run (README "Scheduled restarts and jobs"): a job is started
# at its times, runs to completion and stops; a time that comes while it
# still runs is skipped, so two runs never overlap. A job that takes 3 s on
# a schedule of every 2 s: runs alternate start/end, the daemon log says
# "still running; skipped", a clean exit is not restarted (stopped, not a
# restart), and a failing run is retried as with restart on-failure.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cat >"$TEST_TMP/job.py" <<'PY'
import os, sys, time
log = sys.argv[1]
with open(log, "a") as f:
    f.write("start %d %.3f\n" % (os.getpid(), time.time()))
time.sleep(3)
with open(log, "a") as f:
    f.write("end %d %.3f\n" % (os.getpid(), time.time()))
PY
cat >"$TEST_TMP/job.json" <<EOF2
{"name": "job", "script": "python3",
 "args": ["$TEST_TMP/job.py", "$TEST_TMP/runs", "tag", "$TAG"],
 "cron": "*/2 * * * * *", "cron_mode": "run", "autostart": false}
EOF2
assert_exit 0 "$OPM" start "$TEST_TMP/job.json"
assert_eq stopped "$(app_field job status)" "created stopped"
ends() { [[ $(grep -c '^end' "$TEST_TMP/runs" 2>/dev/null) -ge 3 ]]; }
wait_for 40 ends
assert_exit 0 "$OPM" delete job
grep -q 'job: cron_restart .*: still running; skipped' "$OPM_HOME/opmd.log" ||
	fail "no 'still running; skipped' in the daemon log"
grep -q 'job: .*exited cleanly; the job is done until its next time' \
    "$OPM_HOME/opmd.log" || fail "no 'the job is done' in the daemon log"
grep -c 'a scheduled run' "$OPM_HOME/opmd.log" >/dev/null ||
	fail "no scheduled run logged"
python3 - "$TEST_TMP/runs" <<'PY' || fail "runs overlap: see above"
import sys
lines = [l.split() for l in open(sys.argv[1])]
print("runs:", [(l[0], l[2]) for l in lines])
# start, end, start, end...: one run at a time, the end of the one begun.
for i, l in enumerate(lines):
    want = "start" if i % 2 == 0 else "end"
    assert l[0] == want, "line %d is %s, not %s" % (i, l[0], want)
    if want == "end":
        assert l[1] == lines[i - 1][1], "ends another run"
# Python's start-up on a loaded machine delays some: most on time.
starts = [float(l[2]) for l in lines if l[0] == "start"]
late = [x for x in starts if x % 2 >= 0.9]
assert len(late) * 2 <= len(starts), "not after even seconds: %s" % late
PY

# A failing run is retried (on-failure), and a run ends in errored after
# max_restarts; the next time starts it again.
cat >"$TEST_TMP/fail.json" <<EOF2
{"name": "fail", "script": "sh",
 "args": ["-c", "echo run >>$TEST_TMP/fails; exit 3", "tag", "$TAG"],
 "cron": "*/2 * * * * *", "cron_mode": "run", "autostart": false,
 "max_restarts": 1, "min_uptime": "100ms", "restart_delay": "0"}
EOF2
assert_exit 0 "$OPM" start "$TEST_TMP/fail.json"
two_rounds() { [[ $(grep -c run "$TEST_TMP/fails" 2>/dev/null) -ge 4 ]]; }
wait_for 30 two_rounds
assert_exit 0 "$OPM" delete fail
grep -q 'fail: .*failed too many starts in a row' "$OPM_HOME/opmd.log" ||
	fail "the failing job did not end errored"
teardown
