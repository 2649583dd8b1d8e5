#!/usr/bin/env bash
# An app file that names the same app twice is invalid as a whole: exit 1,
# an error naming the duplicated name, nothing created or started (not the
# apps before the duplicate, not the first copy). An app of the file that
# already exists in the daemon is not a duplicate: it is left alone.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
app()
{
	printf '{"name": "%s", "script": "%s", "args": ["tag", "%s", "tag", "%s", "forever"]}' \
	    "$1" "$TESTAPP" "$TAG" "$2"
}

names()
{
	"$OPM" list --json | jq -c 'map(.name) | sort'
}

# u1 valid and unique, then "dup" twice (different commands, so the second
# cannot be mistaken for "the same app").
printf '{"apps": [%s, %s, %s]}\n' "$(app u1 u1)" "$(app dup dupA)" \
    "$(app dup dupB)" >dup.json
assert_exit 1 "$OPM" start dup.json
assert_contains "$ERR" "dup" "error names the duplicated name"
[[ $ERR == "opm: "* ]] || fail "error does not begin with 'opm: ': [$ERR]"
assert_eq '[]' "$(names)" "apps after a file with a duplicate"
for t in u1 dupA dupB; do
	assert_eq 0 "$(count_procs "* tag $TAG tag $t forever")" \
	    "processes tagged $t"
done

# Same command twice under one name is still a duplicate.
printf '[%s, %s]\n' "$(app same same)" "$(app same same)" >same.json
assert_exit 1 "$OPM" start same.json
assert_contains "$ERR" "same" "error names the duplicated name"
assert_eq '[]' "$(names)" "apps after a file with an identical duplicate"
assert_eq 0 "$(count_procs "* tag $TAG tag same forever")" "processes of same"

# Present in the daemon and once in the file: fine, not duplicated.
assert_exit 0 "$OPM" start --name u1 "$TESTAPP" tag "$TAG" tag u1 forever
wait_status u1 online
pid=$(app_field u1 pid)
printf '[%s, %s]\n' "$(app u1 u1)" "$(app u2 u2)" >ok.json
assert_exit 0 "$OPM" start ok.json
assert_eq '["u1","u2"]' "$(names)" "apps after a valid file"
assert_eq "$pid" "$(app_field u1 pid)" "pid of u1"
wait_status u2 online
assert_eq 1 "$(count_procs "* tag $TAG tag u1 forever")" "processes of u1"
assert_eq 1 "$(count_procs "* tag $TAG tag u2 forever")" "processes of u2"

# A duplicate after an existing app: still nothing new.
printf '[%s, %s, %s]\n' "$(app u1 u1)" "$(app u3 u3)" "$(app u3 u3)" \
    >dup2.json
assert_exit 1 "$OPM" start dup2.json
assert_contains "$ERR" "u3" "error names the duplicated name"
assert_eq '["u1","u2"]' "$(names)" "apps after the second bad file"
assert_eq 0 "$(count_procs "* tag $TAG tag u3 forever")" "processes of u3"
