#!/usr/bin/env bash
# start|stop|restart|reload|delete FILE act on the apps of the app file, by
# name (an app without one by the name opm gives it); --only picks some.
# Apps of the file that do not exist are an error naming every one of
# them, and nothing is done.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

f=$TEST_TMP/ecosystem.config.json
cat >"$f" <<JSON
{"apps": [
  {"name": "w1", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]},
  {"name": "w2", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]},
  {"argv": ["$TESTAPP", "tag", "$TAG", "forever"]}
]}
JSON
anon=$(basename "$TESTAPP")

# Nothing of the file exists yet: every name is in the error.
for cmd in stop restart reload delete; do
	assert_exit 1 "$OPM" "$cmd" "$f"
	assert_contains "$ERR" "opm: $cmd: $f: no app 'w1', 'w2', '$anon'"
done
assert_exit 0 "$OPM" start "$f"
for a in w1 w2 "$anon"; do
	wait_status "$a" online
done
# An app of opm outside the file is never touched.
assert_exit 0 "$OPM" start --name other "$TESTAPP" tag "$TAG" forever
wait_status other online
other_pid=$(app_field other pid)

assert_exit 0 "$OPM" stop "$f" --only w2
assert_eq "w2: stopped (id 1, stopped)" "$OUT"
assert_eq online "$(app_field w1 status)"
assert_exit 0 "$OPM" stop "$f"
for a in w1 w2 "$anon"; do
	assert_eq stopped "$(app_field "$a" status)" "$a after stop FILE"
done
# start FILE starts the apps of the file that exist stopped, as PM2 does.
assert_exit 0 "$OPM" start "$f"
assert_contains "$OUT" "w1: started"
assert_not_contains "$OUT" "exists"
for a in w1 w2 "$anon"; do
	wait_status "$a" online
done
p1=$(app_field w1 pid)
assert_exit 0 "$OPM" restart "$f"
assert_contains "$OUT" "w1: restarted"
assert_ne "$p1" "$(app_field w1 pid)" "w1 pid after restart FILE"
assert_eq 1 "$(app_field w1 restarts)"
p1=$(app_field w1 pid)
assert_exit 0 "$OPM" reload "$f" --only=w1
assert_ne "$p1" "$(app_field w1 pid)" "w1 pid after reload FILE"
assert_eq 1 "$(app_field w2 restarts)" "w2 not reloaded by --only w1"
assert_exit 1 "$OPM" restart "$f" --only w3
assert_contains "$ERR" "no app 'w3' in the file"
assert_exit 2 "$OPM" stop w1 --only w1
assert_contains "$ERR" "--only selects apps of an app file"
# Deleting one leaves the file half there: stop FILE names what is missing.
assert_exit 0 "$OPM" delete "$f" --only w2
p1=$(app_field w1 pid)
assert_exit 1 "$OPM" stop "$f"
assert_contains "$ERR" "no app 'w2'"
assert_not_contains "$ERR" "w1"
assert_eq "$p1" "$(app_field w1 pid)" "w1 after the failed stop FILE"
assert_exit 0 "$OPM" delete "$f" --only "w1,$anon"
assert_eq '["other"]' "$("$OPM" list --json | jq -c 'map(.name)')"
assert_eq "$other_pid" "$(app_field other pid)" "the app outside the file"
