#!/usr/bin/env bash
# A stopped app holds no descriptor of the daemon: its log files open with
# its first process and close when the last pipe into them ends. Each one
# held two, so 10,000 apps created stopped needed 20,000 descriptors, the
# whole of this machine's hard limit: with the daemon's soft limit at 300,
# 400 apps from one file (autostart false) must all be created, listed
# and stopped, the daemon still far from its limit. One of them started
# writes its lines to its log, and once stopped again gives its two
# descriptors back; `opm logs` of one never started answers (no file yet).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
command -v prlimit >/dev/null || fail "prlimit (util-linux) is needed"
n=400

assert_exit 0 "$OPM" ping
d=$(daemon_pid)
prlimit --pid "$d" --nofile=300:"$(ulimit -Hn)"
fds() { ls "/proc/$d/fd" | wc -l; }
before=$(fds)

awk -v n="$n" -v app="$TESTAPP" -v tag="$TAG" 'BEGIN {
    printf "{\"apps\":["
    for (i = 0; i < n; i++)
	printf "%s{\"name\":\"s%d\",\"argv\":[\"%s\",\"tag\",\"%s\",\"print\",\"line-3\",\"forever\"],\"autostart\":false}",
	    i ? "," : "", i, app, tag
    print "]}" }' >"$TEST_TMP/apps.json"
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
assert_exit 0 "$OPM" list --json
assert_eq "$n" "$(jq 'length' <<<"$OUT")" "apps created"
assert_eq "$n" "$(jq '[.[] | select(.status == "stopped")] | length' \
    <<<"$OUT")" "apps stopped"
now=$(fds)
echo "daemon descriptors: $before before, $now with $n stopped apps" >&2
((now < before + 10)) || fail "$n stopped apps hold $((now - before)) descriptors"

# Never started: no log file yet, and logs still answers.
assert_exit 0 "$OPM" logs --lines 5 s7

# Started: its lines land; stopped: its descriptors go.
assert_exit 0 "$OPM" start s3
wait_status s3 online
log=$(app_field s3 out_log)
wait_for 5 grep -q "line-3" "$log"
assert_exit 0 "$OPM" stop s3
wait_status s3 stopped
wait_for 5 eval '(($(fds) < before + 10))'
assert_exit 0 "$OPM" logs --lines 5 s3
assert_contains "$OUT" "line-3"
assert_exit 0 "$OPM" delete all
teardown
