#!/usr/bin/env bash
# Temporary files of the dump do not pile up (issue 12 item 7): a daemon
# killed during `opm save` left dump.json.tmp.PID behind forever. The next
# daemon removes stale temporaries when it starts, and every save removes
# those left since. The dump, its .bak and other files stay.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dump=$OPM_HOME/dump.json
temps()
{
	find "$OPM_HOME" -maxdepth 1 -name 'dump.json.tmp*' | wc -l
}

assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" forever
wait_status a online
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" save
[[ -f $dump.bak ]] || fail "no $dump.bak"
echo keep >"$OPM_HOME/dump.json.keep"

# Planted while the daemon runs: gone after the next save.
echo '{"torn' >"$dump.tmp.4242"
echo '{"torn' >"$dump.tmp.Xy12Zq"
assert_exit 0 "$OPM" save
assert_eq 0 "$(temps)" "temporaries after a save"

# Left by a dead daemon: gone when the next one starts.
dpid=$(daemon_pid)
kill -KILL "$dpid"
wait_for 5 pid_dead "$dpid"
echo '{"torn' >"$dump.tmp.$dpid"
assert_exit 0 "$OPM" ping
assert_eq 0 "$(temps)" "temporaries after a new daemon started"

# A daemon killed during a save, anywhere from before the write to after
# the rename, with an older temporary already there. The save's CLI may
# find no daemon and start one: either way, once a daemon is up no
# temporary is left.
for ((i = 0; i < 10; i++)); do
	dpid=$(daemon_pid)
	echo '{"torn' >"$dump.tmp.old$i"
	"$OPM" save >/dev/null 2>&1 &
	spid=$!
	sleep "0.00$((RANDOM % 10))"
	kill -KILL "$dpid"
	wait "$spid" || true
	wait_for 5 pid_dead "$dpid"
	assert_exit 0 "$OPM" ping
	assert_eq 0 "$(temps)" "round $i: temporaries once a daemon is up"
done
jq -e '.apps[0].name == "a"' "$dump" >/dev/null || fail "dump lost: $(<"$dump")"
[[ -f $dump.bak ]] || fail "$dump.bak lost"
assert_eq keep "$(<"$OPM_HOME/dump.json.keep")" "an unrelated file"
assert_exit 0 "$OPM" save
assert_eq 0 "$(temps)" "temporaries after the last save"
