#!/usr/bin/env bash
# Apps survive a crash of the daemon, not a clean stop: `opm daemon stop`
# (and SIGTERM to opmd) stops every app, children of their groups
# included, even one that ignores SIGTERM, then the keeper quits and the
# runtime state is removed, so the next daemon starts empty (restore is
# what brings apps back). The same holds for apps the daemon adopted after
# a crash (not its children).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

start_apps()
{
	assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" \
	    tag ticker tick 10
	assert_exit 0 "$OPM" start --name parent "$TESTAPP" tag "$TAG" \
	    tag parent fork-sleep 1000 forever
	assert_exit 0 "$OPM" start --name stubborn --kill-timeout 1s \
	    "$TESTAPP" tag "$TAG" tag stubborn ignore TERM forever
	wait_status ticker online
	wait_status parent online
	wait_status stubborn online
	# parent and its forked child.
	assert_eq 2 "$(count_procs "* tag $TAG tag parent *")" \
	    "processes of parent"
}

# Everything of this OPM_HOME is gone and nothing comes back by itself.
all_gone()
{
	local what=$1

	assert_eq 0 "$(count_procs "* tag $TAG tag *")" \
	    "app processes after $what"
	assert_eq 0 "$(count_procs opmd)" "daemons after $what"
	wait_for 5 test "$(count_procs 'opmd --keeper')" = 0
	if compgen -G "$OPM_HOME/state/*.json" >/dev/null; then
		fail "runtime state left after $what: $(ls "$OPM_HOME/state")"
	fi
	assert_exit 0 "$OPM" list --json
	assert_eq '[]' "$(jq -c . <<<"$OUT")" "apps of the next daemon"
	assert_eq 0 "$(count_procs "* tag $TAG tag *")" \
	    "app processes once a new daemon runs"
}

# 1. opm daemon stop: returns once all is stopped.
start_apps
d=$(opmd_pidfile)
assert_exit 0 "$OPM" daemon stop
pid_dead "$d" || fail "opm daemon stop returned with opmd $d alive"
all_gone "opm daemon stop"

# 2. SIGTERM to opmd (what systemctl stop does).
assert_exit 0 "$OPM" daemon stop
start_apps
d=$(opmd_pidfile)
kill -TERM "$d"
wait_for 10 pid_dead "$d"
all_gone "SIGTERM to opmd"

# 3. The same with adopted apps: crash, adoption, then a clean stop.
assert_exit 0 "$OPM" daemon stop
start_apps
kill_daemon
assert_exit 0 "$OPM" list --json
assert_eq 3 "$(jq '[.[] | select(.status == "online")] | length' <<<"$OUT")" \
    "adopted apps online"
d=$(opmd_pidfile)
assert_exit 0 timeout 10 "$OPM" daemon stop
pid_dead "$d" || fail "opm daemon stop returned with opmd $d alive"
all_gone "opm daemon stop of adopted apps"
