#!/usr/bin/env bash
# One request naming `all,all,...` 200000 times (well under the 1 MiB
# request limit) must neither stall the daemon nor succeed: it gets an
# error naming the limit on targets, and meanwhile `opm ping` answers
# within a second (issue 12 item 13).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

SOCK=$OPM_HOME/opmd.sock
RAW=$REPO_DIR/tests/helpers/rawclient.py
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

# 200 apps, created stopped, from one app file.
{
	printf '{"apps": ['
	sep=
	for ((i = 0; i < 200; i++)); do
		printf '%s{"name": "a%d", "argv": ["%s", "tag", "%s", "forever"], "autostart": false}' \
		    "$sep" "$i" "$TESTAPP" "$TAG"
		sep=,
	done
	printf ']}\n'
} >"$TEST_TMP/apps.json"
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
DPID=$(daemon_pid)

# 200000 words: 13 strings of 16000 "all" (each under the 64 KiB limit of
# one string), then a few names.
"$PY" - "$TEST_TMP/req" <<'PY'
import json, sys
words = ",".join(["all"] * 16000)
req = {"v": 1, "id": 9, "cmd": "reset",
       "args": {"target": [words] * 12 + [",".join(["a1", "a2"] * 4000)]}}
line = json.dumps(req, separators=(",", ":")) + "\n"
assert len(line) < 1024 * 1024, len(line)
open(sys.argv[1], "w").write(line)
PY
echo "request: $(stat -c %s "$TEST_TMP/req") bytes"

"$PY" "$RAW" send "$SOCK" --lines 1 --timeout 20 <"$TEST_TMP/req" \
    >"$TEST_TMP/raw.out" 2>&1 &
raw=$!
wait_for 5 grep -q CONNECTED "$TEST_TMP/raw.out"

# Pings while the hostile request is being handled: each under a second.
worst=0
for ((k = 0; k < 10; k++)); do
	t0=${EPOCHREALTIME/[.,]/}
	assert_exit 0 timeout 10 "$OPM" ping
	t1=${EPOCHREALTIME/[.,]/}
	ms=$(( (t1 - t0) / 1000 ))
	(( ms > worst )) && worst=$ms
done
echo "slowest ping meanwhile: $worst ms"
wait "$raw" || fail "rawclient failed: $(<"$TEST_TMP/raw.out")"
out=$(<"$TEST_TMP/raw.out")
echo "$out" | cut -c1-300
(( worst < 1000 )) || fail "opm ping took $worst ms while one request named" \
    "200000 targets"
assert_contains "$out" '"ok":false' "the hostile request must fail"
assert_contains "$out" 'too many targets' "its error names the problem"
assert_contains "$out" '10000' "its error names the limit"
assert_contains "$out" '"id":9' "the error answers the request"
pid_alive "$DPID" || fail "the daemon died"
assert_eq "$DPID" "$(daemon_pid)" "daemon pid"

# A list at the limit still works, duplicates and all.
words=$(printf 'all,%.0s' {1..9999})
assert_exit 0 "$OPM" reset "${words}a1"
