#!/bin/sh
#
# tests/demo.sh BUILD_DIR: run opm on a small example (make demo).
#
# Uses a private OPM_HOME, BUILD_DIR/demo-home, so it never touches ~/.opm.
# Stops the demo daemon of a previous run and starts afresh with two apps:
# a shell loop printing the date every second, and a sleep. Shows the table,
# one app in detail and the end of its log, then leaves the daemon running
# and prints how to carry on and how to stop it.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: tests/demo.sh BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "demo: $1: no such directory; run make first" >&2
	exit 2
}
opm=$build/opm
for f in opm opmd; do
	if [ ! -x "$build/$f" ]; then
		echo "demo: $build/$f is missing; run make first" >&2
		exit 2
	fi
done

OPM_HOME=$build/demo-home
export OPM_HOME
unset OPM_RUNTIME_DIR

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$(printf '\033[1m') plain=$(printf '\033[0m')
else
	bold= plain=
fi
step() {
	printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"
}

# A previous demo: stop its daemon (and its apps), then start from nothing.
if [ -d "$OPM_HOME" ]; then
	step "opm daemon stop    # the demo daemon of a previous run, if any"
	"$opm" daemon stop || {
		echo "demo: cannot stop the previous demo daemon in $OPM_HOME" >&2
		exit 1
	}
	rm -rf "$OPM_HOME"
fi

echo "opm demo: OPM_HOME=$OPM_HOME"

# One word with shell syntax runs through /bin/sh -c: keep it one word.
step "opm start --name clock --log-time 'while :; do date; sleep 1; done'"
"$opm" start --name clock --log-time 'while :; do date; sleep 1; done'

# Several words: the argv, executed directly.
step "opm start --name sleeper sleep 600"
"$opm" start --name sleeper sleep 600

# Long enough for min_uptime (1s): both apps are then online.
sleep 1.2

step "opm list"
"$opm" list

step "opm info clock"
"$opm" info clock

step "tail -n 3 $OPM_HOME/logs/clock-out.log"
tail -n 3 "$OPM_HOME/logs/clock-out.log"

cat <<EOF

The demo daemon is still running. To carry on:

  export OPM_HOME=$OPM_HOME PATH=$build:\$PATH
  opm list
  opm logs clock --follow        # Ctrl-C to leave
  opm stop clock && opm start clock
  opm help

To stop it and its apps:

  OPM_HOME=$OPM_HOME $opm daemon stop
EOF
