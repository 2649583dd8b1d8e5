#!/usr/bin/env bash
# --no-inherit-env: the app gets none of the CLI's environment, only its
# --env values and OPM_APP_NAME/OPM_APP_ID; an app started without it gets
# the shell's variables (control). The choice survives save + restore and a
# restart.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

proc_env()
{
	tr '\0' '\n' <"/proc/$1/environ"
}

assert_exit 0 env INHERITED=yes "$OPM" start --name bare --no-inherit-env \
    --env K=v "$TESTAPP" tag "$TAG" tag bare env INHERITED env K forever
assert_exit 0 env INHERITED=yes "$OPM" start --name full \
    "$TESTAPP" tag "$TAG" tag full env INHERITED forever
wait_status bare online
wait_status full online

assert_exit 0 "$OPM" env bare
assert_eq $'K=v\nOPM_APP_ID='"$(app_field bare id)"$'\nOPM_APP_NAME=bare' \
    "$OUT" "opm env bare"
pid=$(app_field bare pid)
grep -q '^INHERITED=' <<<"$(proc_env "$pid")" &&
    fail "process of bare has INHERITED: $(proc_env "$pid")"
grep -q '^HOME=' <<<"$(proc_env "$pid")" &&
    fail "process of bare has HOME"
out=$(app_field bare out_log)
wait_for 5 grep -qx v "$out"
assert_eq $'(unset)\nv' "$(<"$out")" "what bare saw"

# Control: without the flag the shell's variable is there.
assert_exit 0 "$OPM" env full
grep -qx INHERITED=yes <<<"$OUT" || fail "INHERITED=yes missing from full"
grep -qx INHERITED=yes <<<"$(proc_env "$(app_field full pid)")" ||
    fail "process of full lacks INHERITED=yes"

# Kept across a restart (from a shell that has the variable) and across
# save, delete, restore.
assert_exit 0 env INHERITED=yes "$OPM" restart bare
wait_status bare online
grep -q '^INHERITED=' <<<"$(proc_env "$(app_field bare pid)")" &&
    fail "restarted bare has INHERITED"
assert_exit 0 "$OPM" save
assert_eq '[]' "$(jq -c '.apps[] | select(.name == "bare") | .env_base' \
    "$OPM_HOME/dump.json")" "saved env_base of bare"
assert_exit 0 "$OPM" delete bare
assert_exit 0 env INHERITED=yes "$OPM" restore
assert_contains "$OUT" "bare: started"
wait_status bare online
assert_exit 0 "$OPM" env bare
assert_eq $'K=v\nOPM_APP_ID='"$(app_field bare id)"$'\nOPM_APP_NAME=bare' \
    "$OUT" "opm env bare after restore"
if grep -q '^INHERITED=' <<<"$(proc_env "$(app_field bare pid)")"; then
	fail "restored bare has INHERITED"
fi
