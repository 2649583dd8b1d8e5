#!/usr/bin/env bash
# The CLI's contract: exit codes (2 usage, 1 failed request), one-line
# `opm: ` errors naming what was wrong, help covering every command and
# start flag of SPEC.md, no escape codes without a tty or with NO_COLOR.
# shellcheck disable=SC2016 # single quotes are python programs
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
ESC=$'\e'

# ERR of the last assert_exit is one line beginning "opm: " holding every
# NEEDLE given.
one_error_line()
{
	local what=$1 needle

	shift
	assert_eq 1 "$(wc -l <<<"$ERR")" "$what: stderr is one line: [$ERR]"
	[[ $ERR == "opm: "* ]] || fail "$what: stderr does not begin 'opm: ': [$ERR]"
	for needle in "$@"; do
		assert_contains "$ERR" "$needle" "$what: stderr"
	done
}

# ERR names the option, as its flag (--max-restarts) or app-file key
# (max_restarts).
names_option()
{
	local what=$1 flag=$2 key

	key=${flag#--}
	key=${key//-/_}
	one_error_line "$what"
	[[ $ERR == *"$flag"* || $ERR == *"$key"* ]] ||
	    fail "$what: stderr names neither $flag nor $key: [$ERR]"
}

# --- Usage errors: exit 2, and no daemon needed for them. -----------------
assert_exit 2 "$OPM" frobnicate
one_error_line "unknown command" frobnicate
assert_exit 2 "$OPM" list --bogus
one_error_line "unknown flag of list" --bogus
assert_exit 2 "$OPM" start --bogus "$TESTAPP"
one_error_line "unknown flag of start" --bogus
assert_exit 2 "$OPM" stop --frob web
one_error_line "unknown flag of stop" --frob
for cmd in stop restart reload delete rm info describe env reset; do
	assert_exit 2 "$OPM" "$cmd"
	one_error_line "$cmd without TARGET" "$cmd"
done
assert_exit 2 "$OPM" signal
one_error_line "signal without SIG"
assert_exit 2 "$OPM" signal TERM
one_error_line "signal without TARGET"
assert_exit 2 "$OPM" start
one_error_line "start without a program"
assert_exit 2 "$OPM" start --max-restarts
one_error_line "start flag without its value" --max-restarts
assert_exit 2 "$OPM" help frobnicate
one_error_line "help of an unknown command" frobnicate
assert_exit 2 "$OPM" daemon frob
one_error_line "unknown daemon subcommand" frob
assert_exit 2 "$OPM" ping extra
one_error_line "ping with an argument"
assert_eq 0 "$(count_daemons)" "usage errors start no daemon"

# --- Unknown apps: exit 1, one line naming the app, nothing changed. ------
assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" forever
wait_status web online
web_pid=$(app_field web pid)
for cmd in stop restart reload delete info env reset flush logs; do
	assert_exit 1 "$OPM" "$cmd" nosuchapp
	one_error_line "$cmd of an unknown app" nosuchapp
done
assert_exit 1 "$OPM" signal TERM nosuchapp
one_error_line "signal to an unknown app" nosuchapp
# One unknown name in a list: an error, and the known app is left alone.
for cmd in stop restart delete; do
	assert_exit 1 "$OPM" "$cmd" web,nosuchapp
	one_error_line "$cmd web,nosuchapp" nosuchapp
	assert_exit 1 "$OPM" "$cmd" web nosuchapp
	one_error_line "$cmd web nosuchapp" nosuchapp
done
assert_exit 1 "$OPM" signal KILL web nosuchapp
assert_eq online "$(app_field web status)" "web after commands naming an unknown app"
assert_eq "$web_pid" "$(app_field web pid)" "web pid after commands naming an unknown app"
assert_eq 0 "$(app_field web restarts)" "web restarts"
assert_exit 1 "$OPM" stop 999
one_error_line "stop of an unknown id" 999

# --- Invalid option values: exit 1, naming the option, nothing created. ---
invalid()	# FLAG VALUE
{
	assert_exit 1 "$OPM" start --name bad "$1" "$2" "$TESTAPP" tag "$TAG" forever
	names_option "$1 $2" "$1"
}
invalid --max-restarts abc
invalid --max-restarts -3
invalid --min-uptime 5x
invalid --restart sometimes
invalid --restart-delay soon
invalid --backoff-max 1y
invalid --kill-timeout 5parsecs
invalid --stop-signal SIGFOO
invalid --log-max-size 10Q
invalid --log-keep many
invalid --stop-exit-codes a,b
invalid --name 'bad/name'
# --env without '=' names an environment set: not a valid set name here.
assert_exit 1 "$OPM" start --env 'NO EQUALS' "$TESTAPP" tag "$TAG" forever
one_error_line "--env 'NO EQUALS'" env_name
assert_exit 0 "$OPM" list --json
assert_eq '["web"]' "$(jq -c 'map(.name)' <<<"$OUT")" "no app created by invalid values"
assert_exit 1 "$OPM" logs web --lines abc
one_error_line "logs --lines abc" lines

# "--" separates the program's arguments (SPEC's `-- ARG...` row).
assert_exit 0 "$OPM" start --name dashed "$TESTAPP" -- tag "$TAG" print dashed forever
wait_status dashed online
assert_eq "$TESTAPP tag $TAG print dashed forever" \
    "$(app_field dashed 'argv | join(" ")')" "argv after --"

# --- Help. -----------------------------------------------------------------
assert_exit 0 "$OPM" help
help=$OUT
for cmd in start stop restart reload delete list info logs flush env signal \
    reset save restore startup daemon ping version help; do
	grep -qE "^  $cmd( |$)" <<<"$help" || fail "opm help does not list '$cmd'"
	assert_exit 0 "$OPM" help "$cmd"
	assert_contains "$OUT" "opm $cmd" "opm help $cmd"
done
for sub in start stop status restart reload run; do
	assert_contains "$help" "$sub" "opm help: daemon $sub"
done
# Aliases resolve to their command.
for pair in rm:delete ls:list status:list describe:info resurrect:restore; do
	assert_exit 0 "$OPM" help "${pair%%:*}"
	assert_contains "$OUT" "${pair#*:}" "opm help ${pair%%:*}"
done
assert_exit 0 "$OPM" --help
assert_exit 0 "$OPM" help start
start_help=$OUT
for flag in --name --cwd --env --env-file --restart --stop-exit-codes \
    --max-restarts --min-uptime --restart-delay --backoff-max --kill-timeout \
    --stop-signal --no-autostart --log-time --log-max-size --log-keep; do
	grep -qE -- "(^|[^a-z-])$flag([^a-z-]|$)" <<<"$start_help" ||
	    fail "opm help start does not list $flag"
done

# --- No escape codes without a tty, or with NO_COLOR. ---------------------
assert_exit 0 "$OPM" start --name stopped --no-autostart "$TESTAPP" tag "$TAG" forever
# (min_uptime long enough that a slow start, e.g. under ASan, still counts
# as a failure.)
assert_exit 0 "$OPM" start --name broken --max-restarts 1 --min-uptime 10s \
    "$TESTAPP" tag "$TAG" exit 1
wait_for 10 _app_has_status broken errored
outputs()
{
	"$OPM" list
	"$OPM" list --json
	"$OPM" info web
	"$OPM" help
	"$OPM" daemon status
	"$OPM" frobnicate || true
}
assert_exit 0 outputs
assert_not_contains "$OUT$ERR" "$ESC" "escape codes without a tty"
assert_contains "$OUT" "online" "the table shows states"

# On a tty with NO_COLOR: run each command under a pseudo-terminal.
on_pty()
{
	"$PY" -c '
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=s)
os.close(s)
out = b""
while True:
    try:
        b = os.read(m, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
p.wait()
sys.stdout.write(out.decode("utf-8", "replace"))
' "$@"
}
for cmd in "list" "info web" "help" "daemon status"; do
	# shellcheck disable=SC2086 # words of cmd
	out=$(export NO_COLOR=1; on_pty "$OPM" $cmd)
	[[ -n $out ]] || fail "no output from opm $cmd on a pty"
	assert_not_contains "$out" "$ESC" "escape codes on a tty with NO_COLOR (opm $cmd)"
done
# For the record: a tty without NO_COLOR may use colour.
out=$(unset NO_COLOR; on_pty "$OPM" list)
n=$(grep -o "$ESC" <<<"$out" | wc -l) || true
echo "opm list on a tty without NO_COLOR: $n escape codes"

# Last, as it is documentation only: the last row of SPEC's start table,
# "-- ARG...", belongs in opm help start too.
grep -qE -- "(^|[[:space:]\[])--([[:space:]]|$)" <<<"$start_help" ||
    fail "opm help start does not document '-- ARG...' (SPEC start options table)"
