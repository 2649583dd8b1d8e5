#!/usr/bin/env bash
# --env-file FILE is read at every start: an edit is picked up by the next
# restart (opm env and the process agree), --env wins over the inherited
# environment and the env file wins over --env. A missing env file at
# creation is a clear error (exit 1, names the file) and creates nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
envf=$TEST_TMP/app.env
printf '# settings\nCOLOR=red\nexport SIZE="big one"\nLAYER=file\n' >"$envf"
assert_exit 0 env LAYER=shell COLOR=shell "$OPM" start --name ef \
    --env LAYER=flag --env-file app.env \
    "$TESTAPP" tag "$TAG" env COLOR env SIZE env LAYER forever
wait_status ef online

# Whole lines of opm env's output.
has_line()
{
	grep -qxF -- "$2" <<<"$1" || fail "[$2] missing from: [$1]"
}

out=$(app_field ef out_log)
wait_for 5 grep -qx file "$out"
assert_eq $'red\nbig one\nfile' "$(<"$out")" "what the first run saw"
assert_exit 0 "$OPM" env ef
has_line "$OUT" "COLOR=red"
has_line "$OUT" "SIZE=big one"
has_line "$OUT" "LAYER=file"
# The relative path was resolved when the app was created.
assert_exit 0 "$OPM" info ef --json
assert_eq "$envf" "$(jq -r .config.env_file <<<"$OUT")" "env_file"

# Edit the file: nothing changes until the next start...
printf 'COLOR=blue\n' >"$envf"
pid=$(app_field ef pid)
pid_alive "$pid" || fail "ef died"
# ...then the restart reads it again (SIZE is gone from the file).
assert_exit 0 "$OPM" restart ef
wait_status ef online
wait_for 5 grep -qx flag "$out"
assert_eq $'red\nbig one\nfile\nblue\n(unset)\nflag' "$(<"$out")" \
    "what the second run saw"
assert_exit 0 "$OPM" env ef
has_line "$OUT" "COLOR=blue"
grep -q '^SIZE=' <<<"$OUT" && fail "SIZE is still set: [$OUT]"
has_line "$OUT" "LAYER=flag"
pid=$(app_field ef pid)
grep -qx COLOR=blue <<<"$(tr '\0' '\n' <"/proc/$pid/environ")" ||
    fail "the restarted process does not have COLOR=blue"

# Missing at creation: exit 1, the file is named, nothing created.
assert_exit 1 "$OPM" start --name nofile --env-file "$TEST_TMP/missing.env" \
    "$TESTAPP" tag "$TAG" tag nofile forever
assert_contains "$ERR" "missing.env" "error names the env file"
[[ $ERR == "opm: "* ]] || fail "error does not begin with 'opm: ': [$ERR]"
assert_eq '["ef"]' "$("$OPM" list --json | jq -c 'map(.name)')" \
    "apps after a failed start"
assert_eq 0 "$(count_procs "* tag $TAG tag nofile forever")" \
    "processes of nofile"

# Malformed at creation (the daemon reads it): the same.
printf 'this line is not KEY=VALUE\n' >"$TEST_TMP/bad.env"
assert_exit 1 "$OPM" start --name badfile --env-file "$TEST_TMP/bad.env" \
    "$TESTAPP" tag "$TAG" tag badfile forever
assert_contains "$ERR" "bad.env" "error names the env file"
assert_contains "$ERR" "line 1" "error names the line"
assert_eq '["ef"]' "$("$OPM" list --json | jq -c 'map(.name)')" \
    "apps after a start with a malformed env file"
