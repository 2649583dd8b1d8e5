#!/usr/bin/env bash
# Bad listen input (issue 14 item 3) is an error naming the address, and
# nothing is created: malformed addresses (checked where the app object is
# read), an address given twice, a port in use (bound when the app is
# created), a unix path whose directory is missing, and a path that is not
# a socket (refused and left alone). In an app file, a port in use by its
# second app refuses the whole file.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
setup

no_apps()
{
	assert_exit 0 "$OPM" list --json
	assert_eq "$1" "$(jq -c '[.[].name]' <<<"$OUT")" "apps after: $2"
}

bad()
{
	local addr=$1 want=$2

	assert_exit 1 "$OPM" start --name bad --listen "$addr" \
	    "$TESTAPP" tag "$TAG" forever
	assert_contains "$ERR" "$want" "error for $addr"
	no_apps '[]' "$addr"
}

bad tcp://1.2.3:80 "listen: 'tcp://1.2.3:80': not an IPv4 address"
bad tcp://127.0.0.1:65536 "'tcp://127.0.0.1:65536': the port must be a number 0-65535"
bad tcp://127.0.0.1 "'tcp://127.0.0.1': expected tcp://HOST:PORT"
bad tcp://:80 "'tcp://:80': no host"
bad tcp://example.com:80 "'tcp://example.com:80': not an IPv4 address (host names"
bad 'tcp://[::1:80' "'tcp://[::1:80': expected tcp://[IPV6]:PORT"
bad http://127.0.0.1:80 "'http://127.0.0.1:80': expected [NAME=]tcp://HOST:PORT or [NAME=]unix:/PATH"
bad unix:rel.sock "'unix:rel.sock': the path must be absolute"
bad "unix:/$(printf 'x%.0s' {1..120})" "the path is longer than 107 bytes"

assert_exit 1 "$OPM" start --name bad --listen tcp://127.0.0.1:7 \
    --listen tcp://localhost:7 "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "'tcp://localhost:7': given twice"
no_apps '[]' "an address twice"

# A port in use: the error names it, nothing is created.
assert_exit 0 "$OPM" start --name holder --listen tcp://127.0.0.1:0 \
    "$TESTAPP" tag "$TAG" forever
wait_status holder online
taken=$(bound holder)
assert_exit 1 "$OPM" start --name bad --listen "$taken" \
    "$TESTAPP" tag "$TAG" forever
assert_eq "opm: listen $taken: Address already in use" "$ERR" "port in use"
no_apps '["holder"]' "port in use"

# In an app file: its second app's port is in use, so neither is created.
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [
  {"name": "first", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
   "listen": ["tcp://127.0.0.1:0"]},
  {"name": "second", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
   "listen": "$taken"}]}
JSON
assert_exit 1 "$OPM" start "$TEST_TMP/apps.json"
assert_contains "$ERR" "app 2 second: listen $taken: Address already in use"
no_apps '["holder"]' "an app file with a port in use"

# A unix path whose directory is missing.
assert_exit 1 "$OPM" start --name bad --listen "unix:$TEST_TMP/no/such.sock" \
    "$TESTAPP" tag "$TAG" forever
assert_eq "opm: listen unix:$TEST_TMP/no/such.sock: No such file or directory" \
    "$ERR" "missing directory"
no_apps '["holder"]' "missing directory"

# A path that is not a socket is refused, never removed.
echo keep >"$TEST_TMP/file"
assert_exit 1 "$OPM" start --name bad --listen "unix:$TEST_TMP/file" \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "listen unix:$TEST_TMP/file: the path exists and is not a socket; not removed"
assert_eq keep "$(cat "$TEST_TMP/file")" "the file is left alone"
no_apps '["holder"]' "not a socket"

# A unix socket some process listens on is in use, and left alone.
assert_exit 0 "$OPM" start --name uholder --listen "unix:$TEST_TMP/u.sock" \
    "$TESTAPP" tag "$TAG" forever
assert_exit 1 "$OPM" start --name bad --listen "unix:$TEST_TMP/u.sock" \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "listen unix:$TEST_TMP/u.sock: Address already in use"
[[ -S $TEST_TMP/u.sock ]] || fail "the live socket was removed"
no_apps '["holder","uholder"]' "a live unix socket"

# A stale socket (nobody listens) is replaced.
"$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
    "$TEST_TMP/stale.sock"
[[ -S $TEST_TMP/stale.sock ]] || fail "no stale socket made"
assert_exit 0 "$OPM" start --name stale --listen "unix:$TEST_TMP/stale.sock" \
    "$PY" "$FDSERVER" tag "$TAG"
wait_status stale online
assert_contains "$(http_get "unix:$TEST_TMP/stale.sock" /s)" "path /s" \
    "the stale socket was replaced"

# The app file form refuses a bad one too, naming key and address.
cat >"$TEST_TMP/bad.json" <<JSON
{"apps": [{"name": "b", "script": "$TESTAPP", "listen": ["unix:x"]}]}
JSON
assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
assert_contains "$ERR" "listen: 'unix:x': the path must be absolute"
assert_exit 1 "$OPM" start --name b --listen tcp://127.0.0.1:0 \
    --listen "$(printf 'n%.0s' {1..65})=tcp://127.0.0.1:0" \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "the name before '=' is longer than 64"
