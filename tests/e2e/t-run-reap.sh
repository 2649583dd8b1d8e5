#!/usr/bin/env bash
# PID 1 duties of opm run: orphans are reaped, whoever made them. An app
# that double-forks a child which exits a second later (the child is an
# orphan of the app), and a process started from outside the daemon's tree
# (nsenter, as docker exec does) that leaves an orphan: both are re-parented
# to PID 1, the daemon, which reaps them without taking them for apps. No
# zombie is left in the namespace, the app is still online with no restart,
# and opm run still stops cleanly.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [
 {"name": "orphaner", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "daemonize-orphan", "1", "print", "forked",
	   "daemonize-orphan", "1.5", "forever"]}
]}
JSON

run_start "$TEST_TMP/apps.json"
wait_for 20 grep -qxF "orphaner | forked" "$RUN_OUT"
# docker exec CONTAINER sh -c 'sleep 1 & exit': the sleep is orphaned.
ns_exec /bin/sh -c "sleep 1.2 & echo \$! >$TEST_TMP/sleep.pid; exit 0"
assert_ne "" "$(cat "$TEST_TMP/sleep.pid")" "the orphan's pid"

# How many processes of the namespace run CMDLINE-PATTERN (zombies have none).
ns_count()
{
	local p n=0 c

	for p in $(ns_pids); do
		c=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
		[[ $c == $1 ]] && n=$((n + 1))
	done
	echo "$n"
}

# The orphans have exited and been reaped: the app alone is left, no zombie.
settled()
{
	[[ $(ns_count "*daemonize-orphan*") == 1 ]] &&
	    [[ $(ns_count "sleep 1.2 ") == 0 ]] &&
	    [[ $(ns_zombies) == 0 ]]
}
wait_for 20 settled || fail "zombies: $(ns_zombies); processes:" \
    "$(for p in $(ns_pids); do cat "/proc/$p/stat"; echo; done)"
assert_eq online "$(app_field orphaner status)" "the app's status"
assert_eq 0 "$(app_field orphaner restarts)" "the app's restarts"
assert_not_contains "$(cat "$RUN_ERR")" "orphaner: online ->" \
    "an orphan's end was taken for the app's"

kill -TERM "$RUN_INIT"
run_wait 20
assert_eq 0 "$RUN_RC" "exit status after SIGTERM"
