#!/usr/bin/env bash
# opm export prints an app file ({"apps": [...]}) with configuration only
# (no runtime state, no inherited environment) that opm start accepts:
# export, delete everything, start the exported file from another
# directory, export again: the same configuration (jq -S), and the apps
# come back in the state their autostart says.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

mkdir -p "$TEST_TMP/w1" "$TEST_TMP/w2"
printf 'FROM_FILE=1\n' >"$TEST_TMP/app.env"
cd "$TEST_TMP/w1"
assert_exit 0 "$OPM" start --name full --cwd "$TEST_TMP/w2" \
    --env A=1 --env "B=two words" --env-file "$TEST_TMP/app.env" \
    --restart on-failure --stop-exit-codes 0,3 --max-restarts 7 \
    --min-uptime 1500ms --restart-delay 2s --backoff-max 1m \
    --kill-timeout 750 --stop-signal INT --log-time --log-max-size 2M \
    --log-keep 3 -- "$TESTAPP" tag "$TAG" tag full forever
assert_exit 0 "$OPM" start --name idle --no-autostart --restart never \
    "$TESTAPP" tag "$TAG" tag idle forever
assert_exit 0 "$OPM" start --name shell \
    "exec $TESTAPP tag $TAG tag shell forever"
wait_status full online
wait_status shell online

assert_exit 0 "$OPM" export
first=$OUT
export_file=$TEST_TMP/exported.json
printf '%s\n' "$first" >"$export_file"
jq -e '.apps | type == "array" and length == 3' "$export_file" >/dev/null ||
    fail "export is not {\"apps\": [3 apps]}: $first"
keys=$(jq -r '[.apps[] | keys[]] | unique | .[]' "$export_file")
runtime_key='^(id|pid|pids|pgid|uptime|uptime_ms|restarts|started|status|exit_code|exit_signal|memory_bytes|cpu_percent|desired|env_base|out_log|err_log|reason|failed_starts)$'
bad=$(grep -E "$runtime_key" <<<"$keys" || true)
assert_eq "" "$bad" "runtime keys in the export"
# The inherited environment (HOME, PATH...) is not part of an app file.
assert_eq null "$(jq -c '.apps[] | select(.name == "full") | .env.PATH' \
    "$export_file")" "PATH in the exported env"

# A subset.
assert_exit 0 "$OPM" export idle
assert_eq '["idle"]' "$(jq -c '[.apps[].name]' <<<"$OUT")" "export idle"
assert_exit 1 "$OPM" export no-such-app

# Round trip.
norm()
{
	jq -S '.apps |= sort_by(.name)' "$@"
}
norm "$export_file" >"$TEST_TMP/first.norm"
assert_exit 0 "$OPM" delete all
assert_eq 0 "$(count_procs "* tag $TAG tag * forever")" "app processes"
cd /
assert_exit 0 "$OPM" start "$export_file"
assert_exit 0 "$OPM" export
printf '%s\n' "$OUT" | norm >"$TEST_TMP/second.norm"
diff -u "$TEST_TMP/first.norm" "$TEST_TMP/second.norm" >&2 ||
    fail "export after the round trip differs"

wait_status full online
wait_status shell online
assert_eq stopped "$(app_field idle status)" "idle (autostart false)"
assert_eq "$TEST_TMP/w2" "$(app_field full cwd)" "cwd of full"
assert_exit 0 "$OPM" env full
assert_contains "$OUT" $'\nFROM_FILE=1\n' "env_file of full is used"
assert_contains "$OUT" $'\nB=two words\n' "env of full"
assert_eq 1 "$(count_procs "* tag $TAG tag full forever")" "processes of full"
assert_eq 1 "$(count_procs "* tag $TAG tag shell forever")" \
    "processes of shell"

# Starting the exported file again duplicates nothing.
assert_exit 0 "$OPM" start "$export_file"
assert_eq 3 "$("$OPM" list --json | jq length)" "apps after a second start"
