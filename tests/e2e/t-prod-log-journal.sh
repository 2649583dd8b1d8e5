#!/usr/bin/env bash
# log_target journal (issue 16 item 4): each line of an app is one datagram
# of the journal's native protocol on the journal socket (OPM_JOURNAL_SOCKET
# here, a stand-in that decodes it: tests/helpers/logsock.py), with MESSAGE,
# PRIORITY 6 for stdout and 3 for stderr, SYSLOG_IDENTIFIER and OPM_APP the
# app's name, OPM_INSTANCE for instances; a line holding a control byte
# (an ANSI colour) goes in the binary form, length-prefixed. With
# ["file", "journal"] the files are kept and opm logs reads them; with
# "journal" alone there is no file. With no journal listening, the app
# runs on and its lines are dropped, never blocking it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

PY=$(command -v python3)
sock=$TEST_TMP/journal.sock
recs=$TEST_TMP/journal.out
: >"$recs"
"$PY" "$REPO_DIR/tests/helpers/logsock.py" journal "$sock" "$recs" &
track_pid $!
wait_for 10 test -S "$sock"
# The daemon the first command starts inherits it.
export OPM_JOURNAL_SOCKET=$sock

cat >"$TEST_TMP/talk.py" <<'PY'
import sys, time
print("hello from stdout", flush=True)
print("trouble on stderr", file=sys.stderr, flush=True)
print("\x1b[31mred\x1b[0m alert", flush=True)
time.sleep(3600)
PY
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [
 {"name": "both", "script": "$PY", "args": ["$TEST_TMP/talk.py", "$TAG"],
  "log_target": ["file", "journal"]},
 {"name": "jonly", "script": "$PY", "args": ["$TEST_TMP/talk.py", "$TAG"],
  "instances": 2, "log_target": "journal"}
]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status both online
has_recs()	# N: at least N datagrams
{
	(( $(wc -l <"$recs") >= $1 ))
}
# 3 lines each from both, jonly:0 and jonly:1.
wait_for 20 has_recs 9
cat "$recs"
assert_eq 0 "$(jq -s '[.[] | select(.error)] | length' "$recs")" \
    "malformed datagrams"

rec()	# APP INSTANCE MESSAGE-PREFIX: the record as compact JSON
{
	jq -c --arg a "$1" --arg i "$2" --arg m "$3" '
	    select(.fields.OPM_APP == $a and
	    (.fields.OPM_INSTANCE // "") == $i and
	    (.fields.MESSAGE | startswith($m)))' "$recs"
}
r=$(rec both "" "hello from stdout")
assert_eq '{"MESSAGE":"hello from stdout","PRIORITY":"6","SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"both","OPM_APP":"both"}' \
    "$(jq -c .fields <<<"$r")" "stdout line of both"
assert_eq '[]' "$(jq -c .binary <<<"$r")" "plain line, plain form"
r=$(rec both "" "trouble")
assert_eq 3 "$(jq -r .fields.PRIORITY <<<"$r")" "priority of a stderr line"
r=$(rec both "" $'\e[31m')
assert_eq $'\e[31mred\e[0m alert' "$(jq -r .fields.MESSAGE <<<"$r")" \
    "a line with escapes, byte for byte"
assert_eq '["MESSAGE"]' "$(jq -c .binary <<<"$r")" \
    "control bytes: MESSAGE in the binary form"
for k in 0 1; do
	r=$(rec jonly "$k" "hello from stdout")
	[[ -n $r ]] || fail "no record of jonly:$k"
	assert_eq jonly "$(jq -r .fields.SYSLOG_IDENTIFIER <<<"$r")"
done

# The file target is kept for both, and opm logs reads it; jonly has none.
assert_contains "$(<"$OPM_HOME/logs/both-out.log")" "hello from stdout"
assert_exit 0 "$OPM" logs --lines 10 both
assert_contains "$OUT" "hello from stdout"
assert_eq /dev/null "$("$OPM" info --json jonly:0 | jq -r .out_log)"
[[ ! -e $OPM_HOME/logs/jonly-0-out.log ]] || fail "jonly has a log file"
assert_eq '["file","journal"]' \
    "$("$OPM" info --json both | jq -c .config.log_target)"

# No journal: the lines are dropped, the app is not held up.
kill "$(jobs -p)" 2>/dev/null || true
rm -f "$sock"
assert_exit 0 "$OPM" restart jonly
inst_online()
{
	[[ $("$OPM" info --json "$1" | jq -r .status) == online ]]
}
wait_for 10 inst_online jonly:0
wait_for 10 inst_online jonly:1
wait_for 10 grep -q "was dropped" "$OPM_HOME/opmd.log"

# A bad target names the key.
cat >"$TEST_TMP/bad.json" <<JSON
{"name": "bad", "script": "$PY", "log_target": ["file", "journald"]}
JSON
assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
assert_contains "$ERR" "log_target: must be file, journal, syslog or stdout"
echo "ok: journal datagrams decoded, binary form for control bytes"
