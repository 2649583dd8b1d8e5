#!/usr/bin/env bash
# health: http (issue 15 item 4): a python3 server checked every 300 ms is
# healthy while it answers; once a flag file makes it hang (one request
# that never ends, the server being single-threaded) three checks in a row
# time out and the app is restarted, gracefully, counted under health,
# with the reason in the log and in info. The new process answers again:
# healthy, and not restarted twice. Health begins only once the app is
# ready (ready: http, the same probe code).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/health-lib.sh
. "$(dirname "$0")/health-lib.sh"
setup

cd "$TEST_TMP"
cat >server.py <<'PY'
import http.server, os, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if os.path.exists(flag):
            os.remove(flag)
            print("hanging", flush=True)
            time.sleep(3600)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
port=$(free_port)
cat >app.json <<JSON
{"name": "web", "script": "server.py",
 "args": ["$port", "$TEST_TMP/hang", "tag", "$TAG"],
 "ready": "http://127.0.0.1:$port/healthz", "kill_timeout": "1s",
 "health": {"http": "http://127.0.0.1:$port/healthz", "interval": "300ms",
            "timeout": "500ms", "retries": 3}}
JSON
assert_exit 0 "$OPM" start app.json
wait_for 20 health_is web status healthy
assert_eq 0 "$(app_field web restarts)" "restarts while healthy"
assert_eq ok "$(health_field web last)"
assert_eq http "$(health_field web kind)"
pid=$(app_field web pid)

touch hang
wait_for 30 field_is web restarts_by_cause.health 1
reason="health: 3 checks failed in a row: timed out after 500ms"
log="$OPM_HOME/opmd.log"
assert_contains "$(grep 'web: online -> stopping' "$log")" "$reason" \
    "the restart's reason in the log"
grep -q "web: health check failed (1 of 3): timed out after 500ms" "$log" ||
    fail "no failed check in the log"
wait_for 20 health_is web status healthy
assert_ne "$pid" "$(app_field web pid)" "a new process"
assert_eq "$reason" "$(health_field web last_restart)" "the reason in info"
assert_eq 1 "$(app_field web restarts)" "restarts"
assert_eq 0 "$(app_field web restarts_by_cause.crash)" "not a crash"
assert_eq 1 "$(grep -c hanging "$(app_field web out_log)")" "hung once"
