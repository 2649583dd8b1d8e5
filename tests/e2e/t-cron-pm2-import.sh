#!/usr/bin/env bash
# opm import of PM2's schedules, from a dump written by a real `pm2 save`:
# --cron-restart carries over as cron_restart, and PM2's job pattern
# (--cron-restart with --no-autorestart: the app exits and PM2 starts it
# again at the next time) becomes cron_mode run. PM2 runs with a private
# PM2_HOME (build-aux/deps.sh check installs it).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

command -v pm2 >/dev/null ||
    fail "pm2 is not installed: build-aux/deps.sh check installs it (npm install -g pm2)"
export PM2_HOME=$TEST_TMP/pm2home
pm2_stop()
{
	pm2 kill >/dev/null 2>&1 || true
}
trap 'pm2_stop; teardown' EXIT

cd "$TEST_TMP"
pm2 start "$TESTAPP" --name web --cron-restart '0 3 * * *' -- \
    tag "$TAG" forever >/dev/null
pm2 start "$TESTAPP" --name job --cron-restart '*/5 * * * *' \
    --no-autorestart -- tag "$TAG" forever >/dev/null
pm2 save >/dev/null
pm2_stop
cd /

assert_exit 0 "$OPM" import
assert_not_contains "$OUT" "cron_restart" "nothing lost"
assert_exit 0 "$OPM" info --json web
assert_eq '0 3 * * *|restart' \
    "$(jq -r '.config | "\(.cron_restart)|\(.cron_mode)"' <<<"$OUT")" "web"
[[ $(jq -r .next_run <<<"$OUT") =~ T03:00:00 ]] || fail "web next_run: $OUT"
assert_exit 0 "$OPM" info --json job
assert_eq '*/5 * * * *|run|never' \
    "$(jq -r '.config | "\(.cron_restart)|\(.cron_mode)|\(.restart)"' \
    <<<"$OUT")" "job"
teardown
