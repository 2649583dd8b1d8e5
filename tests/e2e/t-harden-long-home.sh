#!/usr/bin/env bash
# A long OPM_HOME (issue 12 item 4). sun_path holds 107 bytes: with a home
# of 96 or 97 bytes the control socket (HOME/opmd.sock) still fits but the
# keeper's (HOME/keeper.sock) did not, so the daemon ran without a keeper
# and its next death killed every app. The keeper must work at every
# length the control socket allows: apps survive a SIGKILL of the daemon
# with their pids and their output. A home too long for the control
# socket is refused by the CLI with one clear line and exit 3.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

base=$OPM_HOME
trap '_rc=$?; set +eE; trap - ERR; (exit $_rc); teardown; rm -rf -- "$base"' EXIT

# A directory under base whose path is exactly LEN bytes.
long_dir()	# LEN
{
	local pad=$(( $1 - ${#base} - 1 ))

	printf '%s/%s' "$base" "$(printf '%*s' "$pad" '' | tr ' ' h)"
}

# The output goes on after the daemon's death: past line N of FILE.
grew()	# FILE N
{
	(( $(last_seq "$1") > $2 ))
}

for len in 97 96; do
	OPM_HOME=$(long_dir "$len")
	TAG=$OPM_HOME
	export OPM_HOME
	assert_eq "$len" "${#OPM_HOME}" "length of the home"
	assert_exit 0 "$OPM" start --name "t$len" "$TESTAPP" tag "$TAG" tick 20
	wait_status "t$len" online
	pid0=$(app_field "t$len" pid)
	wait_for 10 test -s "$OPM_HOME/logs/t$len-out.log"
	(( $(keeper_pids | wc -l) == 1 )) ||
	    fail "home of $len bytes: no keeper: $(grep -i keeper "$OPM_HOME/opmd.log")"
	kill_daemon
	assert_exit 0 "$OPM" list --json
	assert_eq "$pid0" "$(app_field "t$len" pid)" \
	    "home of $len bytes: pid after the daemon's death"
	assert_eq 0 "$(app_field "t$len" restarts)" \
	    "home of $len bytes: restarts after the daemon's death"
	seen=$(last_seq "$OPM_HOME/logs/t$len-out.log")
	wait_for 10 grew "$OPM_HOME/logs/t$len-out.log" $(( seen + 2 ))
	seq_check "$OPM_HOME/logs/t$len-out.log" >/dev/null
	assert_exit 0 "$OPM" daemon stop
	wait_for 10 pid_dead "$pid0"
done

# Too long for the control socket: one clear line, exit 3, no daemon.
OPM_HOME=$(long_dir 98)
export OPM_HOME
assert_exit 3 "$OPM" ping
assert_contains "$ERR" "opm: " "home of 98 bytes: error line"
assert_contains "$ERR" "107 bytes" "home of 98 bytes: says why"
assert_eq 1 "$(wc -l <<<"$ERR")" "home of 98 bytes: one line"
echo "home of 98 bytes: $ERR"
assert_eq 0 "$(count_daemons)" "daemons of a home of 98 bytes"
