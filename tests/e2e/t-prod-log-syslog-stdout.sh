#!/usr/bin/env bash
# log_target syslog and stdout (issue 16 item 4). syslog: one datagram per
# line on the syslog socket (OPM_SYSLOG_SOCKET here, a stand-in:
# tests/helpers/logsock.py) as syslog(3) writes to /dev/log,
# "<PRI>Mmm dd hh:mm:ss TAG: MESSAGE", facility daemon, 6 (info) for
# stdout and 3 (err) for stderr, TAG the app's name. stdout: a daemon in the
# foreground writes each line to its own stdout (stderr for the app's
# stderr) led by "NAME | ", "NAME:K | " for an instance.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

PY=$(command -v python3)
sock=$TEST_TMP/syslog.sock
recs=$TEST_TMP/syslog.out
: >"$recs"
"$PY" "$REPO_DIR/tests/helpers/logsock.py" syslog "$sock" "$recs" &
track_pid $!
wait_for 10 test -S "$sock"
export OPM_SYSLOG_SOCKET=$sock

cat >"$TEST_TMP/talk.py" <<'PY'
import sys, time
print("hello from stdout", flush=True)
print("trouble on stderr", file=sys.stderr, flush=True)
time.sleep(3600)
PY

# A daemon in the foreground, as opm run or a container's main process.
"$OPM" daemon run >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err" </dev/null &
main=$!
track_pid "$main"
# Up before any CLI, which would otherwise start a daemon of its own.
_boot_up()
{
	[[ -S $OPM_HOME/opmd.sock && $(daemon_pid 2>/dev/null) == "$main" ]]
}
wait_for 30 _boot_up

cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [
 {"name": "sl", "script": "$PY", "args": ["$TEST_TMP/talk.py", "$TAG"],
  "log_target": "syslog"},
 {"name": "so", "script": "$PY", "args": ["$TEST_TMP/talk.py", "$TAG"],
  "log_target": ["stdout", "file"], "instances": 2}
]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status sl online
has_recs()
{
	(( $(wc -l <"$recs") >= $1 ))
}
wait_for 20 has_recs 2
cat "$recs"
stamp='[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9]'
out=$(jq -r 'select(.raw | contains("hello")) | .raw' "$recs")
[[ $out =~ ^\<30\>$stamp\ sl:\ hello\ from\ stdout$ ]] ||
    fail "syslog stdout line: [$out]"
err=$(jq -r 'select(.raw | contains("trouble")) | .raw' "$recs")
[[ $err =~ ^\<27\>$stamp\ sl:\ trouble\ on\ stderr$ ]] ||
    fail "syslog stderr line: [$err]"
[[ ! -e $OPM_HOME/logs/sl-out.log ]] || fail "sl has a log file"

has_line()	# FILE LINE
{
	grep -qxF -- "$2" "$1"
}
for k in 0 1; do
	wait_for 10 has_line "$TEST_TMP/d.out" "so:$k | hello from stdout"
	wait_for 10 has_line "$TEST_TMP/d.err" "so:$k | trouble on stderr"
	assert_contains "$(<"$OPM_HOME/logs/so-$k-out.log")" \
	    "hello from stdout" "the file of so:$k, kept"
done
assert_not_contains "$(<"$TEST_TMP/d.out")" "sl |" "syslog-only app on stdout"
echo "ok: syslog datagrams and prefixed lines on the daemon's stdout"
