#!/usr/bin/env bash
# Apps get the umask and the soft resource limits the daemon started with
# (those of the CLI that started it), not the daemon's own umask 077 and
# raised open-file limit; a daemon reload keeps them.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

hard=$(ulimit -Hn)
soft=1000
(( hard > soft )) || soft=$((hard - 1))
assert_exit 0 bash -c 'umask 022; ulimit -Sn "$1"; shift; exec "$@"' _ "$soft" \
    "$OPM" start --name u "$TESTAPP" tag "$TAG" forever
wait_status u online

check()
{
	local pid dpid

	pid=$(app_field u pid)
	dpid=$(daemon_pid)
	wait_for 5 test -r "/proc/$pid/limits"
	assert_eq 0022 "$(awk '$1 == "Umask:" {print $2}' "/proc/$pid/status")" \
	    "umask of the app ($1)"
	assert_eq 0077 "$(awk '$1 == "Umask:" {print $2}' "/proc/$dpid/status")" \
	    "umask of the daemon ($1)"
	assert_eq "$soft" "$(awk '/^Max open files/ {print $4}' \
	    "/proc/$pid/limits")" "open-file soft limit of the app ($1)"
	assert_eq "$hard" "$(awk '/^Max open files/ {print $5}' \
	    "/proc/$pid/limits")" "open-file hard limit of the app ($1)"
}
check start
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" restart u
wait_status u online
check "after a reload"
echo "ok: umask 0022 and soft NOFILE $soft reach the app"
