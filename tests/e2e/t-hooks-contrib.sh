#!/usr/bin/env bash
# contrib/hooks (issue 17 item 2): the Slack, Discord and ntfy scripts post
# what a webhook expects to a local HTTP server that records each request
# (method, path, headers, body), and mail.sh hands a whole message to the
# sendmail found on PATH (a fake one recording argv and stdin). Each is
# run once by hand with the variables the daemon sets, and the Slack one
# once by the daemon itself as an app's crash hook. A missing variable is
# an error naming it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

hooks=$REPO_DIR/contrib/hooks
python3 - "$TEST_TMP/port" "$TEST_TMP/req" <<'PY' &
import http.server, json, sys
n = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global n
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n += 1
        with open("%s.%d" % (sys.argv[2], n), "w") as f:
            json.dump({"method": "POST", "path": self.path,
                       "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": body.decode()}, f)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
track_pid $!
wait_for 10 test -s "$TEST_TMP/port"
port=$(<"$TEST_TMP/port")
url=http://127.0.0.1:$port

# The variables of a crash, as the daemon sets them.
export OPM_HOOK=crash OPM_EVENT=exit OPM_APP=web OPM_INSTANCE=1 \
    OPM_EXIT_CODE=3 OPM_EXIT_SIGNAL= OPM_REASON='exited with code 3' \
    OPM_CAUSE=crash OPM_SEQ=12 OPM_TIME=2026-01-01T00:00:00.000Z \
    OPM_SUPPRESSED=4 OPM_EVENT_JSON='{"seq":12,"event":"exit"}'
req()
{
	test -s "$TEST_TMP/req.$1"
}

assert_exit 0 env SLACK_WEBHOOK_URL="$url/services/T/B/x" "$hooks/slack.sh"
wait_for 5 req 1
assert_eq /services/T/B/x "$(jq -r .path "$TEST_TMP/req.1")" "slack path"
assert_eq application/json \
    "$(jq -r '.headers["content-type"]' "$TEST_TMP/req.1")" "slack type"
text=$(jq -r '.body | fromjson | .text' "$TEST_TMP/req.1")
assert_contains "$text" "web:1 crash: exited with code 3 (exit code 3)"
assert_contains "$text" "4 more since the last message"

# A reason with quotes, a backslash and a tab stays valid JSON.
OPM_REASON=$'said "no" \\ then\tleft' \
    assert_exit 0 env DISCORD_WEBHOOK_URL="$url/api/webhooks/1/t" \
    "$hooks/discord.sh"
wait_for 5 req 2
assert_eq /api/webhooks/1/t "$(jq -r .path "$TEST_TMP/req.2")" "discord path"
assert_contains "$(jq -r '.body | fromjson | .content' "$TEST_TMP/req.2")" \
    $'crash: said "no" \\ then\tleft'

assert_exit 0 env NTFY_URL="$url/mytopic" NTFY_TOKEN=tk "$hooks/ntfy.sh"
wait_for 5 req 3
assert_eq /mytopic "$(jq -r .path "$TEST_TMP/req.3")" "ntfy path"
assert_eq high "$(jq -r .headers.priority "$TEST_TMP/req.3")" "priority"
assert_eq "opm: web crash" "$(jq -r .headers.title "$TEST_TMP/req.3")" "title"
assert_eq "Bearer tk" "$(jq -r .headers.authorization "$TEST_TMP/req.3")" \
    "token"
assert_contains "$(jq -r .body "$TEST_TMP/req.3")" "web:1 crash: exited"

# mail.sh: the sendmail on PATH gets -t and the whole message.
mkdir "$TEST_TMP/bin"
cat >"$TEST_TMP/bin/sendmail" <<SH
#!/bin/sh
echo "\$*" >"$TEST_TMP/mail.args"
cat >"$TEST_TMP/mail.msg"
SH
chmod +x "$TEST_TMP/bin/sendmail"
assert_exit 0 env PATH="$TEST_TMP/bin:$PATH" MAIL_TO=ops@example.com \
    MAIL_FROM=opm@example.com "$hooks/mail.sh"
assert_eq "-t -oi" "$(<"$TEST_TMP/mail.args")" "sendmail arguments"
msg=$(<"$TEST_TMP/mail.msg")
assert_contains "$msg" $'From: opm@example.com\nTo: ops@example.com\nSubject: opm: web crash on '
assert_contains "$msg" $'\n\nopm on '
assert_contains "$msg" 'event: {"seq":12,"event":"exit"}'

# A missing variable: exit 2, naming it.
assert_exit 2 env -u SLACK_WEBHOOK_URL "$hooks/slack.sh"
assert_eq "slack.sh: SLACK_WEBHOOK_URL is not set" "$ERR"
assert_exit 2 env -u MAIL_TO "$hooks/mail.sh"
assert_eq "mail.sh: MAIL_TO is not set" "$ERR"

# Run by the daemon, as the crash hook of an app.
unset OPM_HOOK OPM_EVENT OPM_APP OPM_INSTANCE OPM_EXIT_CODE OPM_EXIT_SIGNAL \
    OPM_REASON OPM_CAUSE OPM_SEQ OPM_TIME OPM_SUPPRESSED OPM_EVENT_JSON
cat >"$TEST_TMP/app.json" <<JSON
{"name": "web", "argv": ["$TESTAPP", "tag", "$TAG", "exit", "7"],
 "cwd": "$TEST_TMP", "restart": "never",
 "env": {"SLACK_WEBHOOK_URL": "$url/services/from/opmd"},
 "hooks": {"crash": "$hooks/slack.sh"}}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/app.json"
wait_for 10 req 4
assert_eq /services/from/opmd "$(jq -r .path "$TEST_TMP/req.4")" "path"
assert_contains "$(jq -r '.body | fromjson | .text' "$TEST_TMP/req.4")" \
    "web crash: exited with code 7 (exit code 7)"
