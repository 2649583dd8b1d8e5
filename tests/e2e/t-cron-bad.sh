#!/usr/bin/env bash
# Bad schedules are refused with one line naming the key, the field and the
# token, and exit 1, from a flag or an app file; cron_tz must be a zone of
# the tz database; cron_mode and cron_tz go with cron_restart. A good one
# shows its next run in info in its zone: 03:00 Berlin time, with Berlin's
# offset, and the same instant in UTC for cron_tz UTC.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

bad()
{
	local want=$1
	shift
	assert_exit 1 "$OPM" start --name b "$@" "$TESTAPP" tag "$TAG" forever
	assert_eq "opm: $want" "$ERR" "error of $*"
}
bad "cron_restart: minute: '75' is out of range 0-59" --cron-restart '75 * * * *'
bad "cron_restart: second: '*/0': the step must be a number from 1 to 59" \
    --cron-restart '*/0 * * * * *'
bad "cron_restart: month: 'FOO' is not a month (1-12 or JAN-DEC)" \
    --cron-restart '0 0 * FOO *'
bad "cron_restart: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got 3" \
    --cron-restart '* * *'
bad "cron_restart: day-of-month: '31' never comes in the months given" \
    --cron-restart '0 0 31 2 *'
bad "cron_tz: 'Mars/Olympus' is not a time zone: /usr/share/zoneinfo/Mars/Olympus: No such file or directory" \
    --cron-restart '@daily' --cron-tz Mars/Olympus
bad "cron_tz: '../../etc/passwd' is not a time zone name (an IANA name such as Europe/Berlin or UTC)" \
    --cron-restart '@daily' --cron-tz ../../etc/passwd
bad "cron_mode: goes with cron_restart (or cron): no times given" \
    --cron-mode run
bad "cron_mode: must be restart or run" --cron-restart '@daily' \
    --cron-mode sometimes
assert_eq 0 "$("$OPM" list --json | jq length)" "no app created"

# In an app file: every problem, each naming its key.
cat >"$TEST_TMP/bad.json" <<EOF2
{"name": "b", "script": "$TESTAPP", "cron": "0 25 * * *",
 "cron_tz": "Nowhere"}
EOF2
assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
assert_contains "$ERR" "cron: hour: '25' is out of range 0-23"
assert_contains "$ERR" "cron_tz: 'Nowhere' is not a time zone"

# PM2's "0" is no schedule.
assert_exit 0 "$OPM" start --name none --cron-restart 0 "$TESTAPP" \
    tag "$TAG" forever
assert_exit 0 "$OPM" info --json none
assert_eq null "$(jq -r .next_run <<<"$OUT")" "next_run without cron"
assert_eq null "$(jq -r .config.cron_restart <<<"$OUT")" "cron_restart 0"

assert_exit 0 "$OPM" start --name berlin --cron-restart '0 3 * * *' \
    --cron-tz Europe/Berlin "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" info --json berlin
next=$(jq -r .next_run <<<"$OUT")
[[ $next =~ T03:00:00\+0[12]:00$ ]] || fail "next_run in Berlin: $next"
want=$(TZ=Europe/Berlin date -d "$next" +%s)
assert_eq "$want" "$(date -d "$next" +%s)" "next_run parses"
assert_eq Europe/Berlin "$(jq -r .config.cron_tz <<<"$OUT")" "cron_tz kept"
assert_exit 0 "$OPM" info berlin
assert_contains "$OUT" "next_run         $next" "info text"
now=$(date +%s)
(( want > now && want <= now + 86400 )) || fail "next_run not within a day"
teardown
