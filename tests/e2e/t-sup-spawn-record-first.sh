#!/usr/bin/env bash
# Record before run, on the vfork path (docs/ARCHITECTURE.md, "Spawning"):
# the child writes the app's runtime record itself before it execs, so the
# app's first act finds its own pid and start time in the record, at the
# first start and at every respawn. The daemon says which path it takes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

# The app's first act: copy its record and its own stat line, then wait.
cat >"$TEST_TMP/first.sh" <<EOF
#!/bin/sh
cp "$OPM_HOME/state/0.json" "$TEST_TMP/rec.\$\$"
cp /proc/\$\$/stat "$TEST_TMP/stat.\$\$"
exec sleep 1000 # tag $TAG
EOF
chmod +x "$TEST_TMP/first.sh"

assert_exit 0 "$OPM" start --name first --min-uptime 100ms "$TEST_TMP/first.sh"
wait_status first online
assert_contains "$(cat "$OPM_HOME/opmd.log")" "spawn: vfork"

check()	# PID: its record, as copied by its first act, names it
{
	local p=$1 start st
	wait_for 5 test -s "$TEST_TMP/stat.$p"
	read -r -a st <"$TEST_TMP/stat.$p"
	start=${st[21]}
	jq -e --argjson p "$p" --argjson s "$start" \
	    '.pid == $p and .pgid == $p and .starttime == $s' \
	    "$TEST_TMP/rec.$p" >/dev/null ||
	    fail "record seen by pid $p: $(jq -c '{pid,pgid,starttime}' \
	    "$TEST_TMP/rec.$p"), start time $start"
}

pid=$(app_field first pid)
check "$pid"
respawned()	# OLD: another process runs the app
{
	local p
	p=$(app_field first pid)
	[[ $p != null && $p != 0 && $p != "$1" ]]
}
for _ in 1 2 3; do
	kill -KILL "$pid"
	wait_for 30 respawned "$pid"
	pid=$(app_field first pid)
	check "$pid"
done

echo "ok: 4 starts, each app's first act saw its pid and start time"
