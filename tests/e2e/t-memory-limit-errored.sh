#!/usr/bin/env bash
# max_memory_restart (issue 15 item 2): an app over its limit right after
# every start is not restarted for ever: each memory restart before
# min_uptime is a failed start, and after max_restarts it is errored.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/memory-lib.sh
. "$(dirname "$0")/memory-lib.sh"
setup

cd "$TEST_TMP"
cat >fat.py <<'PY'
import sys, time
held = b"x" * (80 << 20)
while True:
    time.sleep(1)
PY
assert_exit 0 "$OPM" start --name fat --max-memory-restart 30M \
    --min-uptime 20s --max-restarts 2 python3 fat.py tag "$TAG"
wait_status fat errored 60
assert_eq 2 "$(app_field fat restarts_by_cause.memory)" "memory restarts"
assert_eq 0 "$(app_field fat restarts_by_cause.crash)" "crash restarts"
assert_contains "$(app_field fat reason)" "failed too many starts in a row"
grep -Eq "fat: memory: [0-9]+ MB over max_memory_restart 30 MB" \
    "$OPM_HOME/opmd.log" || fail "no memory restart in the log"
