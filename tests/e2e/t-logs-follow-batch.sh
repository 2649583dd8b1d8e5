#!/usr/bin/env bash
# The logs stream in batches (docs/PROTOCOL.md, "The logs stream"): a
# follower that sends `batch: true` gets "lines" messages, each holding
# whole lines ended by a newline, many lines to a message in a flood; one
# that does not (an older client) still gets one "line" message per line.
# Both see the same lines as the file, with quotes, backslashes, tabs,
# control characters, UTF-8 and invalid bytes escaped as before, and
# `opm logs --follow` prints exactly the file's lines. 10,000 lines: under
# the 1 MiB a follower may lag before lines are skipped, even one message
# per line.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

N=10000

# A raw client: follows app $2 (batch when $3 is 1), writes the ready file
# $4 once registered, then the lines it gets to $5 and a summary (the count
# of each event, and of "lines" messages whose text did not end a line)
# to $6, once it has $7 lines or nothing came for 20 s.
follow_py='
import json, socket, sys
path, app, batch, ready, out, summ, want = sys.argv[1:8]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.settimeout(20)
args = {"target": [app], "follow": True}
if batch == "1":
    args["batch"] = True
s.sendall((json.dumps({"v": 1, "id": 1, "cmd": "logs", "args": args}) +
    "\n").encode())
f = s.makefile("rb")
json.loads(f.readline())
open(ready, "w").close()
lines, counts, unended = [], {}, 0
while len(lines) < int(want):
    try:
        m = json.loads(f.readline())
    except (OSError, ValueError):
        break	# what it has is compared
    ev = m["event"]
    counts[ev] = counts.get(ev, 0) + 1
    if ev == "line":
        lines.append(m["line"])
    elif ev == "lines":
        if not m["text"].endswith("\n"):
            unended += 1
        lines.extend(m["text"].split("\n")[:-1])
with open(out, "w", encoding="utf-8") as o:
    for l in lines:
        o.write(l + "\n")
with open(summ, "w") as o:
    json.dump({"counts": counts, "unended": unended}, o)
'

# 300 lines of ASCII mixed with bytes JSON escapes and UTF-8, at every
# offset (the daemon escapes eight bytes at a time where it can).
python3 -c '
import random, sys
r = random.Random(19)
alpha = [chr(c) for c in range(0x20, 0x7f)] + ["\"", "\\", "\t", "\x01",
    "\x1b", "\x7f", "\u00e9", "\u20ac", "\U0001f600"] * 8
with open(sys.argv[1], "w", encoding="utf-8") as o:
    for i in range(300):
        o.write("".join(r.choice(alpha) for _ in range(r.randrange(200))) +
            "\n")
' "$TEST_TMP/mixed.txt"
cat >"$TEST_TMP/app.sh" <<'EOF'
printf 'a "quoted" word\n'
printf 'back\\slash and\ttab\n'
printf 'bell\007 and escape\033[0m\n'
printf 'caf\303\251 \342\202\254\n'
printf 'bad \377 byte\n'
seq 1 10000
EOF
printf 'cat %q\n' "$TEST_TMP/mixed.txt" >>"$TEST_TMP/app.sh"
printf 'exec %q tag %q forever\n' "$TESTAPP" "$TAG" >>"$TEST_TMP/app.sh"
# The lines as JSON turns them into text: bytes that are not UTF-8 become
# U+FFFD.
special=305
total=$((N + special))

assert_exit 0 "$OPM" start --name b --no-autostart -- sh "$TEST_TMP/app.sh"

start_followers()
{
	local mode

	for mode in 1 0; do
		python3 -c "$follow_py" "$OPM_HOME/opmd.sock" b "$mode" \
		    "$TEST_TMP/ready.$mode" "$TEST_TMP/got.$mode" \
		    "$TEST_TMP/summary.$mode" "$total" &
		track_pid $!
		eval "pid_$mode=$!"
	done
	"$OPM" logs b --follow >"$TEST_TMP/cli.out" &
	track_pid $!
	cli_pid=$!
	wait_for 10 test -e "$TEST_TMP/ready.1"
	wait_for 10 test -e "$TEST_TMP/ready.0"
}

cli_has_all()
{
	(( $(wc -l <"$TEST_TMP/cli.out") >= total ))
}

start_followers
# The CLI's request is in once the daemon counts three followers' clients.
wait_for 10 bash -c '[[ $("$0" daemon status --json | jq .clients) -ge 4 ]]' \
    "$OPM"
assert_exit 0 "$OPM" start b
# shellcheck disable=SC2154
wait "$pid_1" || fail "the batch follower failed"
# shellcheck disable=SC2154
wait "$pid_0" || fail "the line follower failed"

log=$OPM_HOME/logs/b-out.log
wait_for 10 bash -c '(( $(wc -l <"$0") >= $1 ))' "$log" "$total"
# The file's lines as a JSON reader sees them.
python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
sys.stdout.write(data.decode("utf-8", "replace"))
' "$log" >"$TEST_TMP/file.txt"

for mode in 1 0; do
	cmp "$TEST_TMP/file.txt" "$TEST_TMP/got.$mode" ||
	    fail "follower (batch $mode) saw other lines than the file: $(
	    diff "$TEST_TMP/file.txt" "$TEST_TMP/got.$mode" | head -5)"
done
assert_eq 0 "$(jq .unended "$TEST_TMP/summary.1")" \
    "every lines message ends a line"
assert_eq null "$(jq '.counts.line' "$TEST_TMP/summary.1")" \
    "a batch follower gets no line message"
batches=$(jq '.counts.lines' "$TEST_TMP/summary.1")
(( batches * 10 < total )) ||
    fail "$batches lines messages for $total lines: not batched"
assert_eq "$total" "$(jq '.counts.line' "$TEST_TMP/summary.0")" \
    "one line message per line without batch"
assert_eq null "$(jq '.counts.lines' "$TEST_TMP/summary.0")"
wait_for 20 cli_has_all
kill "$cli_pid"
# The CLI prints the lines as they are (UTF-8 text; \377 as U+FFFD).
cmp "$TEST_TMP/file.txt" <(head -n "$total" "$TEST_TMP/cli.out") ||
    fail "opm logs --follow printed other lines: $(diff "$TEST_TMP/file.txt" \
    "$TEST_TMP/cli.out" | head -5)"
