#!/usr/bin/env bash
# The unit of `opm startup`: what systemd needs to run the daemon at boot
# and keep the continuity promises (Type=notify on `daemon run --restore`,
# KillMode=process so a crash of opmd leaves the apps to the next one,
# a runtime directory kept across restarts, Delegate=yes for the cgroup v2
# keys (issue 16 item 5), a stop timeout longer than the
# longest kill timeout). Every variant passes `systemd-analyze verify`
# without a single complaint, including paths with spaces and `%` (systemd
# splits unquoted words and expands `%` specifiers), and --user writes the
# same unit it prints.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# Writes $2 to DIR/opm.service (DIR=$1), verifies it: no error, no warning.
verify_unit()
{
	local dir=$1 text=$2

	mkdir -p "$dir"
	printf '%s\n' "$text" >"$dir/opm.service"
	assert_exit 0 systemd-analyze verify "$dir/opm.service"
	[[ -z $ERR ]] || fail "systemd-analyze verify: $ERR"$'\n'"unit:"$'\n'"$text"
}

# Value of KEY= in the unit text $1 (the last one).
unit_key()
{
	sed -n "s/^$2=//p" <<<"$1" | tail -n 1
}

# As root, the default is a system unit.
assert_exit 0 "$OPM" startup --print
sys=$OUT
assert_exit 0 "$OPM" startup --print --system
assert_eq "$sys" "$OUT" "--print and --print --system (root)"
verify_unit "$TEST_TMP/sys" "$sys"
assert_eq notify "$(unit_key "$sys" Type)" "Type"
assert_eq process "$(unit_key "$sys" KillMode)" "KillMode"
assert_eq yes "$(unit_key "$sys" Delegate)" "Delegate (cgroup v2 subtree)"
assert_eq on-failure "$(unit_key "$sys" Restart)" "Restart"
assert_eq opm "$(unit_key "$sys" RuntimeDirectory)" "RuntimeDirectory"
assert_eq yes "$(unit_key "$sys" RuntimeDirectoryPreserve)" \
    "RuntimeDirectoryPreserve"
assert_eq "\"$OPM\" daemon run --restore" "$(unit_key "$sys" ExecStart)" \
    "ExecStart"
assert_contains "$sys" "Environment=\"OPM_HOME=$OPM_HOME\""
assert_contains "$sys" "Environment=OPM_RUNTIME_DIR=%t/opm"
assert_eq multi-user.target "$(unit_key "$sys" WantedBy)" "WantedBy"

# --user: default.target, and `opm startup --user` writes exactly that.
assert_exit 0 "$OPM" startup --print --user
user=$OUT
verify_unit "$TEST_TMP/user" "$user"
assert_eq default.target "$(unit_key "$user" WantedBy)" "WantedBy (--user)"
assert_not_contains "$user" "User=" "a user unit names no user"
assert_exit 0 env XDG_CONFIG_HOME="$TEST_TMP/cfg" "$OPM" startup --user
f=$TEST_TMP/cfg/systemd/user/opm.service
[[ -f $f ]] || fail "opm startup --user did not write $f: $OUT"
assert_eq "$user" "$(<"$f")" "the unit written and the unit printed"
assert_contains "$OUT" "$f"

# The stop timeout covers the longest kill timeout of the apps: stopping
# the service stops every app gracefully, not by systemd's SIGKILL.
assert_exit 0 "$OPM" start --name slow --kill-timeout 2m \
    "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" startup --print
t=$(unit_key "$OUT" TimeoutStopSec)
[[ $t =~ ^([0-9]+)s?$ ]] || fail "TimeoutStopSec=$t"
(( BASH_REMATCH[1] > 120 )) ||
    fail "TimeoutStopSec=$t with an app whose kill timeout is 2 minutes"
assert_exit 0 "$OPM" daemon stop

# Paths that need quoting: the binaries in a directory with a space, an
# OPM_HOME with a space and a `%`.
bin="$TEST_TMP/bin dir"
mkdir "$bin"
cp "$OPM" "$OPMD" "$bin/"
home="$TEST_TMP/home 100%d"
mkdir -m 700 "$home"
assert_exit 0 env OPM_HOME="$home" "$bin/opm" startup --print
odd=$OUT
verify_unit "$TEST_TMP/odd" "$odd"
