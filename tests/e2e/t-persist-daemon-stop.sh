#!/usr/bin/env bash
# save, opm daemon stop (every app stopped, runtime state forgotten), then
# opm restore: the apps saved running run again, the apps saved stopped
# (stopped by the user, or created with --no-autostart) are back but stay
# stopped, with the same ids and exactly the same environment, including a
# variable that only the shell that created the app had (FOO=bar opm start).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

unset FOO ONLY_B
cd "$TEST_TMP"
assert_exit 0 "$OPM" start --name a --env A=1 "$TESTAPP" tag "$TAG" tag a \
    env FOO forever
assert_exit 0 env FOO=bar ONLY_B=yes "$OPM" start --name b \
    "$TESTAPP" tag "$TAG" tag b env FOO forever
assert_exit 0 "$OPM" start --name c "$TESTAPP" tag "$TAG" tag c forever
assert_exit 0 env FOO=dee "$OPM" start --name d --no-autostart \
    "$TESTAPP" tag "$TAG" tag d forever
wait_status a online
wait_status b online
wait_status c online
# c was online before it was stopped: a stale "running" memory of it must
# not bring it back.
assert_exit 0 "$OPM" stop c

for x in a b c d; do
	"$OPM" env "$x" >"$TEST_TMP/env-$x.before"
	app_field "$x" id >"$TEST_TMP/id-$x.before"
done
grep -qx FOO=bar "$TEST_TMP/env-b.before" ||
    fail "FOO=bar missing from opm env b: $(<"$TEST_TMP/env-b.before")"
grep -q '^FOO=' "$TEST_TMP/env-a.before" &&
    fail "a has a FOO it was never given"
grep -qx A=1 "$TEST_TMP/env-a.before" || fail "A=1 missing from opm env a"
pid_b=$(app_field b pid)
grep -qx FOO=bar <<<"$(tr '\0' '\n' <"/proc/$pid_b/environ")" ||
    fail "process of b does not have FOO=bar"

assert_exit 0 "$OPM" save
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$dpid"
for x in a b c d; do
	assert_eq 0 "$(count_procs "* tag $TAG tag $x *")" \
	    "processes of $x after daemon stop"
done

# The next daemon starts empty: runtime state was forgotten.
assert_exit 0 "$OPM" list --json
assert_eq '[]' "$(jq -c '[.[] | "\(.name) \(.status)"]' <<<"$OUT")" \
    "apps of a fresh daemon after daemon stop"

assert_exit 0 "$OPM" restore
assert_contains "$OUT" "a: started"
assert_contains "$OUT" "b: started"
assert_contains "$OUT" "c: restored stopped"
assert_contains "$OUT" "d: restored stopped"
wait_status a online
wait_status b online
assert_eq stopped "$(app_field c status)" "status of saved-stopped c"
assert_eq stopped "$(app_field d status)" "status of never-started d"
assert_eq 0 "$(count_procs "* tag $TAG tag c *")" "processes of c"
assert_eq 0 "$(count_procs "* tag $TAG tag d *")" "processes of d"
for x in a b c d; do
	assert_eq "$(<"$TEST_TMP/id-$x.before")" "$(app_field "$x" id)" \
	    "id of $x after restore"
	assert_eq 0 "$(app_field "$x" restarts)" "restarts of restored $x"
	"$OPM" env "$x" >"$TEST_TMP/env-$x.after"
	diff -u "$TEST_TMP/env-$x.before" "$TEST_TMP/env-$x.after" >&2 ||
	    fail "opm env $x changed across daemon stop + restore"
done

# The restored process itself got the creating shell's FOO, and said so.
pid_b=$(app_field b pid)
grep -qx FOO=bar <<<"$(tr '\0' '\n' <"/proc/$pid_b/environ")" ||
    fail "restored process of b does not have FOO=bar"
grep -qx ONLY_B=yes <<<"$(tr '\0' '\n' <"/proc/$pid_b/environ")" ||
    fail "restored process of b does not have ONLY_B=yes"
# (The log keeps the first run's line: wait for a second one.)
two_bars()
{
	(( $(grep -cx bar "$1") >= 2 ))
}
wait_for 5 two_bars "$(app_field b out_log)"

# A saved-stopped app starts on demand, with its saved environment.
assert_exit 0 "$OPM" start d
wait_status d online
pid_d=$(app_field d pid)
grep -qx FOO=dee <<<"$(tr '\0' '\n' <"/proc/$pid_d/environ")" ||
    fail "process of d does not have FOO=dee"
