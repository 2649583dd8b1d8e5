#!/usr/bin/env bash
# The test harness itself: opm-testapp's actions and lib.sh's helpers,
# without opm. If this fails, no other end-to-end result can be trusted.
# shellcheck disable=SC2016 # single quotes are bash -c programs
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# Exit codes, signals, usage errors.
assert_exit 0 "$TESTAPP"
assert_exit 3 "$TESTAPP" print before exit 3 print after
assert_eq before "$OUT" "exit stops the action list"
assert_exit 143 "$TESTAPP" kill TERM
assert_exit 137 "$TESTAPP" kill 9
assert_exit 138 "$TESTAPP" kill SIGUSR1
assert_exit 64 "$TESTAPP" no-such-action
assert_contains "$ERR" "unknown action: no-such-action"
assert_exit 64 "$TESTAPP" sleep
assert_exit 64 "$TESTAPP" kill NOSIG

# Output: lines, print/eprint, partial writes no newline.
assert_exit 0 "$TESTAPP" lines 5
assert_eq $'1\n2\n3\n4\n5' "$OUT" "lines 5"
assert_eq 100000 "$("$TESTAPP" lines 100000 | tail -n 1)" "lines 100000"
assert_exit 0 "$TESTAPP" print out eprint err
assert_eq out "$OUT"
assert_eq err "$ERR"
assert_eq 3 "$("$TESTAPP" partial abc | wc -c)" "partial abc is 3 bytes"
assert_eq 4 "$("$TESTAPP" print abc | wc -c)" "print abc is 4 bytes"
assert_exit 0 "$TESTAPP" close-stdout print lost eprint kept
assert_eq "" "$OUT"
assert_eq kept "$ERR"
assert_exit 0 "$TESTAPP" close-stderr eprint lost print kept
assert_eq kept "$OUT"
assert_eq "" "$ERR"

# Environment and working directory.
assert_exit 0 env TESTAPP_X=42 "$TESTAPP" env TESTAPP_X env TESTAPP_UNSET
assert_eq $'42\n(unset)' "$OUT"
assert_exit 0 bash -c 'cd "$1" && "$2" cwd' - "$TEST_TMP" "$TESTAPP"
assert_eq "$TEST_TMP" "$OUT"

# trap + pidfile + forever, in the background.
"$TESTAPP" trap TERM pidfile "$TEST_TMP/app.pid" forever \
    >"$TEST_TMP/trap.out" &
bg=$!
wait_for 5 test -s "$TEST_TMP/app.pid"
assert_eq "$bg" "$(<"$TEST_TMP/app.pid")" "pidfile holds the pid"
kill -TERM "$bg"
wait_for 5 grep -qx "got SIGTERM" "$TEST_TMP/trap.out"
pid_alive "$bg" || fail "trapped TERM killed the app"
kill -KILL "$bg"
wait "$bg" || true
wait_for 5 pid_dead "$bg"

# tick prints 1, 2, 3... unbuffered.
has_lines()
{
	(( $(wc -l <"$2") >= $1 ))
}
"$TESTAPP" tick 10 >"$TEST_TMP/tick.out" &
bg=$!
wait_for 5 has_lines 5 "$TEST_TMP/tick.out"
kill -KILL "$bg"
wait "$bg" || true
assert_eq $'1\n2\n3\n4\n5' "$(head -n 5 "$TEST_TMP/tick.out")" "tick"
"$TESTAPP" etick 10 2>"$TEST_TMP/etick.err" >"$TEST_TMP/etick.out" &
bg=$!
wait_for 5 has_lines 3 "$TEST_TMP/etick.err"
kill -KILL "$bg"
wait "$bg" || true
assert_eq $'1\n2\n3' "$(head -n 3 "$TEST_TMP/etick.err")" "etick"
assert_eq "" "$(<"$TEST_TMP/etick.out")" "etick writes no stdout"

# default undoes ignore: the process dies of the signal again.
assert_exit 143 "$TESTAPP" ignore TERM kill TERM default TERM kill TERM

# fork-sleep leaves a child that goes away by itself.
no_procs()
{
	[[ $(count_procs "$1") == 0 ]]
}
# (8 s: a scan of /proc may take seconds on a loaded machine full of
# processes; 2 s was seen too short at load average 11.)
assert_exit 0 "$TESTAPP" tag "$TAG" fork-sleep 8
assert_eq 1 "$(count_procs "* tag $TAG fork-sleep 8")" "fork-sleep child"
wait_for 15 no_procs "* tag $TAG fork-sleep 8"

# fork-many: N such children, in our process group.
"$TESTAPP" tag "$TAG" fork-many 20 60 pidfile "$TEST_TMP/many.pid" forever &
bg=$!
wait_for 5 test -s "$TEST_TMP/many.pid"
assert_eq 21 "$(count_procs "* tag $TAG fork-many 20 60 *")" \
    "fork-many: the process and its children"
mapfile -t many < <(pgrep -P "$bg")
assert_eq 20 "${#many[@]}" "children of fork-many"
read -r -a stat <"/proc/$bg/stat"
for p in "${many[@]}"; do
	read -r -a cstat <"/proc/$p/stat"
	assert_eq "${stat[4]}" "${cstat[4]}" "process group of child $p"
done
kill -KILL "$bg" "${many[@]}"
wait "$bg" || true
wait_for 5 no_procs "* tag $TAG fork-many 20 60 *"
assert_exit 0 "$TESTAPP" tag "$TAG" fork-many 0 0 print none
assert_eq none "$OUT" "fork-many 0"
assert_exit 64 "$TESTAPP" fork-many 2
assert_exit 64 "$TESTAPP" fork-many x 1

# daemonize-orphan leaves an orphan, reparented away from us; teardown
# must kill it.
assert_exit 0 "$TESTAPP" tag "$TAG" daemonize-orphan 60
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG daemonize-orphan 60")" \
    "orphan"
orphan=$(pgrep -f -- "tag $TAG daemonize-orphan 60")
read -r -a stat <"/proc/$orphan/stat"
assert_ne "$$" "${stat[3]}" "orphan's parent"

# Helpers.
printf x >"$TEST_TMP/mode"
chmod 600 "$TEST_TMP/mode"
assert_file_mode 600 "$TEST_TMP/mode"
assert_file_mode 0600 "$TEST_TMP/mode"
assert_eq 0 "$(count_daemons)" "no opmd in a fresh OPM_HOME"
assert_exit 0 not false
assert_exit 1 not true
assert_exit 1 bash -c '. "$1"; setup; assert_eq a b "must fail"' - \
    "$LIB_DIR/lib.sh"
assert_contains "$ERR" "must fail: expected [a], got [b]"
assert_exit 1 bash -c '. "$1"; setup; wait_for 0.05 false' - \
    "$LIB_DIR/lib.sh"
assert_contains "$ERR" "timed out after 0.05s"
