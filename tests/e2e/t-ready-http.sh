#!/usr/bin/env bash
# ready: http://HOST:PORT/PATH (issue 14 item 1): a python3 http.server
# that listens only once it is let go, and then answers /health with 503
# until a second file exists, 200 after. The app is launching (and `opm
# start` waits) through the refused connects and the 503s; online on the
# 200. A server that answers 404 for ever fails its start.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
cat >server.py <<'PY'
import http.server, os, sys, time
gate, healthy, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
while not os.path.exists(gate):
    time.sleep(0.02)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            code = 404
        else:
            code = 200 if os.path.exists(healthy) else 503
        print("GET", self.path, code, flush=True)
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
port=$(free_port)
# At least $1 answers 503 in the log of web.
served_503()
{
	(( $(grep -c 'GET /health 503' "$out") >= $1 ))
}

"$OPM" start --name web --ready "http://127.0.0.1:$port/health" server.py \
    "$TEST_TMP/go" "$TEST_TMP/healthy" "$port" >start.out 2>start.err &
start=$!
wait_status web launching
out=$(app_field web out_log)
assert_exit 0 "$OPM" ping
touch "$TEST_TMP/go"
# Listening, answering 503: still launching.
wait_for 20 grep -q "GET /health 503" "$out"
wait_for 10 served_503 2
assert_eq launching "$(app_field web status)" "status while 503"
pid_alive "$start" || fail "opm start answered on a 503"
touch "$TEST_TMP/healthy"
wait_for 20 pid_dead "$start"
wait "$start" || fail "opm start exited $?: $(<start.err)"
assert_eq online "$(app_field web status)" "status after the 200"
assert_eq true "$(app_field web ready)" "ready after the 200"
grep -q "GET /health 200" "$out" || fail "no 200 was served"

# --- 404 for ever: not ready. ---------------------------------------------
port=$(free_port)
touch "$TEST_TMP/go2"
assert_exit 1 "$OPM" start --name lost --ready "http://localhost:$port/nope" \
    --listen-timeout 6s --max-restarts 0 server.py "$TEST_TMP/go2" \
    "$TEST_TMP/healthy" "$port"
assert_contains "$ERR" "lost: cannot start: not ready within listen_timeout" \
    "start of a server that answers 404"
wait_status lost errored 20
grep -q "GET /nope 404" "$(app_field lost out_log)" ||
    fail "the probe did not reach the server"
