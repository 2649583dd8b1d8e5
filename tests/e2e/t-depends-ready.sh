#!/usr/bin/env bash
# Issue 14 item 5 with item 1: condition ready. db has a tcp readiness
# probe and listens only once it is let go; api depends on it with
# {"condition": "ready"}. While db runs but is not ready (launching), api
# is held, `waiting` with the reason "waiting for db (ready)", and does
# not run although db's process runs; once db accepts connections it is
# online and ready, and api starts, after it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

port=$(free_port)
cat >"$TEST_TMP/db.py" <<'PY'
import os, socket, sys, time
gate, port, d = sys.argv[1], int(sys.argv[2]), os.environ["DEPS_DIR"]
while not os.path.exists(gate):
    time.sleep(0.02)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
with open(os.path.join(d, "events"), "a") as f:
    f.write("db listening\n")
while True:
    c, _ = s.accept()
    c.close()
PY
cat >"$TEST_TMP/eco.json" <<JSON
{"apps": [
  {"name": "db", "script": "$PYTHON", "args": ["$TEST_TMP/db.py",
   "$TEST_TMP/go-db", "$port"], "cwd": "$TEST_TMP",
   "env": {"DEPS_DIR": "$TEST_TMP"}, "ready": "tcp:$port",
   "listen_timeout": "60s"},
  $(app_json api "" '"depends_on": [{"app": "db", "condition": "ready"}]')
]}
JSON
# The start's reply waits for db's readiness: in the background.
"$OPM" start "$TEST_TMP/eco.json" >"$TEST_TMP/start.out" 2>&1 &
starter=$!
wait_status db launching
wait_status api waiting
assert_eq "waiting for db (ready)" "$(app_field api reason)" "reason of api"
# db's process runs and stays unready a while: api must still be held.
sleep 1.5
assert_eq launching "$(app_field db status)" "db before it listens"
assert_eq waiting "$(app_field api status)" "api while db is not ready"
assert_eq null "$(app_field api pid)" "pid of api while db is not ready"
[[ ! -s $TEST_TMP/events ]] || fail "something ran early: $(events)"

touch "$TEST_TMP/go-db"
wait_status db online 30
wait_status api online 30
assert_eq true "$(app_field db ready)" "db ready"
assert_eq "db listening,api start" "$(events)" "order of db and api"
wait "$starter" || fail "opm start exited $?: $(<"$TEST_TMP/start.out")"
