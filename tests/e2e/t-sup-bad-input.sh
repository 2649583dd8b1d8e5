#!/usr/bin/env bash
# Bad input is refused with the documented exit code and one "opm: " line
# on stderr, and changes nothing: unknown targets (1), invalid option values
# (1), a program that does not exist (1, no app created), invalid names (1),
# unknown signals (1), `opm start` with nothing and unknown options (2).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

napps()
{
	"$OPM" list --json | jq length
}
# refuse CODE NEEDLE CMD...: exit CODE, stderr one "opm: " line naming NEEDLE.
refuse()
{
	local code=$1 needle=$2

	shift 2
	assert_exit "$code" "$OPM" "$@"
	[[ $ERR == "opm: "* ]] || fail "opm $*: stderr does not start with 'opm: ': [$ERR]"
	[[ $ERR != *$'\n'* ]] || fail "opm $*: stderr is more than one line: [$ERR]"
	assert_contains "$ERR" "$needle" "opm $*: error does not name the culprit"
}

# Program that does not exist: nothing created.
refuse 1 /no/such start /no/such
refuse 1 no-such-program-xyz start no-such-program-xyz
refuse 1 /no/such start --name ghost /no/such arg
printf 'echo hi\n' >"$TEST_TMP/noexec"
chmod 644 "$TEST_TMP/noexec"
refuse 1 "$TEST_TMP/noexec" start "$TEST_TMP/noexec"
refuse 1 "$TEST_TMP" start --name dir "$TEST_TMP"
assert_eq 0 "$(napps)" "apps after starting missing programs"

# Nothing to start, unknown option, missing value: usage errors.
refuse 2 start start
refuse 2 --bogus start --bogus "$TESTAPP" tag "$TAG" forever
refuse 2 --name start --name

# Invalid names.
refuse 1 name start --name 'a,b' "$TESTAPP" tag "$TAG" forever
refuse 1 name start --name 123 "$TESTAPP" tag "$TAG" forever
refuse 1 name start --name all "$TESTAPP" tag "$TAG" forever
refuse 1 name start --name 'x/y' "$TESTAPP" tag "$TAG" forever
refuse 1 name start --name '' "$TESTAPP" tag "$TAG" forever
refuse 1 name start --name "$(printf 'n%.0s' {1..65})" "$TESTAPP" tag "$TAG" forever

# Invalid option values.
refuse 1 max_restarts start --max-restarts abc "$TESTAPP" tag "$TAG" forever
refuse 1 max_restarts start --max-restarts -1 "$TESTAPP" tag "$TAG" forever
refuse 1 min_uptime start --min-uptime 50ms "$TESTAPP" tag "$TAG" forever
refuse 1 min_uptime start --min-uptime soon "$TESTAPP" tag "$TAG" forever
refuse 1 kill_timeout start --kill-timeout 5x "$TESTAPP" tag "$TAG" forever
refuse 1 restart start --restart sometimes "$TESTAPP" tag "$TAG" forever
refuse 1 stop-exit-codes start --stop-exit-codes x "$TESTAPP" tag "$TAG" forever
refuse 1 stop_signal start --stop-signal NOSIG "$TESTAPP" tag "$TAG" forever
# A word without '=' names an environment set; 'NO EQUALS' cannot.
refuse 1 env_name start --env 'NO EQUALS' "$TESTAPP" tag "$TAG" forever
refuse 1 /no/such.env start --env-file /no/such.env "$TESTAPP" tag "$TAG" forever
assert_eq 0 "$(napps)" "apps after invalid starts"
assert_eq 0 "$(count_procs "*tag $TAG *")" "processes after invalid starts"

# Unknown targets and signals, with one real app that must not change.
assert_exit 0 "$OPM" start --name real --min-uptime 200ms "$TESTAPP" tag "$TAG" forever
wait_status real online
pid=$(app_field real pid)
refuse 1 nosuch stop nosuch
refuse 1 nosuch stop real,nosuch
refuse 1 4242 stop 4242
refuse 1 nosuch restart real,nosuch
refuse 1 nosuch delete nosuch,real
refuse 1 nosuch start nosuch
refuse 1 nosuch info nosuch
refuse 1 nosuch env nosuch
refuse 1 nosuch reset nosuch
refuse 1 nosuch signal USR1 nosuch
refuse 1 NOSIG signal NOSIG real
refuse 1 999 signal 999 real
refuse 2 stop stop
assert_eq 1 "$(napps)" "apps after bad targets"
assert_eq "$pid" "$(app_field real pid)" "pid after bad targets"
assert_eq online "$(app_field real status)" "status after bad targets"
assert_eq 0 "$(app_field real restarts)" "restarts after bad targets"
