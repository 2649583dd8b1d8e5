#!/usr/bin/env bash
# The daemon's cgroup v2 code path (issue 16 item 2) driven for real on a
# fake tree: OPM_CGROUP_ROOT and OPM_CGROUP_SELF (test knobs) point the
# daemon at a directory laid out as a delegated cgroup. Every app gets
# BASE/app-ID with its pid in cgroup.procs (info shows the path); an app
# with cpu_max, memory_max and pids_max gets them written, the controllers
# enabled in BASE/cgroup.subtree_control, and the daemon's processes moved
# to BASE/opmd first; a stop's final SIGKILL writes cgroup.kill; a delete
# removes the (empty) cgroup. This machine has no delegated cgroup v2
# (t-prod-cgroup-real says so), so the kernel's side is faked: a file
# written here is only a file.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cg=$TEST_TMP/cg
base=$cg/system.slice/opm.service
mkdir -p "$base"
echo "cpu memory pids" >"$base/cgroup.controllers"
: >"$base/cgroup.subtree_control"
: >"$base/cgroup.procs"
printf '0::/system.slice/opm.service\n' >"$TEST_TMP/self"
export OPM_CGROUP_ROOT=$cg OPM_CGROUP_SELF=$TEST_TMP/self

assert_exit 0 "$OPM" start --name plain "$TESTAPP" tag "$TAG" forever
wait_status plain online
id=$(app_field plain id)
pid=$(app_field plain pid)
assert_eq "$pid" "$(<"$base/app-$id/cgroup.procs")" "pid in its cgroup"
assert_exit 0 "$OPM" info plain
assert_contains "$OUT" "cgroup"
assert_contains "$OUT" "$base/app-$id"
assert_eq "" "$(<"$base/cgroup.subtree_control")" \
    "no controller enabled without a limit"
[[ ! -e $base/app-$id/memory.max ]] || fail "memory.max without a limit"

dpid=$(daemon_pid)
echo "$dpid" >"$base/cgroup.procs"
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "capped", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "ignore", "TERM", "forever"],
  "cpu_max": "50%", "memory_max": "64M", "pids_max": 32,
  "kill_timeout": "300ms"}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status capped online
cid=$(app_field capped id)
assert_eq "$dpid" "$(<"$base/opmd/cgroup.procs")" \
    "the daemon moved to BASE/opmd before the controllers"
assert_eq "+cpu +memory +pids" "$(<"$base/cgroup.subtree_control")"
assert_eq "50000 100000" "$(<"$base/app-$cid/cpu.max")"
assert_eq 67108864 "$(<"$base/app-$cid/memory.max")"
assert_eq 32 "$(<"$base/app-$cid/pids.max")"
assert_eq "$(app_field capped pid)" "$(<"$base/app-$cid/cgroup.procs")"
assert_eq '"50%" 67108864 32' \
    "$("$OPM" info --json capped | jq -r '.config | "\(.cpu_max|tojson) \(.memory_max) \(.pids_max)"')"

# The kernel (5.14+) makes cgroup.kill; the stop's SIGKILL writes 1 there.
: >"$base/app-$cid/cgroup.kill"
assert_exit 0 "$OPM" stop capped
assert_eq 1 "$(<"$base/app-$cid/cgroup.kill")" "cgroup.kill at the SIGKILL"

# Delete: the cgroup goes once empty (here: emptied as the kernel would).
assert_exit 0 "$OPM" stop plain
rm -f "$base/app-$id"/*
assert_exit 0 "$OPM" delete plain
[[ ! -e $base/app-$id ]] || fail "the cgroup of a deleted app is left"
echo "ok: per-app cgroups, limits, cgroup.kill on a fake tree"
