#!/usr/bin/env bash
# An errored app is saved as wanted running (README "Boot", opm(1) save):
# the user wanted it to run, it could not. Once its cause is fixed, the
# restore that follows starts it again. Two ways to be errored: a crash
# loop (the program exits at once while a file it needs is missing) and a
# start that cannot happen (its env file is gone). An app stopped by the
# user, saved beside them, stays stopped.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

flag=$TEST_TMP/ready
envf=$TEST_TMP/app.env
dump=$OPM_HOME/dump.json

# crashy: exits 1 at once until $flag exists, then runs.
assert_exit 0 "$OPM" start --name crashy --max-restarts 1 --min-uptime 300ms \
    "test -f $flag || exit 1; exec $TESTAPP tag $TAG tag crashy forever"
wait_status crashy errored 10
# noenv: created with its env file, which then goes away.
printf 'COLOR=red\n' >"$envf"
assert_exit 0 "$OPM" start --name noenv --env-file "$envf" \
    "$TESTAPP" tag "$TAG" tag noenv forever
wait_status noenv online
assert_exit 0 "$OPM" stop noenv
rm -f -- "$envf"
assert_exit 1 "$OPM" start noenv
assert_eq errored "$(app_field noenv status)" "status of noenv"
# halted: stopped by the user.
assert_exit 0 "$OPM" start --name halted "$TESTAPP" tag "$TAG" tag halted \
    forever
wait_status halted online
assert_exit 0 "$OPM" stop halted
for x in crashy noenv; do
	assert_eq errored "$(app_field "$x" status)" "status of $x at save"
	assert_eq 0 "$(count_procs "* tag $TAG tag $x *")" \
	    "processes of $x at save"
done

assert_exit 0 "$OPM" save
cp -- "$dump" "$TEST_TMP/dump.saved"
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$dpid"

# The causes are fixed while no daemon runs.
: >"$flag"
printf 'COLOR=green\n' >"$envf"

assert_exit 0 "$OPM" list --json
assert_eq '[]' "$(jq -c . <<<"$OUT")" "apps of a fresh daemon"
assert_exit 0 "$OPM" restore
echo "restore: $OUT"
assert_contains "$OUT" "crashy: started"
assert_contains "$OUT" "noenv: started"
assert_contains "$OUT" "halted: restored stopped"
wait_status crashy online
wait_status noenv online
assert_eq stopped "$(app_field halted status)" "status of halted"
for x in crashy noenv; do
	assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG tag $x forever")" \
	    "processes of $x after restore"
	assert_eq 0 "$(app_field "$x" restarts)" "restarts of restored $x"
done
assert_eq 0 "$(count_procs "* tag $TAG tag halted *")" "processes of halted"
assert_exit 0 "$OPM" env noenv
grep -qx COLOR=green <<<"$OUT" || fail "COLOR=green missing from [$OUT]"

# What the dump said: errored apps as running, the stopped one stopped.
assert_eq '{"crashy":"running","halted":"stopped","noenv":"running"}' \
    "$(jq -cS '[.apps[] | {(.name): .desired}] | add' "$TEST_TMP/dump.saved")" \
    "desired states in the dump"
