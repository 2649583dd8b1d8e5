#!/usr/bin/env bash
# health: tcp and exec (issue 15 item 4). A tcp check of a python3 server
# that closes its listening socket on a flag: three refused connects and a
# restart with the reason. An exec check (a shell command in the app's
# cwd and environment) that fails exactly three times: a restart, and the
# new process healthy. A command that hangs is killed at its timeout, its
# processes gone. Checks never run while the app is not online: neither
# while it is launching (not ready) nor once stopped. Bad health objects
# are refused with the key at fault.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/health-lib.sh
. "$(dirname "$0")/health-lib.sh"
setup

cd "$TEST_TMP"
log="$OPM_HOME/opmd.log"

# --- tcp ----------------------------------------------------------------
cat >listener.py <<'PY'
import os, socket, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
s.setblocking(False)
while not os.path.exists(flag):
    try:
        s.accept()[0].close()
    except BlockingIOError:
        time.sleep(0.02)
os.remove(flag)
s.close()
while True:
    time.sleep(1)
PY
port=$(free_port)
cat >tcp.json <<JSON
{"name": "tcp", "script": "listener.py",
 "args": ["$port", "$TEST_TMP/close", "tag", "$TAG"],
 "ready": "tcp:$port",
 "health": {"tcp": $port, "interval": "200ms", "timeout": "1s",
            "retries": 3}}
JSON
assert_exit 0 "$OPM" start tcp.json
wait_for 20 health_is tcp status healthy
touch close
wait_for 30 field_is tcp restarts_by_cause.health 1
reason="health: 3 checks failed in a row: connection refused"
assert_contains "$(grep 'tcp: online -> stopping' "$log")" "$reason"
wait_for 20 health_is tcp status healthy
assert_eq "$reason" "$(health_field tcp last_restart)"

# --- exec ---------------------------------------------------------------
cat >check.sh <<'SH'
echo "$CHECK_VAR" >>runs
if [ -e bad ]; then
	n=$(cat bad)
	if [ "$n" -gt 1 ]; then echo $((n - 1)) >bad; else rm bad; fi
	exit 1
fi
SH
cat >exec.json <<JSON
{"apps": [
 {"name": "ex", "script": "$TESTAPP", "args": "tag $TAG forever",
  "cwd": "$TEST_TMP", "env": {"CHECK_VAR": "from-env"},
  "health": {"exec": "sh check.sh", "interval": "200ms", "retries": 3}},
 {"name": "slow", "script": "$TESTAPP", "args": "tag $TAG forever",
  "health": {"exec": ["/bin/sh", "-c", "sleep 30 # $TAG"],
             "interval": "200ms", "timeout": "300ms", "retries": 2}},
 {"name": "never", "script": "$TESTAPP", "args": "tag $TAG forever",
  "cwd": "$TEST_TMP", "ready": "tcp:$(free_port)", "listen_timeout": "10m",
  "health": {"exec": "echo x >>never-runs", "interval": "100ms"}}]}
JSON
assert_exit 0 "$OPM" start --only ex,slow exec.json
"$OPM" start --only never exec.json >/dev/null 2>&1 &
wait_status never launching
wait_for 20 health_is ex status healthy
assert_eq from-env "$(head -1 runs)" "the check ran in the app's cwd and env"
echo 3 >bad
wait_for 30 field_is ex restarts_by_cause.health 1
assert_contains "$(grep 'ex: online -> stopping' "$log")" \
    "health: 3 checks failed in a row: exit 1"
wait_for 20 health_is ex status healthy
[[ ! -e bad ]] || fail "the check did not run three times"
assert_eq 1 "$(app_field ex restarts)"

# A hanging command: killed at its timeout, two in a row restart (again
# and again: it may have been restarted more than once by now).
wait_for 30 field_at_least slow restarts_by_cause.health 1
assert_contains "$(grep 'slow: online -> stopping' "$log" | head -1)" \
    "health: 2 checks failed in a row: timed out after 300ms"
# Each one killed: never more than the one under way.
(( $(count_procs "sleep 30 # $TAG") <= 1 )) || fail "timed-out checks left"

# --- not while not online -------------------------------------------------
assert_eq launching "$(app_field never status)"
assert_eq off "$(health_field never status)"
[[ ! -e never-runs ]] || fail "a check ran while the app was launching"
assert_exit 0 "$OPM" stop ex
assert_eq off "$(health_field ex status)"
before=$(wc -l <runs)
# A clock: the checks of slow, which go on.
n=$(health_field slow checks)
wait_for 30 test_checks_past slow $((n + 6))
assert_eq "$before" "$(wc -l <runs)" "checks ran while stopped"
[[ ! -e never-runs ]] || fail "a check ran while the app was launching"
assert_exit 0 "$OPM" delete never slow

# --- bad input ------------------------------------------------------------
bad_health()
{
	printf '{"name": "b", "script": "%s", "health": %s}\n' "$TESTAPP" "$1" \
	    >bad.json
	assert_exit 1 "$OPM" start bad.json
	assert_contains "$ERR" "health: $2" "health $1"
}
bad_health '{"http": "ftp://x"}' 'http: must be "http://HOST[:PORT][/PATH]"'
bad_health '{"tcp": 80, "exec": "true"}' "give one of http, tcp and exec"
bad_health '{"interval": "1s"}' "needs one of http, tcp and exec"
bad_health '{"tcp": 80, "retries": 0}' "retries: must be a whole number"
bad_health '{"tcp": 80, "timeout": "10ms"}' "timeout: must be a duration"
bad_health '{"tcp": "example.com:80"}' "tcp: must be a port"
bad_health '{"tcp": 80, "intervall": "1s"}' "intervall: unknown key"
bad_health '"tcp:80"' "must be an object"
