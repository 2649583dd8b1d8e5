#!/usr/bin/env bash
# An app that ignores SIGTERM is SIGKILLed after its kill timeout: with
# --kill-timeout 500ms, `opm stop` takes at least about 0.5 s and well under
# 3 s, and the process is gone when it returns. The stop is not a crash.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name stubborn --min-uptime 300ms \
    --kill-timeout 500ms "$TESTAPP" tag "$TAG" ignore TERM forever
wait_status stubborn online
pid=$(app_field stubborn pid)
track_pid "$pid"
# It really ignores TERM.
kill -TERM "$pid"
sleep 0.2
pid_alive "$pid" || fail "the app did not ignore SIGTERM"

t0=${EPOCHREALTIME/[.,]/}
assert_exit 0 "$OPM" stop stubborn
t1=${EPOCHREALTIME/[.,]/}
ms=$(( (t1 - t0) / 1000 ))
echo "stop took ${ms} ms"
pid_dead "$pid" || fail "pid $pid alive after stop returned"
(( ms >= 450 )) || fail "stop took ${ms} ms, less than the 500ms kill timeout"
(( ms < 3000 )) || fail "stop took ${ms} ms (want < 3000)"
assert_eq stopped "$(app_field stubborn status)"
assert_eq 0 "$(app_field stubborn restarts)" "restarts"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes left"
