#!/usr/bin/env bash
# The CLI never waits forever for a daemon that does not answer (stopped
# with SIGSTOP here): every request times out after OPM_TIMEOUT seconds
# (default 10) with exit 3 and a message saying so. A request the daemon is
# busy with but answers pings for (a stop waiting for a kill timeout) goes
# on waiting and says what it waits for.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name slow --kill-timeout 3s "$TESTAPP" \
    tag "$TAG" ignore TERM forever
wait_status slow online
dpid=$(daemon_pid)

kill -STOP "$dpid"
for cmd in ping version "daemon status" list "info slow"; do
	# shellcheck disable=SC2086
	assert_exit 3 env OPM_TIMEOUT=1 timeout 20 "$OPM" $cmd
	assert_contains "$ERR" "the daemon did not answer within 1s" "$cmd"
done
assert_exit 3 env OPM_TIMEOUT=500ms timeout 20 "$OPM" ping
assert_contains "$ERR" "did not answer within 500ms"
kill -CONT "$dpid"
assert_exit 0 env OPM_TIMEOUT=1 "$OPM" ping

# Busy, not hung: the stop lasts the kill timeout (3 s) and succeeds.
assert_exit 0 env OPM_TIMEOUT=1 timeout 20 "$OPM" stop slow
assert_contains "$ERR" "waiting for the daemon to stop slow"
assert_eq stopped "$(app_field slow status)"

# An invalid OPM_TIMEOUT is a usage error that names it.
assert_exit 2 env OPM_TIMEOUT=soon "$OPM" ping
assert_contains "$ERR" "OPM_TIMEOUT"
echo "ok: a stopped daemon gives exit 3 after OPM_TIMEOUT; a busy one is waited for"
