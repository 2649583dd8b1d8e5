#!/usr/bin/env bash
# watchdog_sec (issue 14 item 1): a python3 app with ready: notify gets
# WATCHDOG_USEC, sends READY=1, then WATCHDOG=1 every 200 ms while a file
# exists. Pinging, it lives well past watchdog_sec (1s); once it stops, it
# is restarted: counted, a new pid, the reason in opmd.log and in info.
# `opm daemon reload` while it pings changes nothing: the notify socket is
# handed over with the exec, so no ping finds it closed.
# watchdog_sec without ready: notify is refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
cat >dog.py <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
addr = os.environ["NOTIFY_SOCKET"]
print("WATCHDOG_USEC=" + os.environ.get("WATCHDOG_USEC", ""))
s.sendto(b"READY=1", addr)
n = 0
while True:
    if os.path.exists(sys.argv[1]):
        s.sendto(b"WATCHDOG=1", addr)
        n += 1
        print("ping", n)
    time.sleep(0.2)
PY

# The app has been restarted at least once.
restarted()
{
	(( $(app_field dog restarts) >= 1 ))
}

assert_exit 1 "$OPM" start --name bad --watchdog-sec 1s dog.py x
assert_contains "$ERR" "watchdog_sec: needs ready: notify" "watchdog alone"

touch "$TEST_TMP/ping"
assert_exit 0 "$OPM" start --name dog --ready notify --watchdog-sec 1s \
    dog.py "$TEST_TMP/ping"
assert_eq online "$(app_field dog status)" "status after start"
pid=$(app_field dog pid)
out=$(app_field dog out_log)
wait_for 10 grep -q "^WATCHDOG_USEC=1000000$" "$out"
# 15 pings take 3 s: three times watchdog_sec, and it is still the same.
wait_for 20 grep -q "^ping 15$" "$out"
assert_eq "$pid" "$(app_field dog pid)" "pid while pinging"
assert_eq 0 "$(app_field dog restarts)" "restarts while pinging"
assert_eq online "$(app_field dog status)" "status while pinging"

# A reload in the middle: the pings go on, to the same socket.
assert_exit 0 "$OPM" daemon reload
wait_for 20 grep -q "^ping 25$" "$out"
assert_eq "$pid" "$(app_field dog pid)" "pid after a reload"
assert_eq 0 "$(app_field dog restarts)" "restarts after a reload"
assert_eq online "$(app_field dog status)" "status after a reload"

# Silence: restarted by the watchdog.
rm "$TEST_TMP/ping"
wait_for 20 restarted
wait_status dog online 20
assert_ne "$pid" "$(app_field dog pid)" "pid after the watchdog"
grep -q "dog: no WATCHDOG=1 within watchdog_sec (1s)" "$OPM_HOME/opmd.log" ||
    fail "opmd.log does not name the watchdog"
grep -q "dog: online -> stopping (watchdog: no WATCHDOG=1 within watchdog_sec; restarting)" \
    "$OPM_HOME/opmd.log" || fail "opmd.log has no watchdog transition"
assert_exit 0 "$OPM" info dog
assert_contains "$OUT" "restarted by the watchdog: no WATCHDOG=1 within watchdog_sec (1s)" \
    "opm info after the watchdog"
