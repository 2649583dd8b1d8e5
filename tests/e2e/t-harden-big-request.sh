#!/usr/bin/env bash
# A request over the protocol's 1 MiB line limit (here a huge argv) is a
# failed request, exit 1, with one line naming the size and the limit;
# the CLI checks before sending. A raw client that sends such a line gets
# an error reply naming the limit (issue 12 item 20).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

SOCK=$OPM_HOME/opmd.sock
RAW=$REPO_DIR/tests/helpers/rawclient.py
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

assert_exit 0 "$OPM" ping
DPID=$(daemon_pid)

# 20 words of 60000 bytes: 1.2 MB of argv, under the kernel's ARG_MAX.
big=$(head -c 60000 /dev/zero | tr '\0' x)
args=()
for ((i = 0; i < 20; i++)); do
	args+=("$big")
done
# Through functions: a failed assert_exit prints the command line.
start_big()
{
	"$OPM" start --name big "$TESTAPP" "${args[@]}"
}
start_fits()
{
	"$OPM" start --no-autostart --name fits "$TESTAPP" "${args[@]:0:15}"
}
assert_exit 1 start_big
echo "stderr: $ERR"
assert_eq 1 "$(wc -l <<<"$ERR")" "one line of error"
assert_contains "$ERR" "opm: request too large (" "the error says what"
assert_contains "$ERR" "limit 1 MiB" "the error names the limit"
assert_not_contains "$ERR" "Argument list too long"
assert_exit 0 "$OPM" list --json
assert_eq 0 "$(jq length <<<"$OUT")" "no app was created"

# Just under the limit still goes through (the daemon's own checks of
# each string then apply: 64 KiB per string).
assert_exit 0 start_fits
assert_eq fits "$(app_field fits name)"

# A raw client's line over the limit: one error reply naming it.
"$PY" - "$TEST_TMP/req" <<'PY'
import json, sys
req = {"v": 1, "id": 3, "cmd": "ping", "args": {"x": "y" * (1100 * 1024)}}
open(sys.argv[1], "w").write(json.dumps(req) + "\n")
PY
assert_exit 0 "$PY" "$RAW" send "$SOCK" --lines 1 <"$TEST_TMP/req"
echo "$OUT"
assert_contains "$OUT" '"ok":false' "raw: an error reply"
assert_contains "$OUT" 'too long' "raw: the error says what"
assert_contains "$OUT" '1 MiB' "raw: the error names the limit"
pid_alive "$DPID" || fail "the daemon died"
assert_exit 0 "$OPM" ping
