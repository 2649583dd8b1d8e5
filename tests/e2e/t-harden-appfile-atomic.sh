#!/usr/bin/env bash
# An app file with bad apps changes nothing (issue 12 item 24): every app is
# checked first (cwd exists and is a directory, program found, env file
# readable, options valid), nothing is created or started when any is bad,
# every problem is reported (each line naming the app and what is wrong),
# and opm exits 1. A valid file still starts all of its apps.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
# app NAME TAG [EXTRA-JSON-KEYS]
app()
{
	printf '{"name": "%s", "script": "%s", "args": ["tag", "%s", "tag", "%s", "forever"]%s}' \
	    "$1" "$TESTAPP" "$TAG" "$2" "${3:+, $3}"
}

names()
{
	"$OPM" list --json | jq -c 'map(.name) | sort'
}

# The case of the issue: one app with a missing cwd among good ones.
printf '[%s, %s, %s]\n' "$(app g1 g1)" \
    "$(app nocwd nocwd '"cwd": "/nonexistent/opm-test"')" "$(app g2 g2)" \
    >one.json
assert_exit 1 "$OPM" start one.json
assert_eq '[]' "$(names)" "apps after a file with a missing cwd"
assert_contains "$ERR" "nocwd: cwd /nonexistent/opm-test: No such file"

touch plain
printf 'GOOD=1\n' >good.env
printf '{"apps": [%s, %s, %s, %s, %s, %s, %s]}\n' \
    "$(app g1 g1)" \
    "$(app nocwd nocwd '"cwd": "/nonexistent/opm-test"')" \
    "$(app filecwd filecwd "\"cwd\": \"$TEST_TMP/plain\"")" \
    '{"name": "noprog", "script": "/nonexistent/opm-prog"}' \
    "$(app noenv noenv '"env_file": "missing.env"')" \
    "$(app badopt badopt '"max_restarts": "lots"')" \
    "$(app g2 g2 '"env_file": "good.env"')" >bad.json
assert_exit 1 "$OPM" start bad.json
[[ $ERR == "opm: "* ]] || fail "error does not begin with 'opm: ': [$ERR]"
assert_contains "$ERR" "nothing was started"
assert_contains "$ERR" "nocwd: cwd /nonexistent/opm-test: No such file"
assert_contains "$ERR" "filecwd: cwd $TEST_TMP/plain: Not a directory"
assert_contains "$ERR" "noprog: /nonexistent/opm-prog"
assert_contains "$ERR" "noenv: env_file: $TEST_TMP/missing.env"
assert_contains "$ERR" "badopt"
assert_contains "$ERR" "max_restarts"
assert_not_contains "$ERR" "g1"
assert_not_contains "$ERR" "g2"
# One line per problem, each one led by "opm: ".
assert_eq 6 "$(grep -c '^opm: ' <<<"$ERR")" "lines of the error"
assert_eq '[]' "$(names)" "apps after a file with bad apps"
for t in g1 g2 nocwd filecwd noenv badopt; do
	assert_eq 0 "$(count_procs "* tag $TAG tag $t forever")" \
	    "processes tagged $t"
done

# The same file without the bad apps starts everything.
printf '{"apps": [%s, %s]}\n' "$(app g1 g1)" \
    "$(app g2 g2 '"env_file": "good.env"')" >good.json
assert_exit 0 "$OPM" start good.json
assert_eq '["g1","g2"]' "$(names)" "apps after a valid file"
wait_status g1 online
wait_status g2 online

# An app already present is left alone, and is no reason to refuse; a bad
# new one still refuses the whole file.
printf '[%s, %s]\n' "$(app g1 g1)" \
    "$(app g3 g3 '"cwd": "/nonexistent/opm-test"')" >mixed.json
assert_exit 1 "$OPM" start mixed.json
assert_contains "$ERR" "g3: cwd /nonexistent/opm-test"
assert_eq '["g1","g2"]' "$(names)" "apps after a mixed file"
