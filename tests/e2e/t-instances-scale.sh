#!/usr/bin/env bash
# opm scale NAME N|+N|-N: new instances take the next numbers and start;
# removing takes the highest numbers first (stopped, then deleted), and
# the others keep their ids and pids. The count is the app's configuration:
# save writes one dump entry with instances N, and restore brings N back,
# each with its id. Scaling to 0, an unknown app, or an app created without
# instances is refused, and changes nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"

list_is()
{
	[[ $("$OPM" list --json | jq -c "$1") == "$2" ]]
}
online()
{
	"$OPM" list --json | jq -c '[.[] | select(.status == "online") | .instance]'
}

assert_exit 0 "$OPM" start -i 2 --name w "$TESTAPP" tag "$TAG" forever
wait_for 10 list_is '[.[].status]' '["online","online"]'
first=$("$OPM" list --json)

# +2: instances 2 and 3, started; 0 and 1 untouched.
assert_exit 0 "$OPM" scale w +2
assert_contains "$OUT" "w:2: created"
assert_contains "$OUT" "w:3: created"
wait_for 10 list_is '[.[] | select(.status == "online") | .instance]' '[0,1,2,3]'
assert_eq "$(jq -c '[.[].pid]' <<<"$first")" \
    "$("$OPM" list --json | jq -c '[.[0:2][].pid]')" "0 and 1 kept their pids"
assert_eq 4 "$(count_procs "*/opm-testapp tag $TAG forever")"
assert_exit 0 "$OPM" export w
assert_eq 4 "$(jq '.apps[0].instances' <<<"$OUT")" "the count after +2"
assert_eq 1 "$(jq '.apps | length' <<<"$OUT")" "one app in the export"

# -1: the highest, 3, is stopped and deleted.
pid3=$("$OPM" list --json | jq '.[] | select(.instance == 3) | .pid')
assert_exit 0 "$OPM" scale w -1
assert_contains "$OUT" "w:3: deleted"
assert_eq '[0,1,2]' "$(online)"
pid_dead "$pid3" || fail "the process of w:3 ($pid3) survived"

# To N: 5 adds 3 and 4; then 2 removes 4, 3 and 2 (highest first).
assert_exit 0 "$OPM" scale w 5
wait_for 10 list_is '[.[] | select(.status == "online") | .instance]' '[0,1,2,3,4]'
ids=$("$OPM" list --json | jq -c '[.[0:2][].id]')
assert_exit 0 "$OPM" scale w 2
assert_eq "w:4: deleted w:3: deleted w:2: deleted" \
    "$(grep -o 'w:[0-9]: deleted' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')" \
    "removed highest first"
assert_eq '[0,1]' "$(online)"
assert_eq "$ids" "$("$OPM" list --json | jq -c '[.[].id]')" "ids of 0 and 1 stay"
assert_eq 2 "$(count_procs "*/opm-testapp tag $TAG forever")"
assert_exit 0 "$OPM" scale w 2
assert_contains "$OUT" "w:1: unchanged"

# Refused: to 0, below 0, an unknown app, an app without instances.
assert_exit 1 "$OPM" scale w 0
assert_contains "$ERR" "w would have 0 instances"
assert_exit 1 "$OPM" scale w -2
assert_exit 1 "$OPM" scale nosuch 3
assert_contains "$ERR" "unknown app 'nosuch'"
assert_exit 0 "$OPM" start --name solo "$TESTAPP" tag "$TAG" forever
assert_exit 1 "$OPM" scale solo 2
assert_contains "$ERR" "solo was created without instances"
assert_exit 2 "$OPM" scale w lots
assert_exit 2 "$OPM" scale w
assert_eq '[0,1]' "$(online | jq -c '.[0:2]')"
assert_eq 3 "$("$OPM" list --json | jq length)" "nothing changed"

# save and restore: one entry, instances 3, and the same ids.
assert_exit 0 "$OPM" scale w 3
wait_for 10 list_is '[.[] | select(.name == "w" and .status == "online") | .instance]' '[0,1,2]'
ids=$("$OPM" list --json | jq -c '[.[] | select(.name == "w") | .id]')
assert_exit 0 "$OPM" save
assert_eq 1 "$(jq '[.apps[] | select(.name == "w")] | length' "$OPM_HOME/dump.json")" \
    "one dump entry for w"
assert_eq 3 "$(jq '.apps[] | select(.name == "w") | .instances' "$OPM_HOME/dump.json")"
assert_exit 0 "$OPM" delete all
assert_exit 0 "$OPM" restore
wait_for 10 list_is '[.[] | select(.name == "w" and .status == "online") | .instance]' '[0,1,2]'
assert_eq "$ids" "$("$OPM" list --json | jq -c '[.[] | select(.name == "w") | .id]')" \
    "restored with their ids"
assert_eq 4 "$(count_procs "*/opm-testapp tag $TAG forever")"
# Restore again: already present, nothing doubled.
assert_exit 0 "$OPM" restore
assert_eq 4 "$("$OPM" list --json | jq length)"
