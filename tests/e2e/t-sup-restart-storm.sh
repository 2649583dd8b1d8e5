#!/usr/bin/env bash
# A restart storm: 64 apps that print a line and exit every 0.2 s, restarted
# at once by policy, for 8 seconds (about 2500 restarts). The daemon must
# keep answering, its descriptors must stay bounded (each log pipe closed
# at EOF, not left stuck), the descriptor keeper must drop every pipe the
# daemon drops, and every run must be accounted for afterwards.
#
# Regression: reaping in batches re-armed a 0 ms timer, which libuv 1.44
# runs again in the same timer phase; the loop then never polled, the log
# pipes of finished runs piled up (thousands of descriptors, 128 KiB each)
# and the keeper's queue overflowed (drops lost with EAGAIN).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

apps=${STORM_APPS:-128}
for ((i = 0; i < apps; i++)); do
	printf '{"name":"s%d","argv":["%s","tag","%s","print","up","sleep","0.1"],' \
	    "$i" "$TESTAPP" "$TAG"
	printf '"min_uptime":"100ms","max_restarts":1000000}\n'
done | paste -sd, | sed 's/^/{"apps":[/; s/$/]}/' > "$TEST_TMP/apps.json"

assert_exit 0 "$OPM" daemon start
dpid=$(daemon_pid)
keeper=$(keeper_pids)
[[ $keeper =~ ^[0-9]+$ ]] || fail "no keeper (or several): [$keeper]"
fds() { find "/proc/$1/fd" -mindepth 1 2>/dev/null | wc -l; }
dfds0=$(fds "$dpid")

assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
max_d=0 max_k=0 slow=0
for ((t = 0; t < 16; t++)); do
	sleep 0.5
	t0=$EPOCHREALTIME
	if ! timeout 2 "$OPM" ping >/dev/null; then
		slow=$((slow + 1))
	fi
	ms=$(awk "BEGIN{printf \"%d\", ($EPOCHREALTIME - $t0) * 1000}")
	d=$(fds "$dpid")
	(( d > max_d )) && max_d=$d
	k=$(fds "$keeper")
	(( k > max_k )) && max_k=$k
	echo "t=$t ping ${ms}ms daemon fds $d keeper fds $k"
done
echo "daemon fds: idle $dfds0, peak $max_d; keeper peak $max_k"
assert_eq 0 "$slow" "pings that took over 2 s during the storm"
# Per app: its two log files, and at most a few pipes (the live run's two,
# a finished run's two until EOF, the exec-verdict pipe and a pidfd).
(( max_d <= dfds0 + apps * 8 )) ||
    fail "daemon descriptors grew to $max_d (idle $dfds0, $apps apps)"
(( max_k <= apps * 6 + 16 )) ||
    fail "keeper descriptors grew to $max_k for $apps apps"

assert_exit 0 "$OPM" stop all
assert_exit 0 "$OPM" list --json
restarts=$(jq '[.[].restarts] | add' <<<"$OUT")
assert_exit 0 "$OPM" daemon status --json
spawns=$(jq .spawns <<<"$OUT")
echo "restarts $restarts, spawns $spawns"
(( restarts > apps * 5 )) || fail "only $restarts restarts in 8 s"
assert_eq $((apps + restarts)) "$spawns" "spawns == apps + restarts"
# Every pipe reaches EOF once all runs are stopped: back to idle + log files.
settled() { (( $(fds "$dpid") <= dfds0 + apps * 2 + 4 && $(fds "$keeper") <= 8 )); }
wait_for 5 settled
echo "after stop all: daemon fds $(fds "$dpid"), keeper fds $(fds "$keeper")"
assert_not_contains "$(cat "$OPM_HOME/opmd.log")" "keeper_drop"
ups=$(cat "$OPM_HOME"/logs/*-out.log* | grep -c '^up$' || true)
(( ups <= spawns && ups >= spawns - apps )) ||
    fail "the apps' logs hold $ups runs for $spawns spawns"
