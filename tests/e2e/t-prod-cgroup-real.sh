#!/usr/bin/env bash
# cgroup v2 for real (issue 16 item 2), where this machine delegates it:
# an app with memory_max and pids_max runs in BASE/app-ID with those limits
# (read back from the kernel's files), and a stop of an app that ignores
# SIGTERM and forked a child into its own session ends both through
# cgroup.kill. Skipped, with the reason, where there is no delegated cgroup
# v2; the same code runs on a fake tree in t-prod-cgroup-fake and
# tests/unit/test_cgroup.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cgroup-lib.sh
. "$(dirname "$0")/cgroup-lib.sh"

if ! cgroup_delegated; then
	echo "SKIP (no delegated cgroup v2: $CGROUP_WHY)"
	exit 0
fi
setup

cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "capped", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "ignore", "TERM", "forever"],
  "memory_max": "64M", "pids_max": 32, "kill_timeout": "300ms"}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status capped online
dir=$("$OPM" info --json capped | jq -r .cgroup)
[[ -d $dir ]] || fail "no cgroup directory [$dir]"
assert_eq 67108864 "$(<"$dir/memory.max")"
assert_eq 32 "$(<"$dir/pids.max")"
pid=$(app_field capped pid)
grep -qx "$pid" "$dir/cgroup.procs" || fail "pid $pid not in $dir"
assert_exit 0 "$OPM" stop capped
pid_dead "$pid" || fail "still alive after stop"
wait_for 10 bash -c "[[ ! -s '$dir/cgroup.procs' ]]"
echo "ok: the kernel's cgroup v2 holds the app's limits"
