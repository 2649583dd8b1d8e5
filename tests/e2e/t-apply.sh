#!/usr/bin/env bash
# opm apply FILE (issue 18): creates missing apps, restarts those whose
# saved configuration changed (naming the keys), leaves identical ones
# alone, deletes the others with --prune, rebuilds an app whose instances
# changed; --dry-run changes nothing; a second apply changes nothing and
# says so; a bad file changes nothing.
. "$(dirname "$0")/lib.sh"
setup
cd "$TEST_TMP"

v1()
{
	cat >apps.json <<EOF2
{"apps": [
 {"name": "a", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]},
 {"name": "b", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
  "env": {"X": "1"}}]}
EOF2
}
v1
assert_exit 0 "$OPM" apply apps.json --dry-run --json
assert_eq '["a","b"]' "$(jq -c .created <<<"$OUT")"
assert_eq true "$(jq .dry_run <<<"$OUT")"
assert_exit 0 "$OPM" list --json
assert_eq '[]' "$(jq -c . <<<"$OUT")" "a dry run creates nothing"

assert_exit 0 "$OPM" apply apps.json
assert_eq $'a: created\nb: created' "$OUT"
wait_status a online
wait_status b online
apid=$(app_field a pid)
bpid=$(app_field b pid)

# Idempotent: the same file again changes nothing.
assert_exit 0 "$OPM" apply apps.json
assert_eq "nothing to change (2 apps unchanged)" "$OUT"
assert_exit 0 "$OPM" apply apps.json --json
assert_eq '{"created":[],"changed":[],"unchanged":["a","b"],"deleted":[],"failed":[]}' \
    "$(jq -c . <<<"$OUT")"
assert_eq "$apid" "$(app_field a pid)"
assert_eq "$bpid" "$(app_field b pid)"

# b changes (env, kill_timeout), c is new, a is gone from the file.
cat >apps.json <<EOF2
{"apps": [
 {"name": "b", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
  "env": {"X": "2"}, "kill_timeout": "4s"},
 {"name": "c", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]}]}
EOF2
assert_exit 0 "$OPM" apply apps.json --dry-run
assert_eq $'c: to create\nb: to change (env, kill_timeout)' "$OUT" \
    "without --prune, a is not in the plan"
assert_exit 0 "$OPM" apply apps.json --prune --dry-run --json
assert_eq '{"created":["c"],"changed":[{"name":"b","keys":["env","kill_timeout"]}],"unchanged":[],"deleted":["a"],"dry_run":true}' \
    "$(jq -c . <<<"$OUT")"
assert_eq "$bpid" "$(app_field b pid)" "a dry run restarts nothing"
assert_exit 0 "$OPM" apply apps.json --prune --json
assert_eq '{"created":["c"],"changed":[{"name":"b","keys":["env","kill_timeout"]}],"unchanged":[],"deleted":["a"],"failed":[]}' \
    "$(jq -c . <<<"$OUT")"
wait_status b online
wait_status c online
assert_ne "$bpid" "$(app_field b pid)" "b restarted"
assert_eq 1 "$(app_field b restarts)"
assert_exit 0 "$OPM" env b
assert_contains "$OUT" "X=2"
assert_exit 0 "$OPM" info b --json
assert_eq 4000 "$(jq .config.kill_timeout <<<"$OUT")"
assert_exit 1 "$OPM" info a
wait_for 10 not pid_alive "$apid"

# Again: nothing to change, with --prune too.
assert_exit 0 "$OPM" apply apps.json --prune
assert_eq "nothing to change (2 apps unchanged)" "$OUT"

# instances: the app is rebuilt with two instances.
sed -i 's/"name": "c", /"name": "c", "instances": 2, /' apps.json
assert_exit 0 "$OPM" apply apps.json --prune
assert_contains "$OUT" "c: changed (instances)"
two_c()
{
	"$OPM" list --json | jq -e '[.[] | select(.name == "c" and
	    .status == "online")] | length == 2' >/dev/null
}
wait_for 10 two_c
assert_exit 0 "$OPM" apply apps.json --prune
assert_eq "nothing to change (2 apps unchanged)" "$OUT"

# A bad file: one line per problem, exit 1, nothing changed.
cat >bad.json <<EOF2
{"apps": [{"name": "b", "script": "$TESTAPP", "kill_timeout": "soon"},
 {"name": "d", "script": "/nonexistent/prog"}]}
EOF2
bpid=$(app_field b pid)
assert_exit 1 "$OPM" apply bad.json --prune
assert_contains "$ERR" "kill_timeout"
assert_contains "$ERR" "/nonexistent/prog"
assert_eq "$bpid" "$(app_field b pid)"
assert_exit 0 "$OPM" list --json
assert_eq 3 "$(jq length <<<"$OUT")"

# Usage errors: exit 2.
assert_exit 2 "$OPM" apply
assert_exit 2 "$OPM" apply apps.json --bogus
