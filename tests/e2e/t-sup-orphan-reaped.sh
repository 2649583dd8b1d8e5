#!/usr/bin/env bash
# The daemon is a child subreaper: the grandchild of a double-forking app is
# reparented to the daemon, and when it exits the daemon reaps it (no
# zombie whose parent is the daemon is left), without mistaking it for the
# app: the app stays online, same pid, no restart.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name dbl --min-uptime 200ms \
    "$TESTAPP" tag "$TAG" daemonize-orphan 1 daemonize-orphan 1.2 forever
wait_status dbl online
pid=$(app_field dbl pid)
dpid=$(daemon_pid)

# The orphans: every process of the test with that command line but the app.
orphans=()
find_orphans()
{
	local p

	orphans=()
	for p in $(pgrep -f -- "tag $TAG daemonize-orphan"); do
		[[ $p != "$pid" ]] && orphans+=("$p")
	done
	(( ${#orphans[@]} == 2 ))
}
wait_for 5 find_orphans
track_pid "${orphans[@]}"
for o in "${orphans[@]}"; do
	read -r -a stat <"/proc/$o/stat"
	assert_eq "$dpid" "${stat[3]}" "parent of orphan $o (daemon $dpid)"
done

# Zombies whose parent is the daemon.
zombies_of_daemon()
{
	local f s rest n=0

	for f in /proc/[0-9]*/stat; do
		read -r s 2>/dev/null <"$f" || continue
		rest=${s##*) }
		# rest: STATE PPID ...
		[[ ${rest:0:1} == Z && ${rest#* } == "$dpid "* ]] && n=$((n + 1))
	done
	echo "$n"
}
gone()
{
	[[ ! -e /proc/$1 ]]
}
for o in "${orphans[@]}"; do
	wait_for 5 gone "$o"
done
assert_eq 0 "$(zombies_of_daemon)" "zombie children of the daemon"
assert_eq online "$(app_field dbl status)" "status"
assert_eq "$pid" "$(app_field dbl pid)" "pid"
assert_eq 0 "$(app_field dbl restarts)" "restarts"
