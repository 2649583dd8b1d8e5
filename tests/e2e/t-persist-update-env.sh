#!/usr/bin/env bash
# The environment inherited at creation is kept: a plain restart, from a
# shell with other variables, does not change it. restart --update-env
# replaces it with the restarting shell's: a new variable appears, one the
# shell no longer has disappears, --env values stay. save + restore keep the
# updated environment.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

unset NEWVAR OLDVAR
has_var()
{
	grep -qxF -- "$2" <<<"$1"
}

assert_exit 0 env OLDVAR=old "$OPM" start --name u --env KEEP=k \
    "$TESTAPP" tag "$TAG" env NEWVAR env OLDVAR forever
wait_status u online
out=$(app_field u out_log)
wait_for 5 grep -qx old "$out"
assert_eq $'(unset)\nold' "$(<"$out")" "first run"

# A plain restart from a shell that has NEWVAR: nothing changes.
assert_exit 0 env NEWVAR=new1 "$OPM" restart u
wait_status u online
wait_for 5 test "$(wc -l <"$out")" -ge 4
assert_eq $'(unset)\nold\n(unset)\nold' "$(<"$out")" "after a plain restart"
assert_exit 0 "$OPM" env u
has_var "$OUT" OLDVAR=old || fail "OLDVAR=old missing: [$OUT]"
has_var "$OUT" NEWVAR=new1 && fail "plain restart took NEWVAR: [$OUT]"

# --update-env from a shell with NEWVAR and without OLDVAR.
assert_exit 0 env -u OLDVAR NEWVAR=new2 "$OPM" restart --update-env u
wait_status u online
wait_for 5 test "$(wc -l <"$out")" -ge 6
assert_eq $'(unset)\nold\n(unset)\nold\nnew2\n(unset)' "$(<"$out")" \
    "after restart --update-env"
assert_exit 0 "$OPM" env u
env_after=$OUT
has_var "$env_after" NEWVAR=new2 || fail "NEWVAR=new2 missing: [$env_after]"
grep -q '^OLDVAR=' <<<"$env_after" && fail "OLDVAR kept: [$env_after]"
has_var "$env_after" KEEP=k || fail "--env KEEP=k lost: [$env_after]"
pid=$(app_field u pid)
grep -qx NEWVAR=new2 <<<"$(tr '\0' '\n' <"/proc/$pid/environ")" ||
    fail "the process does not have NEWVAR=new2"

# The option may follow the target too.
assert_exit 0 env NEWVAR=new3 "$OPM" restart u --update-env
wait_status u online
assert_exit 0 "$OPM" env u
has_var "$OUT" NEWVAR=new3 || fail "NEWVAR=new3 missing: [$OUT]"
env_after=$OUT

# Saved and restored with the updated environment.
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" delete u
assert_exit 0 "$OPM" restore
assert_contains "$OUT" "u: started"
wait_status u online
assert_exit 0 "$OPM" env u
assert_eq "$env_after" "$OUT" "opm env u after save, delete, restore"
