#!/usr/bin/env bash
# Two homes never share one OPM_RUNTIME_DIR (issue 12 item 6). Sharing it,
# the second daemon adopted the first one's apps from the runtime state
# (two daemons then supervised one process) and the two fought over one
# keeper. The runtime directory now belongs to the first home that used
# it: a daemon of another home refuses it (the CLI exits 3 with one line
# naming both), and the first home's apps, daemon and keeper are left
# alone, through a SIGKILL of its daemon too. With its own runtime
# directory the second home works.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

home_a=$OPM_HOME
home_b=$TEST_TMP/home-b
rt=$TEST_TMP/run
export OPM_RUNTIME_DIR=$rt

# Home B's daemons and apps are not teardown's (another OPM_HOME).
kill_b()
{
	local p

	for p in $(pgrep -x opmd || true); do
		grep -qz "^OPM_HOME=$home_b\$" "/proc/$p/environ" 2>/dev/null &&
		    kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap '_rc=$?; set +eE; trap - ERR; kill_b; (exit $_rc); teardown' EXIT

assert_exit 0 "$OPM" start --name a1 "$TESTAPP" tag "$TAG" tag a1 forever
wait_status a1 online
pa=$(app_field a1 pid)
da=$(daemon_pid)

# B, same runtime directory: refused before it adopts anything.
assert_exit 3 env OPM_HOME="$home_b" "$OPM" list --json
assert_contains "$ERR" "opm: " "B: error line"
assert_contains "$ERR" "$rt" "B: names the runtime directory"
assert_contains "$ERR" "$home_a" "B: names the home that owns it"
assert_eq 1 "$(wc -l <<<"$ERR")" "B: one line [$ERR]"
echo "B refused: $ERR"
# By opmd run by hand too.
assert_exit 1 env OPM_HOME="$home_b" timeout 10 "$OPMD" --foreground
assert_contains "$ERR" "$home_a" "B's opmd: names the home that owns it"

# A is untouched, also after its daemon is killed and comes back.
assert_eq "$da" "$(daemon_pid)" "A's daemon"
assert_eq "$pa" "$(app_field a1 pid)" "A's app"
kill_daemon
assert_exit 3 env OPM_HOME="$home_b" "$OPM" list --json
assert_exit 0 "$OPM" list --json
assert_eq '["a1"]' "$(jq -c 'map(.name)' <<<"$OUT")" "A's apps"
assert_eq "$pa" "$(app_field a1 pid)" "A's app adopted by A"
assert_eq 1 "$(keeper_pids | wc -l)" "keepers"
assert_eq 1 "$(count_procs "* tag $TAG tag a1 forever")" "processes of a1"

# B with its own runtime directory works, and a stop there leaves A alone.
b()
{
	OPM_HOME=$home_b OPM_RUNTIME_DIR=$TEST_TMP/run-b "$OPM" "$@"
}
assert_exit 0 b start --name b1 "$TESTAPP" tag "$TAG" tag b1 forever
assert_exit 0 b stop all
assert_exit 0 b delete all
assert_exit 0 b daemon stop
assert_eq online "$(app_field a1 status)" "a1 after B's stop"
assert_eq "$pa" "$(app_field a1 pid)" "a1's pid after B's stop"
assert_eq 0 "$(app_field a1 restarts)" "a1's restarts after B's stop"
# A stopped cleanly gives the directory up for nobody else: it still
# holds A's keeper lock and A's claim.
assert_exit 0 "$OPM" stop a1
wait_for 10 pid_dead "$pa"
