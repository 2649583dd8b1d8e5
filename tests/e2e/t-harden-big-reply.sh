#!/usr/bin/env bash
# Replies over 8 MiB (13 apps with 840 KB of argv each: `list --json` is
# about 11 MB) are read by the CLI: list, list --json, export and stop all
# work and exit 0 (issue 12 item 19). And the daemon refuses to create an
# app its replies could no longer carry (the 32 MiB configuration limit).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

big=$(head -c 60000 /dev/zero | tr '\0' x)
words=()
for ((i = 0; i < 14; i++)); do
	words+=(tag "$big")
done
# Through a function: a failed assert_exit prints the command line.
start_big()	# NAME [OPTION...]
{
	local name=$1

	shift
	"$OPM" start "$@" --name "$name" "$TESTAPP" tag "$TAG" "${words[@]}" \
	    forever
}

for ((i = 0; i < 13; i++)); do
	assert_exit 0 start_big "a$i"
done
wait_status a12 online

assert_exit 0 "$OPM" list --json
echo "list --json: ${#OUT} bytes"
(( ${#OUT} > 8 * 1024 * 1024 )) || fail "list --json is only ${#OUT} bytes"
assert_eq 13 "$(jq length <<<"$OUT")" "list --json"
assert_eq online "$(jq -r '.[12].status' <<<"$OUT")"
assert_exit 0 "$OPM" list
assert_eq 14 "$(wc -l <<<"$OUT")" "list: a header and 13 rows"
assert_exit 0 "$OPM" export
assert_eq 13 "$(jq '.apps | length' <<<"$OUT")" "export"
assert_exit 0 "$OPM" stop all
assert_exit 0 "$OPM" list --json
assert_eq stopped "$(jq -r 'map(.status) | unique | join(",")' <<<"$OUT")" \
    "every app stopped"

# The configuration of all apps is bounded so that every reply fits: at
# about 840 KB per app, the 40th does not fit (32 MiB), and the error says
# why. Created stopped, to keep the test fast.
n=13
while (( n < 60 )); do
	RC=0
	start_big "a$n" --no-autostart >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
	    RC=$?
	(( RC == 0 )) || break
	n=$((n + 1))
done
echo "apps created: $n; then exit $RC: $(<"$TEST_TMP/err")"
assert_eq 1 "$RC" "creating one app too many"
(( n >= 30 && n < 45 )) || fail "the limit came after $n apps"
assert_contains "$(<"$TEST_TMP/err")" "32 MiB"
assert_exit 0 "$OPM" list --json
assert_eq "$n" "$(jq length <<<"$OUT")" "no app created by the failed start"
echo "list --json of $n apps: ${#OUT} bytes"
