#!/usr/bin/env bash
# Log capture and the logs/flush commands: 200000 lines written as fast as
# possible arrive complete and in order; stdout and stderr land in separate
# files (0600); logs --lines N shows exactly the last N lines; no TARGET
# prefixes every line with its app's name; --out/--err filter; an unknown
# app is an error (exit 1); flush empties the files and later output starts
# again at offset 0.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# True when PATH exists and holds at least SIZE bytes.
size_ge()
{
	[[ -e $1 ]] && (( $(stat -c %s -- "$1") >= $2 ))
}

N=200000
seq "$N" >"$TEST_TMP/seq"
want_size=$(stat -c %s "$TEST_TMP/seq")

# --- 200000 lines, as fast as the app can write them -------------------
assert_exit 0 "$OPM" start --name big --restart never \
    "$TESTAPP" tag "$TAG" lines "$N"
big_out=$(app_field big out_log)
big_err=$(app_field big err_log)
assert_eq "$OPM_HOME/logs/big-out.log" "$big_out" "out_log path"
assert_eq "$OPM_HOME/logs/big-err.log" "$big_err" "err_log path"
wait_status big stopped
wait_for 10 size_ge "$big_out" "$want_size"
assert_exit 0 cmp -- "$TEST_TMP/seq" "$big_out"
assert_eq 0 "$(stat -c %s "$big_err")" "nothing was written to stderr"
assert_file_mode 600 "$big_out"
assert_file_mode 600 "$big_err"
assert_file_mode 700 "$OPM_HOME/logs"

# --- stdout and stderr are kept apart ----------------------------------
assert_exit 0 "$OPM" start --name mix "$TESTAPP" tag "$TAG" trap USR1 \
    print out-1 eprint err-1 print out-2 eprint err-2 forever
mix_out=$(app_field mix out_log)
mix_err=$(app_field mix err_log)
wait_for 5 size_ge "$mix_out" 12
wait_for 5 size_ge "$mix_err" 12
assert_eq $'out-1\nout-2' "$(<"$mix_out")" "stdout file"
assert_eq $'err-1\nerr-2' "$(<"$mix_err")" "stderr file"

# --- logs --lines N: exactly the last N lines --------------------------
assert_exit 0 "$OPM" logs big --lines 5
assert_eq "$(seq $((N - 4)) "$N")" "$OUT" "logs big --lines 5"
assert_exit 0 "$OPM" logs big --lines=1
assert_eq "$N" "$OUT" "logs big --lines=1"
assert_exit 0 "$OPM" logs big
assert_eq "$(seq $((N - 14)) "$N")" "$OUT" "logs big: 15 lines by default"
assert_exit 0 "$OPM" logs big --lines 0
assert_eq "" "$OUT" "logs big --lines 0"
# More lines asked for than the file has: all of them, once.
assert_exit 0 "$OPM" logs mix --out --lines 100
assert_eq $'out-1\nout-2' "$OUT" "logs mix --out --lines 100"

# --- --out / --err filter ----------------------------------------------
assert_exit 0 "$OPM" logs mix --err
assert_eq $'err-1\nerr-2' "$OUT" "logs mix --err"
assert_exit 0 "$OPM" logs mix --out
assert_eq $'out-1\nout-2' "$OUT" "logs mix --out"
assert_exit 0 "$OPM" logs mix
assert_eq 4 "$(grep -c . <<<"$OUT")" "logs mix: both streams"
for l in out-1 out-2 err-1 err-2; do
	grep -qx -- "$l" <<<"$OUT" || fail "logs mix: no line [$l] in [$OUT]"
done

# --- no TARGET: every app, each line prefixed by its name --------------
assert_exit 0 "$OPM" logs --lines 2
expected=$(printf '%s\n' "big | $((N - 1))" "big | $N" \
    "mix | out-1" "mix | out-2" "mix | err-1" "mix | err-2" | sort)
assert_eq "$expected" "$(sort <<<"$OUT")" "logs with no target"
assert_exit 0 "$OPM" logs --lines 1 --err
assert_eq "mix | err-2" "$OUT" "logs --err with no target"
# A list of targets is prefixed too (lines of several apps).
assert_exit 0 "$OPM" logs big,mix --lines 1 --out
assert_eq $'big | 200000\nmix | out-2' "$(sort <<<"$OUT")" "logs big,mix"

# --- unknown app -------------------------------------------------------
assert_exit 1 "$OPM" logs nosuchapp
assert_contains "$ERR" "opm: " "error line"
assert_contains "$ERR" "nosuchapp" "error names the target"
assert_eq "" "$OUT" "nothing printed for an unknown app"
assert_exit 1 "$OPM" logs big,nosuchapp --lines 1
assert_contains "$ERR" "nosuchapp"
assert_exit 1 "$OPM" logs nosuchapp --follow
assert_exit 1 "$OPM" flush nosuchapp
assert_contains "$ERR" "nosuchapp"
assert_eq "$want_size" "$(stat -c %s "$big_out")" "failed flush kept the log"

# --- flush -------------------------------------------------------------
assert_exit 0 "$OPM" flush big
assert_eq 0 "$(stat -c %s "$big_out")" "big's stdout emptied"
assert_eq 12 "$(stat -c %s "$mix_out")" "flush big left mix alone"
assert_exit 0 "$OPM" logs big
assert_eq "" "$OUT" "logs after flush"
assert_exit 0 "$OPM" flush
assert_eq 0 "$(stat -c %s "$mix_out")" "flush with no target: mix stdout"
assert_eq 0 "$(stat -c %s "$mix_err")" "flush with no target: mix stderr"
assert_file_mode 600 "$mix_out"
# Output after a flush starts at offset 0: no hole, nothing old.
assert_exit 0 "$OPM" signal USR1 mix
wait_for 5 size_ge "$mix_out" 12
assert_eq "got SIGUSR1" "$(<"$mix_out")" "first line after flush"
assert_eq 12 "$(stat -c %s "$mix_out")" "file holds just the new line"
assert_exit 0 "$OPM" logs mix
assert_eq "got SIGUSR1" "$OUT" "logs after flush and a new line"
