#!/usr/bin/env bash
# One `opm logs --follow` (all apps) must not pin the log files of apps
# deleted meanwhile: after 50 apps are created and deleted, the daemon's
# descriptor count is back near where it was, and the follower still
# streams the lines of apps created later (issue 12 item 11).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

has_line()
{
	[[ -e $1 ]] && grep -qxF -- "$2" "$1"
}

nfds()
{
	local -a fds

	fds=("/proc/$DPID/fd/"*)
	echo "${#fds[@]}"
}

# Descriptors of the daemon open on logs of the apps a* and b*.
deleted_logs()
{
	local fd n=0

	for fd in "/proc/$DPID/fd/"*; do
		[[ $(readlink "$fd") == "$OPM_HOME"/logs/[ab][0-9]* ]] &&
		    n=$((n + 1))
	done
	echo "$n"
}

# 50 apps, created stopped, from one app file.
appfile()	# PREFIX
{
	local i sep=

	printf '{"apps": ['
	for ((i = 0; i < 50; i++)); do
		printf '%s{"name": "%s%d", "argv": ["%s", "tag", "%s", "forever"], "autostart": false}' \
		    "$sep" "$1" "$i" "$TESTAPP" "$TAG"
		sep=,
	done
	printf ']}\n'
}

assert_exit 0 "$OPM" start --name first "$TESTAPP" tag "$TAG" \
    print ready forever
DPID=$(daemon_pid)
wait_for 5 has_line "$(app_field first out_log)" ready
"$OPM" logs --follow --lines 1 >"$TEST_TMP/f.out" 2>"$TEST_TMP/f.err" &
follower=$!
wait_for 5 has_line "$TEST_TMP/f.out" "first | ready"
before=$(nfds)
echo "daemon descriptors with one follower: $before"

for round in a b; do
	appfile "$round" >"$TEST_TMP/apps-$round.json"
	assert_exit 0 "$OPM" start "$TEST_TMP/apps-$round.json"
	assert_exit 0 "$OPM" delete "$(seq -s, -f "$round%g" 0 49)"
done
after=$(nfds)
echo "after creating and deleting 100 apps: $after"
(( after <= before + 4 )) ||
    fail "the daemon holds $((after - before)) more descriptors after 100" \
    "apps were created and deleted under one follower ($before -> $after):" \
    "$(deleted_logs) of them are deleted apps' logs"

# The follower still works, for old and new apps alike.
pid_alive "$follower" || fail "the follower exited: $(<"$TEST_TMP/f.err")"
assert_exit 0 "$OPM" start --name later "$TESTAPP" tag "$TAG" \
    print hello forever
wait_for 5 has_line "$TEST_TMP/f.out" "later | hello"
assert_exit 0 "$OPM" delete later
(( $(nfds) <= before + 4 )) || fail "descriptors after 'later': $(nfds)"
