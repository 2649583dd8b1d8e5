#!/usr/bin/env bash
# Watch costs nothing while nothing changes: with 20 watched apps and no
# change, the daemon is not woken once in 3 s (its context switches, all
# threads, from /proc, do not move); no timer is armed while idle. A save
# then does wake it (the measure is not blind). bench/watch-idle.sh does
# the same with 100 apps.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/watch-lib.sh
. "$(dirname "$0")/watch-lib.sh"
setup

switches()
{
	local t s=0 k v

	for t in /proc/"$1"/task/*; do
		while read -r k v; do
			case $k in
			voluntary_ctxt_switches:|nonvoluntary_ctxt_switches:)
				s=$((s + v)) ;;
			esac
		done <"$t/status"
	done
	echo "$s"
}

n=20
{
	echo '{"apps": ['
	for ((i = 0; i < n; i++)); do
		mkdir -p "$TEST_TMP/app$i/src/lib"
		echo "// $i" >"$TEST_TMP/app$i/src/index.js"
		(( i > 0 )) && echo ','
		printf '{"name": "w%d", "script": "%s", "args": "tag %s forever", "cwd": "%s", "watch": true, "min_uptime": "100ms"}' \
		    "$i" "$TESTAPP" "$TAG" "$TEST_TMP/app$i"
	done
	echo ']}'
} >"$TEST_TMP/apps.json"
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
all_online()
{
	local k

	k=$("$OPM" list --json | jq '[.[] | select(.status == "online")] | length')
	echo "online: $k of $n"
	(( k == n ))
}
wait_for 20 all_online
d=$(daemon_pid)
# min_uptime's timers have fired; the daemon has nothing left to do.
sleep 1
a=$(switches "$d")
sleep 3
b=$(switches "$d")
assert_eq 0 "$((b - a))" "daemon context switches in 3 s of no change"

save "$TEST_TMP/app0/src/index.js" 1 0
wait_for 10 restarts_are w0 1
c=$(switches "$d")
(( c > b )) || fail "a save did not wake the daemon: $b then $c"
assert_eq 0 "$(watch_restarts w1)" "watch restarts of w1"
teardown
