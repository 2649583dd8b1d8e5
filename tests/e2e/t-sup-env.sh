#!/usr/bin/env bash
# The app's environment: the CLI's environment is inherited, --env adds and
# overrides, --env-file (read at every start) overrides both, OPM_APP_NAME
# and OPM_APP_ID are set; --no-inherit-env drops the CLI's environment.
# `opm env TARGET` prints exactly that environment, sorted KEY=VALUE lines,
# and it is what the running process really has.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# The environment of a live process, sorted lines.
proc_env()
{
	tr '\0' '\n' <"/proc/$1/environ" | LC_ALL=C sort
}
# Value of KEY in `opm env` output $1, or "(unset)".
env_val()
{
	local line

	while IFS= read -r line; do
		if [[ $line == "$2="* ]]; then
			echo "${line#*=}"
			return 0
		fi
	done <<<"$1"
	echo "(unset)"
}

export OPM_T_INHERIT=inherited OPM_T_FLAG=from-cli OPM_T_FILE=from-cli
envfile=$TEST_TMP/app.env
cat >"$envfile" <<'ENV'
# a comment
OPM_T_FILE=from-file
OPM_T_ONLYFILE=only-file
ENV
assert_exit 0 "$OPM" start --name withenv --min-uptime 200ms \
    --env OPM_T_FLAG=from-flag --env OPM_T_FILE=from-flag \
    --env "OPM_T_SPACE=a b=c" --env-file "$envfile" \
    "$TESTAPP" tag "$TAG" env OPM_T_INHERIT env OPM_T_FLAG env OPM_T_FILE \
    env OPM_T_ONLYFILE env OPM_T_SPACE env OPM_APP_NAME env OPM_APP_ID forever
wait_status withenv online
pid=$(app_field withenv pid)
id=$(app_field withenv id)
out_log=$(app_field withenv out_log)
want=$'inherited\nfrom-flag\nfrom-file\nonly-file\na b=c\nwithenv\n'"$id"
has_output()
{
	[[ $(<"$1") == "$2" ]]
}
wait_for 5 has_output "$out_log" "$want"

assert_exit 0 "$OPM" env withenv
envout=$OUT
assert_eq "$(LC_ALL=C sort <<<"$envout")" "$envout" "opm env is sorted"
assert_eq inherited "$(env_val "$envout" OPM_T_INHERIT)"
assert_eq from-flag "$(env_val "$envout" OPM_T_FLAG)"
assert_eq from-file "$(env_val "$envout" OPM_T_FILE)"
assert_eq only-file "$(env_val "$envout" OPM_T_ONLYFILE)"
assert_eq "a b=c" "$(env_val "$envout" OPM_T_SPACE)"
assert_eq withenv "$(env_val "$envout" OPM_APP_NAME)"
assert_eq "$id" "$(env_val "$envout" OPM_APP_ID)"
assert_eq "$PATH" "$(env_val "$envout" PATH)" "PATH inherited"
assert_eq "$(proc_env "$pid")" "$envout" \
    "opm env vs /proc/$pid/environ of the running app"

# The env file is read again at every start.
echo OPM_T_FILE=changed >"$envfile"
assert_exit 0 "$OPM" restart withenv
assert_exit 0 "$OPM" env withenv
assert_eq changed "$(env_val "$OUT" OPM_T_FILE)" "env file re-read"
assert_eq "(unset)" "$(env_val "$OUT" OPM_T_ONLYFILE)" "key gone from the file"
pid=$(app_field withenv pid)
assert_eq "$(proc_env "$pid")" "$OUT" "environment after restart"

# --no-inherit-env: only --env, the file and OPM_APP_*.
assert_exit 0 "$OPM" start --name bare --no-inherit-env --min-uptime 200ms \
    --env OPM_T_FLAG=flag "$TESTAPP" tag "$TAG" forever
wait_status bare online
bid=$(app_field bare id)
assert_exit 0 "$OPM" env bare
assert_eq "OPM_APP_ID=$bid"$'\n'"OPM_APP_NAME=bare"$'\n'"OPM_T_FLAG=flag" \
    "$OUT" "environment with --no-inherit-env"
assert_eq "$OUT" "$(proc_env "$(app_field bare pid)")" \
    "/proc environ with --no-inherit-env"

# The CLI's environment at creation counts, not a later one.
OPM_T_INHERIT=later assert_exit 0 "$OPM" env withenv
assert_eq inherited "$(env_val "$OUT" OPM_T_INHERIT)" \
    "env of a later CLI does not leak in"
