# shellcheck shell=bash
# cgroup_delegated: true when this machine has what opm's cgroup v2 code
# needs (src/process/cgroup.c): cgroup2 at /sys/fs/cgroup and our own cgroup
# writable. CGROUP_WHY says why not; CGROUP_BASE is our cgroup's directory.
cgroup_delegated()
{
	local rel

	CGROUP_WHY= CGROUP_BASE=
	if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) != cgroup2fs ]]; then
		CGROUP_WHY="/sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup 2>/dev/null), not cgroup2 (cgroup v1 or hybrid)"
		return 1
	fi
	rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
	CGROUP_BASE=/sys/fs/cgroup$rel
	if [[ ! -w $CGROUP_BASE || ! -w $CGROUP_BASE/cgroup.subtree_control ]]; then
		CGROUP_WHY="our cgroup $rel is not writable (not delegated)"
		return 1
	fi
	return 0
}
