#!/usr/bin/env bash
# PM2 keys in an app file: the harmless defaults (watch false,
# exec_mode fork, autorestart true, source_map_support, vizion, pmx...) are
# accepted; keys of later issues fail with "PM2's KEY is not supported yet";
# every problem of the file is reported at once, each naming app and key,
# and a typo of an opm key gets "did you mean". Nothing is started from an
# invalid file.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
cat >ok.json <<JSON
{"apps": [{"name": "ok", "script": "$TESTAPP", "args": "tag $TAG forever",
  "instances": 1, "exec_mode": "fork_mode", "watch": false,
  "autorestart": true, "source_map_support": true, "vizion": false,
  "pmx": true, "automation": false, "treekill": true, "force": false,
  "wait_ready": false, "interpreter_args": [], "namespace": "default"}]}
JSON
assert_exit 0 "$OPM" start ok.json
wait_status ok online 5

cat >bad.json <<JSON
{"apps": [
  {"name": "api", "script": "$TESTAPP", "args": "tag $TAG forever",
   "instances": 4, "exec_mode": "cluster", "max_memory_restart": "300Q",
   "max_restart": 3, "kill_timout": 100},
  {"name": "worker", "script": "$TESTAPP", "args": "tag $TAG forever",
   "watch": 5, "cron_restart": "0 * * *", "treekill": false,
   "min_uptime": "soon", "frobnicate": 1}
]}
JSON
assert_exit 1 "$OPM" start bad.json
for want in \
    "app 1 api: max_memory_restart: unknown unit" \
    "app 1 api: max_restart: unknown key; did you mean 'max_restarts'?" \
    "app 1 api: kill_timout: unknown key; did you mean 'kill_timeout'?" \
    "app 2 worker: watch: must be true, false, a path or an array of paths" \
    "app 2 worker: cron_restart: expected 5 fields" \
    "app 2 worker: PM2's treekill is not supported with this value" \
    "app 2 worker: min_uptime: " \
    "app 2 worker: frobnicate: unknown key (see opm-apps(5)" \
    "8 problems in 2 of 2 apps: nothing was started"; do
	assert_contains "$ERR" "$want" "error lists [$want]"
done
assert_exit 0 "$OPM" list --json
assert_eq '["ok"]' "$(jq -c 'map(.name)' <<<"$OUT")" "apps after the bad file"
