#!/usr/bin/env bash
# A stop or a delete is never counted as a crash, even racing the launch:
# 20 times, start an app and stop it at once (while launching); 10 times,
# start a stopped app and stop it at once; 10 times, create and delete at
# once. Afterwards every app is stopped with restarts 0, no process runs, and
# nothing is respawned later.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

for i in $(seq 1 20); do
	assert_exit 0 "$OPM" start --name "r$i" "$TESTAPP" tag "$TAG" tag "r$i" forever
	assert_exit 0 "$OPM" stop "r$i"
	assert_eq 0 "$(count_procs "*/opm-testapp tag $TAG tag r$i forever")" \
	    "processes of r$i when stop returned"
done

assert_exit 0 "$OPM" start --name same "$TESTAPP" tag "$TAG" tag same forever
assert_exit 0 "$OPM" stop same
for i in $(seq 1 10); do
	assert_exit 0 "$OPM" start same
	assert_exit 0 "$OPM" stop same
done

for i in $(seq 1 10); do
	assert_exit 0 "$OPM" start --name "d$i" "$TESTAPP" tag "$TAG" tag "d$i" forever
	assert_exit 0 "$OPM" delete "d$i"
done

check()
{
	local json bad

	json=$("$OPM" list --json)
	assert_eq 21 "$(jq length <<<"$json")" "apps ($1)"
	bad=$(jq -c 'map(select(.status != "stopped" or .restarts != 0 or
	    .pid != null) | [.name, .status, .restarts, .pid])' <<<"$json")
	assert_eq '[]' "$bad" "apps not stopped or with restarts ($1)"
	assert_eq 0 "$(count_procs "*tag $TAG *")" "processes ($1)"
}
check "right after the loops"
# Longer than the first backoff steps: a stop taken for a crash would
# have respawned by now.
sleep 0.5
check "0.5 s later"
