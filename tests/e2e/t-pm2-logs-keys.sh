#!/usr/bin/env bash
# PM2's log keys: out_file and error_file (relative to the app's cwd, with
# missing directories created) get the streams and are what list --json,
# logs and flush use; log_file gets both streams; /dev/null keeps nothing
# and the app is not blocked by a 1 MB write; log_date_format prefixes each
# line as PM2 does; two apps on one file are refused naming both; a custom
# path rotates at log_max_size.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
mkdir app
cat >eco.json <<JSON
{"apps": [{"name": "web", "cwd": "app", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "print", "to-out", "eprint", "to-err", "forever"],
  "out_file": "./logs/web.out", "err_file": "logs/web.err",
  "log_file": "logs/../logs/all.log", "merge_logs": true}]}
JSON
assert_exit 0 "$OPM" start eco.json
wait_status web online
L=$TEST_TMP/app/logs
assert_eq "$L/web.out" "$(app_field web out_log)" "out_log"
assert_eq "$L/web.err" "$(app_field web err_log)" "err_log"
wait_for 5 grep -qx to-out "$L/web.out"
wait_for 5 grep -qx to-err "$L/web.err"
wait_for 5 grep -qx to-err "$L/all.log"
assert_eq $'to-out\nto-err' "$(sort -r "$L/all.log")" "log_file: both"
assert_eq "to-out" "$(<"$L/web.out")" "out_file: stdout only"
assert_file_mode 600 "$L/web.out"
assert_file_mode 600 "$L/all.log"
[[ ! -e $OPM_HOME/logs/web-out.log ]] || fail "the default file was made"
assert_exit 0 "$OPM" logs web
assert_contains "$OUT" "to-out"
assert_contains "$OUT" "to-err"
assert_exit 0 "$OPM" flush web
assert_eq 0 "$(stat -c %s "$L/web.out")" "web.out after flush"
assert_eq 0 "$(stat -c %s "$L/all.log")" "all.log after flush"

# Two apps on one file: refused, both named, nothing created.
cat >two.json <<JSON
{"apps": [{"name": "copy", "cwd": "app", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "forever"], "error_file": "logs/web.out"}]}
JSON
assert_exit 1 "$OPM" start two.json
assert_contains "$ERR" "copy" "names the new app"
assert_contains "$ERR" "'web'" "names the app that has the file"
assert_contains "$ERR" "$L/web.out"
cat >pair.json <<JSON
{"apps": [{"name": "p1", "script": "$TESTAPP", "args": ["forever"],
  "out_file": "/tmp/../$TEST_TMP/same.log"},
  {"name": "p2", "script": "$TESTAPP", "args": ["forever"],
  "log_file": "same.log"}]}
JSON
assert_exit 1 "$OPM" start pair.json
assert_contains "$ERR" "p2"
assert_contains "$ERR" "'p1'"
assert_eq '["web"]' "$("$OPM" list --json | jq -c 'map(.name)')" \
    "apps after the refused starts"

# /dev/null and null: nothing kept; a 1 MB write does not block the app.
cat >null.json <<JSON
{"apps": [{"name": "quiet", "script": "/bin/sh", "restart": "never",
  "args": ["-c", ": $TAG; head -c 1048576 /dev/zero | tr '\\\\0' x; head -c 1048576 /dev/zero >&2; echo done >$TEST_TMP/done"],
  "out_file": "/dev/null", "error_file": null}]}
JSON
assert_exit 0 "$OPM" start null.json
wait_for 10 test -e "$TEST_TMP/done"
wait_status quiet stopped
assert_eq /dev/null "$(app_field quiet out_log)"
assert_eq /dev/null "$(app_field quiet err_log)"
[[ ! -e $OPM_HOME/logs/quiet-out.log ]] || fail "quiet-out.log was made"
[[ -c /dev/null ]] || fail "/dev/null is no longer a device"
assert_exit 0 "$OPM" logs quiet
assert_eq "" "$OUT" "logs of an app that keeps nothing"

# log_date_format: "STAMP: line", PM2's shape; time: true is log_time.
cat >date.json <<JSON
{"apps": [{"name": "dated", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "print", "hello", "forever"],
  "log_date_format": "YYYY-MM-DD HH:mm:ss.SSS Z"},
  {"name": "timed", "script": "$TESTAPP", "time": true,
  "args": ["tag", "$TAG", "print", "hi", "forever"]}]}
JSON
assert_exit 0 "$OPM" start date.json
out=$(app_field dated out_log)
wait_for 5 grep -q hello "$out"
grep -Eqx '[0-9]{4}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3} [+-][0-9]{2}:[0-9]{2}: hello' \
    "$out" || fail "dated line: [$(<"$out")]"
out=$(app_field timed out_log)
wait_for 5 grep -q hi "$out"
grep -Eqx '[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z hi' \
    "$out" || fail "timed line: [$(<"$out")]"
assert_exit 1 "$OPM" start --name badfmt --log-date-format 'Do MMMM' \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "log_date_format: token 'Do'"
assert_exit 0 "$OPM" start --name flagfmt --log-date-format '[at] HH:mm' \
    "$TESTAPP" tag "$TAG" print flag forever
out=$(app_field flagfmt out_log)
wait_for 5 grep -q flag "$out"
grep -Eqx 'at [0-2][0-9]:[0-5][0-9]: flag' "$out" ||
    fail "flagfmt line: [$(<"$out")]"

# Rotation on a custom path.
cat >rot.json <<JSON
{"apps": [{"name": "rot", "script": "$TESTAPP", "restart": "never",
  "args": ["tag", "$TAG", "lines", "5000"], "out_file": "rot/out.log",
  "log_max_size": "4K", "log_keep": 2}]}
JSON
assert_exit 0 "$OPM" start rot.json
wait_status rot stopped
wait_for 5 grep -qx 5000 "$TEST_TMP/rot/out.log"
assert_eq $'out.log\nout.log.1\nout.log.2' "$(ls "$TEST_TMP/rot")" \
    "rotated files"
assert_eq "$(seq 4000 5000)" "$(cat "$TEST_TMP"/rot/out.log.2 \
    "$TEST_TMP"/rot/out.log.1 "$TEST_TMP"/rot/out.log | tail -n 1001)" \
    "contiguous lines across rotation"
