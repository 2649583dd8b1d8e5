# shellcheck shell=bash
#
# tests/e2e/deps-lib.sh: helpers of the start-order tests (t-depends-*.sh).
# Sourced after lib.sh and setup:
#
#	. "$(dirname "$0")/lib.sh"
#	setup
#	. "$(dirname "$0")/deps-lib.sh"
#
#	APP                  a python3 app, run as: APP NAME [go] [exit N]
#	                     appends "NAME start" to $TEST_TMP/events when it
#	                     runs; on SIGTERM "NAME stop-begin", 0.2 s later
#	                     "NAME stop-end", then exits 0. With "go" it then
#	                     waits for $TEST_TMP/go-NAME and exits N (default 0)
#	                     instead of running on.
#	app_json NAME [WORDS [EXTRA]]
#	                     an app object of APP for NAME; WORDS: more words
#	                     of APP ("go exit 3"), EXTRA: more keys (JSON text
#	                     without braces)
#	events               $TEST_TMP/events, one line per word joined by ","
#	log_mark             remembers the length of the daemon log
#	log_order LINE...    each LINE (a grep -F pattern) is in the daemon log
#	                     after the mark, in this order; fails naming the
#	                     first that is missing or out of order
#	DEPS_LOG             the daemon log (default OPM_HOME/opmd.log; a
#	                     daemon in the foreground logs to its stderr)

PYTHON=python3
[[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3
APP=$TEST_TMP/app.py
cat >"$APP" <<'EOF'
import os, signal, sys, time
name, d = sys.argv[1], os.environ["DEPS_DIR"]
def log(s):
    with open(os.path.join(d, "events"), "a") as f:
        f.write(s + "\n")
def term(*_):
    log(name + " stop-begin")
    time.sleep(0.2)
    log(name + " stop-end")
    sys.exit(0)
signal.signal(signal.SIGTERM, term)
log(name + " start")
if "go" in sys.argv:
    while not os.path.exists(os.path.join(d, "go-" + name)):
        time.sleep(0.02)
    code = 0
    if "exit" in sys.argv:
        code = int(sys.argv[sys.argv.index("exit") + 1])
    sys.exit(code)
while True:
    time.sleep(1)
EOF

app_json()
{
	local name=$1 words=${2-} extra=${3-} w args=

	for w in $words; do
		args+=", \"$w\""
	done
	printf '{"name": "%s", "script": "%s", "interpreter": "%s", "args": ["%s", "tag", "%s"%s], "env": {"DEPS_DIR": "%s"}%s%s}' \
	    "$name" "$APP" "$PYTHON" "$name" "$TAG" "$args" "$TEST_TMP" \
	    "${extra:+, }" "$extra"
}

events()
{
	local IFS=,
	local -a e=()

	[[ -f $TEST_TMP/events ]] && mapfile -t e <"$TEST_TMP/events"
	echo "${e[*]}"
}

DEPS_LOG=$OPM_HOME/opmd.log
_LOG_MARK=0
log_mark()
{
	_LOG_MARK=0
	[[ -f $DEPS_LOG ]] && _LOG_MARK=$(wc -l <"$DEPS_LOG")
	return 0
}

log_order()
{
	local want last=0 n

	for want in "$@"; do
		n=$(tail -n +"$((_LOG_MARK + 1))" "$DEPS_LOG" |
		    grep -nF -- "$want" | head -1 | cut -d: -f1)
		[[ -n $n ]] || fail "daemon log: no line [$want] after the mark:"$'\n'"$(tail -n +"$((_LOG_MARK + 1))" "$DEPS_LOG")"
		(( n > last )) || fail "daemon log: [$want] (line $n) comes before the line before it (line $last):"$'\n'"$(tail -n +"$((_LOG_MARK + 1))" "$DEPS_LOG")"
		last=$n
	done
}
