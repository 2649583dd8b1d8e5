#!/usr/bin/env bash
# opm save writes OPM_HOME/dump.json, mode 0600 in a 0700 directory: valid
# JSON {"version":1,"apps":[...]} holding configuration and desired state
# only. No runtime field (pid, uptime, restarts, start times, status...)
# anywhere in it, even for apps that were restarted. A second save keeps
# the first dump, byte for byte, as dump.json.bak (0600).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dump=$OPM_HOME/dump.json

assert_exit 0 "$OPM" start --name run1 --env SECRET=s3 \
    "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name run2 "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name idle --no-autostart \
    "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name halted "$TESTAPP" tag "$TAG" forever
wait_status run1 online
wait_status run2 online
wait_status halted online
assert_exit 0 "$OPM" stop halted
# Counters and pids that must not leak into the dump.
assert_exit 0 "$OPM" restart run2
wait_status run2 online
assert_eq 1 "$(app_field run2 restarts)" "restarts of run2"

assert_exit 0 "$OPM" save
[[ -f $dump ]] || fail "opm save did not write $dump"
assert_file_mode 600 "$dump"
assert_file_mode 700 "$OPM_HOME"
jq -e . "$dump" >/dev/null || fail "$dump is not valid JSON"
assert_eq 1 "$(jq '.version' "$dump")" "dump version"
assert_eq '["halted","idle","run1","run2"]' \
    "$(jq -c '[.apps[].name] | sort' "$dump")" "apps in the dump"
assert_eq running "$(jq -r '.apps[] | select(.name == "run1") | .desired' \
    "$dump")" "desired state of run1"
assert_eq running "$(jq -r '.apps[] | select(.name == "run2") | .desired' \
    "$dump")" "desired state of run2"
assert_eq stopped "$(jq -r '.apps[] | select(.name == "idle") | .desired' \
    "$dump")" "desired state of idle"
assert_eq stopped "$(jq -r '.apps[] | select(.name == "halted") |
    .desired' "$dump")" "desired state of halted"
assert_eq s3 "$(jq -r '.apps[] | select(.name == "run1") | .env.SECRET' \
    "$dump")" "configured env of run1"
assert_eq "$(app_field run1 id)" \
    "$(jq -r '.apps[] | select(.name == "run1") | .id' "$dump")" "id of run1"

# Every object key at any depth: none may be runtime state.
keys=$(jq -r '[paths | .[] | strings] | unique | .[]' "$dump")
runtime_key='^(pid|pids|pgid|ppid|uptime|uptime_ms|restarts|started|started_at|start_time|starttime|status|state|exit_code|exit_signal|memory_bytes|cpu_percent|fails|failed_starts|timer_due|boot_id|reason)$'
bad=$(grep -E "$runtime_key" <<<"$keys" || true)
assert_eq "" "$bad" "runtime keys in the dump"
# Belt and braces: the live pids of the apps are not in it as numbers.
for app in run1 run2; do
	pid=$(app_field "$app" pid)
	[[ $pid =~ ^[0-9]+$ ]] || fail "no pid for $app: [$pid]"
	n=$(jq --argjson p "$pid" '[.. | numbers | select(. == $p)] | length' \
	    "$dump")
	assert_eq 0 "$n" "pid $pid of $app appears as a number in the dump"
done

# Second save: the first dump becomes dump.json.bak, byte for byte.
cp -- "$dump" "$TEST_TMP/first.json"
assert_exit 0 "$OPM" delete idle
assert_exit 0 "$OPM" save
assert_file_mode 600 "$dump"
assert_file_mode 600 "$dump.bak"
cmp -s -- "$TEST_TMP/first.json" "$dump.bak" ||
    fail "dump.json.bak is not the previous dump"
assert_eq '["halted","run1","run2"]' \
    "$(jq -c '[.apps[].name] | sort' "$dump")" "apps after the second save"
# No temporary file left behind by a successful save.
leftovers=$(find "$OPM_HOME" -maxdepth 1 -name 'dump.json*' \
    ! -name dump.json ! -name dump.json.bak -printf '%f ')
assert_eq "" "$leftovers" "stray files next to the dump"
