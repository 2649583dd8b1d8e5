#!/usr/bin/env bash
# `opm start srv.py` runs python3 on it (not executable), with
# PYTHONUNBUFFERED=1 so that its prints reach the log at once; the app
# answers a request. An app file's `script: "./srv.py"` with `cwd` resolves
# against that cwd, as in PM2.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

port=$(free_port)
dir=$TEST_TMP/py
mkdir -p "$dir"
cat >"$dir/srv.py" <<PY
# $TAG
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello from python " + " ".join(sys.argv[1:])).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)
srv = http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H)
print("listening", os.environ.get("PYTHONUNBUFFERED"))
srv.serve_forever()
PY

cd "$dir"
assert_exit 0 "$OPM" start --env PORT="$port" srv.py
wait_status srv online 5
wait_for 10 curl -sf "http://127.0.0.1:$port/"
assert_eq "hello from python " "$(curl -sf "http://127.0.0.1:$port/")" "reply of srv.py"
# Unbuffered: the line is in the log while the server still runs.
wait_for 5 grep -qx "listening 1" "$(app_field srv out_log)"
assert_exit 0 "$OPM" env srv
assert_contains "$OUT" "PYTHONUNBUFFERED=1" "opm env shows PYTHONUNBUFFERED"
assert_eq "[\"python3\",\"$dir/srv.py\"]" "$(app_field srv argv | jq -c .)" "argv"
assert_exit 0 "$OPM" delete srv

# PYTHONUNBUFFERED set by the user wins.
assert_exit 0 "$OPM" start --env PORT="$port" --env PYTHONUNBUFFERED=x srv.py
assert_exit 0 "$OPM" env srv
assert_contains "$OUT" "PYTHONUNBUFFERED=x" "user's PYTHONUNBUFFERED"
assert_exit 0 "$OPM" delete srv

# From an app file elsewhere: ./srv.py against the app's cwd.
cat >"$TEST_TMP/eco.json" <<JSON
{"apps": [{"name": "py api", "script": "./srv.py", "args": "a b",
  "cwd": "$dir", "env": {"PORT": "$port"}}]}
JSON
cd /
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json"
wait_status "py api" online 5
wait_for 10 curl -sf "http://127.0.0.1:$port/"
assert_eq "hello from python a b" "$(curl -sf "http://127.0.0.1:$port/")" \
    "reply of the app file's app"
