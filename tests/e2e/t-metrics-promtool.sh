#!/usr/bin/env bash
# opm metrics (issue 17 item 3): the Prometheus text format, accepted by
# `promtool check metrics` (Debian's prometheus package), with values that
# are right: restarts_total by cause after a crash and a user's restart,
# up/status/ready of each app, app_instance for instances (never a pid
# label), the CPU counter of a busy app's tree growing and never going
# down across a restart and a daemon reload, the daemon's own figures.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

command -v promtool >/dev/null || fail "promtool missing (build-aux/deps.sh check)"

metric()
{
	awk -v k="$1" '$1 == k { print $2 }' "$TEST_TMP/m.txt"
}
scrape()
{
	assert_exit 0 "$OPM" metrics
	printf '%s\n' "$OUT" >"$TEST_TMP/m.txt"
	assert_exit 0 promtool check metrics <"$TEST_TMP/m.txt"
}

assert_exit 0 "$OPM" start --name c --min-uptime 200ms "$TESTAPP" \
    tag "$TAG" forever
wait_status c online
# A busy app: a child burning CPU in the tree.
assert_exit 0 "$OPM" start --name busy "python3 -c 'import time
while time.process_time() < 0.6: pass
time.sleep(600)' # $TAG"
assert_exit 0 "$OPM" start --name inst -i 2 "$TESTAPP" tag "$TAG" forever
wait_status busy online
assert_exit 0 "$OPM" start --name down --no-autostart "$TESTAPP" forever
p=$(app_field c pid)
kill -KILL "$p"
new_pid()
{
	[[ $(app_field c pid) != "$p" && $(app_field c status) == online ]]
}
wait_for 10 new_pid
assert_exit 0 "$OPM" restart c

scrape
grep -q 'pid=' "$TEST_TMP/m.txt" && fail "a pid label"
assert_eq 1 "$(metric 'opm_app_restarts_total{app="c",cause="crash"}')" \
    "crash restarts"
assert_eq 1 "$(metric 'opm_app_restarts_total{app="c",cause="user"}')" \
    "user restarts"
assert_eq 0 "$(metric 'opm_app_restarts_total{app="c",cause="watch"}')" \
    "watch restarts"
assert_eq 1 "$(metric 'opm_app_up{app="c"}')" "c up"
assert_eq 0 "$(metric 'opm_app_up{app="down"}')" "down up"
assert_eq 1 "$(metric 'opm_app_status{app="down",state="stopped"}')" \
    "down stopped"
assert_eq 0 "$(metric 'opm_app_status{app="down",state="online"}')" \
    "down not online"
assert_eq 1 "$(metric 'opm_app_ready{app="c"}')" "c ready"
assert_eq 1 "$(metric 'opm_app_up{app="inst",app_instance="1"}')" \
    "instance label"
assert_eq "" "$(metric 'opm_app_start_time_seconds{app="down"}')" \
    "no start time when stopped"
start=$(metric 'opm_app_start_time_seconds{app="c"}')
now=$(date +%s)
(( ${start%.*} <= now && ${start%.*} > now - 60 )) ||
    fail "start time $start, now $now"
(( $(metric 'opm_app_memory_bytes{app="c"}') > 0 )) || fail "memory of c"
assert_eq 5 "$(metric opm_apps)" "opm_apps"
(( $(metric opm_spawns_total) >= 6 )) || fail "spawns"
(( $(metric process_open_fds) > 5 )) || fail "open fds"
(( $(metric process_resident_memory_bytes) > 100000 )) || fail "rss"
assert_contains "$(<"$TEST_TMP/m.txt")" \
    "# TYPE opm_app_restarts_total counter"
assert_contains "$(<"$TEST_TMP/m.txt")" "# HELP opm_app_up "

# CPU: the busy app's burn is counted, and never goes down.
cpu_at_least()
{
	scrape
	awk -v m="$1" '$1 == "opm_app_cpu_seconds_total{app=\"busy\"}" {
	    exit !($2 >= m) }' "$TEST_TMP/m.txt"
}
wait_for 10 cpu_at_least 0.4
before=$(metric 'opm_app_cpu_seconds_total{app="busy"}')
assert_exit 0 "$OPM" daemon reload
scrape
after=$(metric 'opm_app_cpu_seconds_total{app="busy"}')
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b) }' ||
    fail "cpu went from $before to $after over a reload"
assert_eq 1 "$(metric opm_daemon_reloads_total)" "reloads"
assert_exit 0 "$OPM" restart busy
wait_status busy online
scrape
again=$(metric 'opm_app_cpu_seconds_total{app="busy"}')
awk -v a="$again" -v b="$after" 'BEGIN { exit !(a >= b) }' ||
    fail "cpu went from $after to $again over a restart"
echo "busy cpu: $before, after reload $after, after restart $again"
# A name that needs escaping stays valid.
assert_exit 0 "$OPM" start --name 'we"ird\app' "$TESTAPP" tag "$TAG" forever
scrape
assert_contains "$(<"$TEST_TMP/m.txt")" 'opm_app_up{app="we\"ird\\app"} 1'
assert_exit 0 "$OPM" metrics --json
assert_eq "text/plain; version=0.0.4; charset=utf-8" \
    "$(jq -r .content_type <<<"$OUT")" "content type"
