#!/usr/bin/env bash
# Without a delegated cgroup v2 (this machine: cgroup v1, hybrid), opm says
# so instead of pretending (issue 16 item 2): info shows "cgroup: not
# available: WHY"; an app created with cpu_max, memory_max or pids_max is
# refused with the key and the reason; an app restored from a dump (saved
# where cgroups worked: a fake tree here, OPM_CGROUP_ROOT) keeps the keys,
# runs without them, and the daemon's log warns. limits (setrlimit) still
# work. Skipped where cgroups are delegated: t-prod-cgroup-real runs there.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cgroup-lib.sh
. "$(dirname "$0")/cgroup-lib.sh"

if cgroup_delegated; then
	echo "SKIP (this machine has a delegated cgroup v2 at $CGROUP_BASE)"
	exit 0
fi
echo "no delegated cgroup v2 here: $CGROUP_WHY"
setup

assert_exit 0 "$OPM" start --name plain "$TESTAPP" tag "$TAG" forever
wait_status plain online
assert_exit 0 "$OPM" info plain
line=$(grep '^cgroup ' <<<"$OUT")
assert_contains "$line" "not available: /sys/fs/cgroup is not a cgroup2 file system"
assert_eq null "$("$OPM" info --json plain | jq .cgroup)"

for kv in '"cpu_max": "50%"' '"memory_max": "64M"' '"pids_max": 8'; do
	printf '{"name": "c", "script": "%s", "args": ["tag", "%s", "forever"], %s}\n' \
	    "$TESTAPP" "$TAG" "$kv" >"$TEST_TMP/c.json"
	assert_exit 1 "$OPM" start "$TEST_TMP/c.json"
	key=${kv#\"}
	key=${key%%\"*}
	assert_contains "$ERR" "$key: needs a delegated cgroup v2; not available here: /sys/fs/cgroup is not a cgroup2 file system"
done
assert_exit 1 "$OPM" info c

# A dump made where cgroups were delegated (a fake tree), restored here.
assert_exit 0 "$OPM" daemon stop
cg=$TEST_TMP/cg
mkdir -p "$cg/svc"
echo "cpu memory pids" >"$cg/svc/cgroup.controllers"
: >"$cg/svc/cgroup.subtree_control"
printf '0::/svc\n' >"$TEST_TMP/self"
OPM_CGROUP_ROOT=$cg OPM_CGROUP_SELF=$TEST_TMP/self \
    assert_exit 0 "$OPM" start "$TEST_TMP/c.json"
wait_status c online
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" daemon stop
assert_exit 0 "$OPM" restore
wait_status c online
assert_eq 8 "$("$OPM" info --json c | jq .config.pids_max)" "key kept"
wait_for 10 grep -q "c: pids_max not applied: cgroup not available" \
    "$OPM_HOME/opmd.log"
assert_exit 0 "$OPM" info c
assert_contains "$OUT" "not available:"
echo "ok: no cgroup v2: said, refused, or kept with a warning"
