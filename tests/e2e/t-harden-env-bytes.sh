#!/usr/bin/env bash
# Environments are bytes (issue 12 item 18). A variable that is not UTF-8
# (a Latin-1 value in the shell, in --env or in an env file) must neither
# make `opm start` fail nor give a reply the CLI cannot read: the app gets
# exactly those bytes (/proc/PID/environ), `opm env` prints them, and save +
# restore keeps them. Words of the argv are bytes as well. The protocol and
# the dump carry such strings as {"b64": "..."} (src/common/json.c).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
export LC_ALL=C

latin=$(printf 'caf\xe9 cr\xe8me')
flag=$(printf 'gr\xfc\xdf')
word=$(printf 'na\xefve')

# The line KEY=... of PID's environment, raw bytes.
environ_of()
{
	local -a a
	local e

	mapfile -d '' -t a <"/proc/$1/environ"
	for e in "${a[@]}"; do
		[[ $e == "$2="* ]] && { printf '%s' "$e"; return 0; }
	done
	return 1
}

has_line()
{
	grep -qxF -- "$2" <<<"$1" || fail "[$2] missing from: [$1]"
}

assert_exit 0 "$OPM" ping
assert_exit 0 env OPM_T_LATIN="$latin" "$OPM" start --name lat \
    --env OPM_T_FLAG="$flag" "$TESTAPP" tag "$TAG" forever
wait_status lat online
pid=$(app_field lat pid)
assert_eq "OPM_T_LATIN=$latin" "$(environ_of "$pid" OPM_T_LATIN)" \
    "inherited Latin-1 bytes"
assert_eq "OPM_T_FLAG=$flag" "$(environ_of "$pid" OPM_T_FLAG)" \
    "--env Latin-1 bytes"
assert_exit 0 "$OPM" env lat
has_line "$OUT" "OPM_T_LATIN=$latin"
has_line "$OUT" "OPM_T_FLAG=$flag"
assert_exit 0 "$OPM" env lat --json
assert_contains "$OUT" '"b64"' "opm env --json encodes bytes"
jq -e . <<<"$OUT" >/dev/null || fail "opm env --json is not JSON: [$OUT]"

# An env file in Latin-1: opm env used to exit 3 ("malformed reply").
printf 'OPM_T_FILE=%s\n' "$latin" >"$TEST_TMP/latin.env"
assert_exit 0 "$OPM" start --name ef --env-file "$TEST_TMP/latin.env" \
    "$TESTAPP" tag "$TAG" forever
wait_status ef online
assert_exit 0 "$OPM" env ef
has_line "$OUT" "OPM_T_FILE=$latin"
assert_eq "OPM_T_FILE=$latin" "$(environ_of "$(app_field ef pid)" \
    OPM_T_FILE)" "env file bytes"

# An argv word that is not UTF-8 reaches the program as it was.
assert_exit 0 "$OPM" start --name word -- /bin/sh -c 'sleep 600; :' "$word"
wait_status word online
mapfile -d '' -t av <"/proc/$(app_field word pid)/cmdline"
assert_eq "$word" "${av[3]-}" "argv word bytes"
assert_exit 0 "$OPM" list --json
jq -e 'length == 3' <<<"$OUT" >/dev/null ||
    fail "opm list --json is not JSON of 3 apps: [$OUT]"
assert_exit 0 "$OPM" info word

# save + restore: the dump is JSON, and the bytes come back.
assert_exit 0 "$OPM" save
jq -e . "$OPM_HOME/dump.json" >/dev/null || fail "the dump is not JSON"
assert_exit 0 "$OPM" delete all
assert_exit 0 "$OPM" restore
wait_status lat online
wait_status word online
pid=$(app_field lat pid)
assert_eq "OPM_T_LATIN=$latin" "$(environ_of "$pid" OPM_T_LATIN)" \
    "inherited bytes after restore"
assert_eq "OPM_T_FLAG=$flag" "$(environ_of "$pid" OPM_T_FLAG)" \
    "--env bytes after restore"
mapfile -d '' -t av <"/proc/$(app_field word pid)/cmdline"
assert_eq "$word" "${av[3]-}" "argv word after restore"

# restart --update-env takes the new (Latin-1) environment.
assert_exit 0 env OPM_T_LATIN="$flag" "$OPM" restart --update-env lat
wait_status lat online
assert_eq "OPM_T_LATIN=$flag" "$(environ_of "$(app_field lat pid)" \
    OPM_T_LATIN)" "bytes from restart --update-env"

# The daemon dies and comes back: the runtime state keeps them too.
d=$(daemon_pid)
kill -KILL "$d"
wait_for 5 pid_dead "$d"
assert_exit 0 "$OPM" env lat
has_line "$OUT" "OPM_T_LATIN=$flag"
