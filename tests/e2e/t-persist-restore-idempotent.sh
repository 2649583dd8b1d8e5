#!/usr/bin/env bash
# opm restore is a reconciliation (LESSONS.md 1-2): run while the apps run,
# run twice, or run by two shells at once, it leaves every app of the dump
# exactly once, never touches the ones already present (same pid, same
# restarts), and creates only what is missing. Two restores at once with
# no daemon running start one daemon and every app once.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

apps=(r1 r2 r3 r4)
for a in "${apps[@]}"; do
	assert_exit 0 "$OPM" start --name "$a" "$TESTAPP" tag "$TAG" tag "$a" \
	    forever
done
assert_exit 0 "$OPM" start --name rs --no-autostart \
    "$TESTAPP" tag "$TAG" tag rs forever
for a in "${apps[@]}"; do
	wait_status "$a" online
done
assert_exit 0 "$OPM" save

# "NAME:PID:RESTARTS" of every app, sorted by name.
snapshot()
{
	"$OPM" list --json |
	    jq -r 'sort_by(.name) | .[] | "\(.name):\(.pid):\(.restarts)"'
}

# One process per app, one app per name.
check_once()
{
	local a

	assert_eq 5 "$("$OPM" list --json | jq length)" "number of apps"
	assert_eq 5 "$("$OPM" list --json | jq '[.[].name] | unique | length')" \
	    "distinct app names"
	for a in "${apps[@]}"; do
		assert_eq 1 "$(count_procs "* tag $TAG tag $a forever")" \
		    "processes of $a"
	done
	assert_eq 0 "$(count_procs "* tag $TAG tag rs forever")" \
	    "processes of the stopped app rs"
}

before=$(snapshot)
check_once

# Twice in a row while everything runs: nothing changes.
assert_exit 0 "$OPM" restore
for a in "${apps[@]}" rs; do
	assert_contains "$OUT" "$a: already present"
done
assert_exit 0 "$OPM" resurrect
assert_eq "$before" "$(snapshot)" "apps after two restores"
check_once
assert_eq stopped "$(app_field rs status)" "saved-stopped rs"

# Two restores at once, with two apps missing: each comes back once; the
# others keep their pid.
assert_exit 0 "$OPM" delete r2,r4
assert_exit 0 "$OPM" list --json
assert_eq '["r1","r3","rs"]' "$(jq -c '[.[].name] | sort' <<<"$OUT")" \
    "apps after delete"
kept=$(snapshot | grep -E '^(r1|r3|rs):')

"$OPM" restore >"$TEST_TMP/c1.out" 2>&1 &
c1=$!
"$OPM" restore >"$TEST_TMP/c2.out" 2>&1 &
c2=$!
rc1=0 rc2=0
wait "$c1" || rc1=$?
wait "$c2" || rc2=$?
assert_eq 0 "$rc1" "first concurrent restore: $(<"$TEST_TMP/c1.out")"
assert_eq 0 "$rc2" "second concurrent restore: $(<"$TEST_TMP/c2.out")"
# Between them, each missing app is started exactly once.
both=$(cat "$TEST_TMP/c1.out" "$TEST_TMP/c2.out")
assert_eq 1 "$(grep -c '^r2: started' <<<"$both")" "r2 started once: $both"
assert_eq 1 "$(grep -c '^r4: started' <<<"$both")" "r4 started once: $both"

wait_status r2 online
wait_status r4 online
check_once
assert_eq "$kept" "$(snapshot | grep -E '^(r1|r3|rs):')" \
    "apps that were present"
assert_eq 0 "$(app_field r2 restarts)" "restarts of restored r2"

# And once more, sequentially, after all that.
after=$(snapshot)
assert_exit 0 "$OPM" restore
assert_not_contains "$OUT" "started"
assert_eq "$after" "$(snapshot)" "apps after the last restore"
check_once
assert_eq 1 "$(count_procs opmd)" "daemons (opmd without --keeper)"

# No daemon, no app: two restores race to start the daemon and restore.
assert_exit 0 "$OPM" delete all
dpid=$(daemon_pid)
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$dpid"
"$OPM" restore >"$TEST_TMP/c1.out" 2>&1 &
c1=$!
"$OPM" restore >"$TEST_TMP/c2.out" 2>&1 &
c2=$!
rc1=0 rc2=0
wait "$c1" || rc1=$?
wait "$c2" || rc2=$?
assert_eq 0 "$rc1" "first cold restore: $(<"$TEST_TMP/c1.out")"
assert_eq 0 "$rc2" "second cold restore: $(<"$TEST_TMP/c2.out")"
both=$(cat "$TEST_TMP/c1.out" "$TEST_TMP/c2.out")
for a in "${apps[@]}"; do
	assert_eq 1 "$(grep -c "^$a: started" <<<"$both")" \
	    "$a started once: $both"
done
assert_eq 1 "$(grep -c '^rs: restored stopped' <<<"$both")" \
    "rs restored once: $both"
for a in "${apps[@]}"; do
	wait_status "$a" online
done
check_once
assert_eq 1 "$(count_procs opmd)" "daemons after two cold restores"
