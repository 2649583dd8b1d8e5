#!/usr/bin/env bash
# The daemon (and its keeper) do not keep the first CLI's working directory
# busy: they run in /. A relative OPM_HOME is made absolute first, so the
# daemon still finds its files and a CLI in the same directory finds it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

mkdir "$TEST_TMP/work"
cd "$TEST_TMP/work"
assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" forever
wait_status a online
dpid=$(daemon_pid)
assert_eq / "$(readlink "/proc/$dpid/cwd")" "working directory of the daemon"
keeper_cwd()
{
	local pid

	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		[[ $_CMDLINE == *opmd\ --keeper* ]] || continue
		readlink "/proc/$pid/cwd"
		return 0
	done
	return 1
}
wait_for 5 keeper_cwd
assert_eq / "$(keeper_cwd)" "working directory of the keeper"
assert_eq "$TEST_TMP/work" "$(readlink "/proc/$(app_field a pid)/cwd")" \
    "working directory of the app"
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$dpid"

# OPM_HOME relative to the CLI's directory.
cd "$(dirname "$OPM_HOME")"
rel=$(basename "$OPM_HOME")
assert_exit 0 env OPM_HOME="$rel" "$OPM" start --name b "$TESTAPP" tag "$TAG" \
    forever
dpid=$(daemon_pid)
assert_eq / "$(readlink "/proc/$dpid/cwd")" "daemon with a relative OPM_HOME"
assert_exit 0 env OPM_HOME="$rel" "$OPM" daemon status --json
assert_eq "$OPM_HOME" "$(jq -r .home <<<"$OUT")" "home as the daemon sees it"
wait_status b online
assert_exit 0 env OPM_HOME="$rel" "$OPM" save
test -s "$OPM_HOME/dump.json" || fail "the dump is not in OPM_HOME"
assert_exit 0 env OPM_HOME="$rel" "$OPM" logs b
echo "ok: daemon in /, relative OPM_HOME made absolute"
