#!/usr/bin/env bash
# `online` means running: an app is online as soon as its program has been
# executed, even with --min-uptime 10s (PM2 users see it online at once);
# min_uptime still decides that an exit before it is a failed start, which
# backs off and ends in errored.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name slow --min-uptime 10s "$TESTAPP" tag "$TAG" forever
# The reply of start already says so.
assert_contains "$OUT" "online" "start's reply"
wait_status slow online 1
assert_exit 0 "$OPM" restart slow
wait_status slow online 1
assert_eq 1 "$(app_field slow restarts)" "restarts"

# An app that dies after 0.3 s: online meanwhile, each exit a failure.
assert_exit 0 "$OPM" start --name flaky --min-uptime 10s --max-restarts 2 \
    "$TESTAPP" tag "$TAG" sleep 0.3 exit 1
wait_status flaky online 1
wait_status flaky errored 15
assert_exit 0 "$OPM" info flaky --json
assert_eq 3 "$(jq .failed_starts <<<"$OUT")" "failed starts"
