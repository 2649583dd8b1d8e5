# shellcheck shell=bash
#
# tests/e2e/listen-lib.sh: helpers of the tests of sockets owned by opm
# (t-listen-*.sh, issue 14 item 3). Sourced after lib.sh and setup:
#
#	FDSERVER, FDSERVER_JS       the servers of tests/helpers that take
#	                            their socket from LISTEN_FDS
#	PY                          a python3 that starts fast
#	bound NAME [I]              .listen[I].bound of app NAME (default 0)
#	http_get ADDR [PATH]        one GET on tcp://H:P or unix:PATH; prints
#	                            the body, fails on any error
#	refused ADDR                true when a connect to ADDR is refused
#	loop_start ADDR [MIN]       a client loop (httploop.py) in the
#	                            background, on a new connection per request,
#	                            until loop_stop and at least MIN requests
#	                            (default 200); returns once one succeeded
#	loop_stop                   ends it; prints its summary, and fails when
#	                            any request failed (refused, reset, timeout)
#	LOOP_PIDS                   after loop_stop: the pids that answered

FDSERVER=$REPO_DIR/tests/helpers/fdserver.py
# shellcheck disable=SC2034
FDSERVER_JS=$REPO_DIR/tests/helpers/fdserver.js
HTTPLOOP=$REPO_DIR/tests/helpers/httploop.py
# The system python: the pyenv shim takes seconds to start on a busy box.
if [[ -x /usr/bin/python3 ]]; then
	PY=/usr/bin/python3
else
	PY=python3
fi
export FDSERVER

bound()
{
	"$OPM" info "$1" --json | jq -r ".listen[${2:-0}].bound"
}

http_get()
{
	local addr=$1 path=${2:-/}

	case $addr in
	unix:*)	curl -sS --max-time 10 --unix-socket "${addr#unix:}" \
		    "http://localhost$path" ;;
	tcp://*) curl -sS --max-time 10 "http://${addr#tcp://}$path" ;;
	*)	fail "http_get: bad address $addr" ;;
	esac
}

refused()
{
	local addr=$1 rc=0

	"$PY" - "$addr" <<'PY' || rc=$?
import socket, sys
a = sys.argv[1]
if a.startswith("unix:"):
    s = socket.socket(socket.AF_UNIX)
    target = a[5:]
else:
    h, p = a[len("tcp://"):].rsplit(":", 1)
    s = socket.socket(socket.AF_INET6 if h.startswith("[") else socket.AF_INET)
    target = (h.strip("[]"), int(p))
s.settimeout(5)
try:
    s.connect(target)
except (ConnectionRefusedError, FileNotFoundError):
    sys.exit(0)
print("connected to", a)
sys.exit(1)
PY
	return "$rc"
}

LOOP_PID=
LOOP_PIDS=
loop_start()
{
	rm -f "$TEST_TMP/loop.stop" "$TEST_TMP/loop.ready"
	"$PY" "$HTTPLOOP" "$1" --until "$TEST_TMP/loop.stop" \
	    --min "${2:-200}" --ready "$TEST_TMP/loop.ready" \
	    >"$TEST_TMP/loop.out" 2>"$TEST_TMP/loop.err" &
	LOOP_PID=$!
	track_pid "$LOOP_PID"
	wait_for 10 test -e "$TEST_TMP/loop.ready"
}

loop_stop()
{
	local rc=0 summary

	touch "$TEST_TMP/loop.stop"
	wait "$LOOP_PID" || rc=$?
	summary=$(tail -n 1 "$TEST_TMP/loop.out")
	echo "client loop: $summary"
	LOOP_PIDS=${summary##* }
	(( rc == 0 )) || fail "client loop: $summary; $(head -c 2000 \
	    "$TEST_TMP/loop.err")"
}
