#!/usr/bin/env bash
# `opm logs` prints every byte of a line, NUL bytes included (it used to
# drop the rest of a line after a NUL). `opm logs --follow` keeps the rest
# of the line too; its JSON stream carries text, so a NUL arrives as U+FFFD
# there, as any byte that is not UTF-8.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

script=$TEST_TMP/nul.sh
cat >"$script" <<SH
#!/bin/sh
printf 'a\\000b\\n'
printf 'x\\000\\000y\\000\\n'
trap 'printf "c\\000d\\n"' USR1
while :; do sleep 0.1 & wait \$!; done
SH
chmod +x "$script"
assert_exit 0 "$OPM" start --name nul "$script"
wait_status nul online
log=$(app_field nul out_log)
wait_for 5 test "$(stat -c %s "$log")" -ge 10

want=$(printf 'a\000b\nx\000\000y\000\n' | od -An -c)
got=$("$OPM" logs nul --out | od -An -c)
assert_eq "$want" "$got" "bytes of opm logs"
got=$("$OPM" logs --out | od -An -c)
want=$(printf 'nul | a\000b\nnul | x\000\000y\000\n' | od -An -c)
assert_eq "$want" "$got" "bytes of opm logs, all apps"

"$OPM" logs nul --out --follow --lines 1 >"$TEST_TMP/f.out" 2>&1 &
wait_for 5 grep -q y "$TEST_TMP/f.out"
assert_exit 0 "$OPM" signal USR1 nul
wait_for 5 grep -qxF "$(printf 'c\357\277\275d')" "$TEST_TMP/f.out"
echo "ok: NUL bytes survive opm logs"
