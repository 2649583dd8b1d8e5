#!/usr/bin/env bash
# increment_var and instance_var (PM2's): instance K of an app whose env
# holds PORT=P gets PORT=P+K, and instance_var renames NODE_APP_INSTANCE.
# Three python3 HTTP servers, one per instance, each answer on their own
# port with their own instance number. An increment_var the environment
# lacks, or holds as no number, makes the instances fail with the reason.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
cat >srv.py <<'PY'
import http.server, os

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("instance=%s port=%s\n" % (os.environ.get("INSTANCE_ID"),
            os.environ["PORT"])).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass

http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
PY

# A base port with three free ones after it.
base=$(free_port 3)

cat >eco.json <<JSON
{"apps": [{"name": "api", "script": "srv.py", "args": "$TAG",
  "instances": 3, "increment_var": "PORT", "instance_var": "INSTANCE_ID",
  "env": {"PORT": $base}}]}
JSON
assert_exit 0 "$OPM" start eco.json

answer()
{
	curl -s --max-time 2 "http://127.0.0.1:$1/"
}
for k in 0 1 2; do
	wait_for 15 answer $((base + k))
	assert_eq "instance=$k port=$((base + k))" "$(answer $((base + k)))" \
	    "the server of api:$k"
	assert_exit 0 "$OPM" env "api:$k"
	assert_contains "$OUT" "PORT=$((base + k))"
	assert_contains "$OUT" "INSTANCE_ID=$k"
	assert_not_contains "$OUT" "NODE_APP_INSTANCE"
done
assert_eq 3 "$("$OPM" list --json | jq '[.[] | select(.status == "online")] | length')"

# increment_var of a variable that is not there, or not a number.
cat >bad.json <<JSON
{"apps": [{"name": "nope", "script": "$TESTAPP", "args": "tag $TAG forever",
  "instances": 2, "increment_var": "NO_SUCH_PORT_VAR"},
 {"name": "word", "script": "$TESTAPP", "args": "tag $TAG forever",
  "instances": 2, "increment_var": "PORT", "env": {"PORT": "eighty"}}]}
JSON
assert_exit 1 "$OPM" start bad.json
assert_contains "$ERR" "increment_var: NO_SUCH_PORT_VAR is not in the environment"
assert_contains "$ERR" "increment_var: PORT is not a whole number"
cat >badname.json <<JSON
{"apps": [{"name": "v", "script": "$TESTAPP", "instances": 2,
  "instance_var": "9 lives"}]}
JSON
assert_exit 1 "$OPM" start badname.json
assert_contains "$ERR" "instance_var: must be the name of an environment variable"
