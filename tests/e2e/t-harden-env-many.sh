#!/usr/bin/env bash
# More than 4096 variables in the shell (issue 12 item 21): apps start, and
# every variable reaches them; restart --update-env too. The limit is a byte
# limit (512 KiB of environment as sent), and an environment over it is an
# error (exit 1) that names the limit, not a failure of the request.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

count_vars()
{
	local -a a

	mapfile -d '' -t a <"/proc/$1/environ"
	printf '%s\n' "${a[@]}" | grep -c '^OPM_T_V[0-9]*='
}

assert_exit 0 "$OPM" ping
for ((i = 0; i < 5000; i++)); do
	export "OPM_T_V$i=value$i"
done
assert_exit 0 "$OPM" start --name many "$TESTAPP" tag "$TAG" forever
wait_status many online
assert_eq 5000 "$(count_vars "$(app_field many pid)")" "variables seen"
assert_exit 0 "$OPM" env many
assert_contains "$OUT" "OPM_T_V4999=value4999"
export OPM_T_V5000=value5000
assert_exit 0 "$OPM" restart --update-env many
wait_status many online
assert_eq 5001 "$(count_vars "$(app_field many pid)")" "after update-env"
for ((i = 0; i <= 5000; i++)); do
	unset "OPM_T_V$i"
done

# Over the limit: 6 variables of 100 KiB (one string may not pass 128 KiB
# through execve).
big=$(head -c 102400 /dev/zero | tr '\0' x)
for ((i = 0; i < 6; i++)); do
	export "OPM_T_BIG$i=$big"
done
assert_exit 1 "$OPM" start --name big "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "environment"
assert_contains "$ERR" "512 KiB"
assert_exit 1 "$OPM" restart --update-env many
assert_contains "$ERR" "512 KiB"
# --no-inherit-env does not send it, so it is no obstacle then.
assert_exit 0 "$OPM" start --no-inherit-env --name small "$TESTAPP" tag \
    "$TAG" forever
wait_status small online
