#!/usr/bin/env bash
# cron_restart with 6 fields (README "Scheduled restarts and jobs"): an app
# on '*/2 * * * * *' is restarted every 2 seconds, on even seconds of the
# wall clock, each restart counted under restarts_by_cause.cron and never
# as a crash; info shows next_run.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# The app writes the wall-clock time of each stop signal: the fire time.
cat >"$TEST_TMP/app.py" <<'PY'
import signal, sys, time
def term(*_):
    with open(sys.argv[1], "a") as f:
        f.write("%.3f\n" % time.time())
    sys.exit(0)
signal.signal(signal.SIGTERM, term)
while True:
    time.sleep(60)
PY
assert_exit 0 "$OPM" start --name c --cron-restart '*/2 * * * * *' \
    python3 "$TEST_TMP/app.py" "$TEST_TMP/terms" tag "$TAG"
wait_status c online
cron_restarts() { [[ $(app_field c restarts_by_cause.cron) -ge 4 ]]; }
wait_for 30 cron_restarts
assert_exit 0 "$OPM" info --json c
next=$(jq -r .next_run <<<"$OUT")
[[ $next =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]([02468])[+-][0-9]{2}:[0-9]{2}$ ]] ||
	fail "next_run: not ISO 8601 with offset on an even second: $next"
assert_exit 0 "$OPM" info c
assert_contains "$OUT" "next_run" "info text"
cp "$TEST_TMP/terms" "$TEST_TMP/terms.cron"	# before opm stop's signal
assert_exit 0 "$OPM" stop c
assert_eq 0 "$(app_field c restarts_by_cause.crash)" "crash restarts"
assert_eq "$(app_field c restarts)" "$(app_field c restarts_by_cause.cron)" \
    "every restart by cron"

# Stop signals come just after even seconds (most within 0.5 s: a loaded
# machine delays some), never two in one 2-second slot.
python3 - "$TEST_TMP/terms.cron" <<'PY' || fail "restart times: see above"
import sys
t = [float(l) for l in open(sys.argv[1]) if l.strip()]
print("stop signals at", t)
assert len(t) >= 3, "fewer than 3 restarts seen"
slots = [int(x // 2) for x in t]
assert all(a < b for a, b in zip(slots, slots[1:])), "two in one slot"
late = [x for x in t if x % 2 >= 0.5]
assert len(late) * 2 <= len(t), "not on even seconds: %s" % late
PY
teardown
