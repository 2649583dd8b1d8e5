#!/usr/bin/env bash
# opm web, as an opm app itself, loaded in a real headless Chromium
# (chromedriver, tests/helpers/webdriver.py): the page shows every app
# with its status, its restart button restarts the app through the
# daemon, and a screenshot is saved (OPM_WEB_SCREENSHOT, else in the test's
# directory). Without the token the API refuses (401), an action without
# the X-OPM-Action header is refused (403), a wrong token logs nobody in,
# and the daemon itself still listens on no network socket.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

for p in chromium chromedriver curl; do
	command -v "$p" >/dev/null || fail "$p is not installed (build-aux/deps.sh check installs it)"
done
PORT=$(free_port)
DPORT=$(free_port)
URL=http://127.0.0.1:$PORT

assert_exit 0 "$OPM" start --name api -- bash -c 'while :; do echo "GET /health 200"; sleep 0.5; done'
assert_exit 0 "$OPM" start --name worker "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name web -- "$OPM" web --listen "127.0.0.1:$PORT" --sample 1s
wait_status web online
up() { curl -s -o /dev/null -w '%{http_code}' "$URL/login" | grep -q 200; }
wait_for 20 up
TOKEN=$("$OPM" web token)
assert_file_mode 600 "$OPM_HOME/web.token"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
assert_eq 401 "$(code "$URL/api/apps")" "apps without the token"
assert_eq 401 "$(code -X POST "$URL/api/action?do=stop&app=worker")" "action without the token"
assert_eq 401 "$(code -H 'Authorization: Bearer nope' "$URL/api/apps")" "a wrong bearer token"
assert_eq 403 "$(code "$URL/login?token=nope")" "login with a wrong token"
assert_eq 403 "$(code -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/action?do=stop&app=worker")" \
    "action without X-OPM-Action"
assert_eq 401 "$(code "$URL/metrics")" "metrics without the token"
assert_eq online "$(app_field worker status)" "worker after the refused actions"
assert_eq 200 "$(code -H "Authorization: Bearer $TOKEN" "$URL/api/apps")" "apps with the token"

# The daemon has no network socket: only opm-web listens on the port.
dpid=$(daemon_pid)
if ss -Hltnp 2>/dev/null | grep -q "pid=$dpid,"; then
	fail "the daemon listens on TCP: $(ss -Hltnp | grep "pid=$dpid,")"
fi

chromedriver --port="$DPORT" >"$TEST_TMP/chromedriver.log" 2>&1 &
CD=$!
trap 'kill $CD 2>/dev/null; teardown' EXIT
dup() { curl -s "http://127.0.0.1:$DPORT/status" | grep -q '"ready":true'; }
wait_for 20 dup
SHOT=${OPM_WEB_SCREENSHOT:-$TEST_TMP/dashboard.png}
r0=$(app_field api restarts)
assert_exit 0 python3 "$(dirname "$0")/../helpers/webdriver.py" \
    "http://127.0.0.1:$DPORT" "$URL" "$TOKEN" "$SHOT" api worker web
echo "$OUT"
assert_contains "$OUT" "message: restart api: done"
[[ -s $SHOT ]] || fail "no screenshot at $SHOT"
assert_eq "$((r0 + 1))" "$(app_field api restarts)" "api restarted by the page's button"
assert_eq 0 "$(app_field worker restarts)" "worker untouched"
echo "screenshot: $SHOT"
