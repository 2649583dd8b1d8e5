# shellcheck shell=bash
#
# tests/e2e/lib.sh: sourced by every end-to-end test script.
#
#	. "$(dirname "$0")/lib.sh"
#	setup
#	assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" forever
#	wait_status web online
#
# A script runs in strict mode (set -Eeuo pipefail, inherit_errexit): any
# command that fails outside a condition ends the test with a message naming
# the command and the line. Expected failures go through assert_exit.
# Beware the usual errexit traps: "(( n++ ))" with n=0, or "[[ x ]] && y" as
# the last line of a function.
#
# setup gives the test a fresh OPM_HOME and a scratch directory TEST_TMP;
# teardown (run on exit) stops the daemon of that OPM_HOME and kills every
# process that belongs to this test and nothing else: a process belongs to
# the test when its environment holds OPM_HOME=$OPM_HOME or its command line
# contains $OPM_HOME. Put `tag "$TAG"` in testapp command lines (TAG is
# OPM_HOME) so that apps, their children and orphans are recognised even if
# the daemon does not pass OPM_HOME on to apps.
#
# Tests poll with wait_for and a deadline; never a bare sleep.
#
# Helpers:
#	setup, teardown
#	fail MSG
#	assert_eq EXPECTED ACTUAL [MSG]     assert_ne UNEXPECTED ACTUAL [MSG]
#	assert_contains HAYSTACK NEEDLE [MSG]
#	assert_not_contains HAYSTACK NEEDLE [MSG]
#	assert_exit CODE CMD...     sets OUT, ERR (trailing newlines cut), RC
#	assert_file_mode MODE PATH  MODE in octal, e.g. 600 or 0600
#	wait_for TIMEOUT CMD...     TIMEOUT in seconds, may be fractional
#	not CMD...                  succeeds when CMD fails (for wait_for)
#	app_field NAME FIELD        .FIELD of app NAME in `opm list --json`
#	wait_status NAME STATUS [TIMEOUT]   default TIMEOUT 10
#	daemon_pid                  first line of the daemon's pid file
#	pid_alive PID, pid_dead PID zombies count as dead
#	track_pid PID...            SIGKILLed by teardown if still alive
#	count_procs PATTERN         live processes of this test whose command
#	                            line (argv joined by spaces) matches the
#	                            bash glob PATTERN as a whole
#	count_daemons               live opmd processes of this OPM_HOME
#	cpu_ticks PID               utime + stime of PID in clock ticks
#	free_port [N]               first of N (default 1) consecutive free TCP
#	                            ports on 127.0.0.1, outside the kernel's
#	                            ephemeral range

set -Eeuo pipefail
shopt -s inherit_errexit

# Variables below are for the test scripts.
# shellcheck disable=SC2034
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034
REPO_DIR=$(cd "$LIB_DIR/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*)	;;
*)	BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || {
		echo "FAIL: build directory ${BUILD} not found" >&2
		exit 1
	}
	;;
esac
OPM="$BUILD/opm"
OPMD="$BUILD/opmd"
TESTAPP="$BUILD/opm-testapp"
# shellcheck disable=SC2034
TEST_NAME=$(basename "$0" .sh)
export BUILD OPM OPMD TESTAPP

TEST_TMP=
# shellcheck disable=SC2034
TAG=
_TRACKED_PIDS=()

# Sets _WHERE to "file:line" of the test-script line that called into lib.sh.
_where()
{
	local i n=${#BASH_SOURCE[@]}

	_WHERE=
	for ((i = 1; i < n; i++)); do
		if [[ ${BASH_SOURCE[i]} != "${BASH_SOURCE[0]}" ]]; then
			_WHERE="$(basename "${BASH_SOURCE[i]}"):${BASH_LINENO[i - 1]}"
			return 0
		fi
	done
	_WHERE="$(basename "${BASH_SOURCE[n - 1]}"):${BASH_LINENO[n - 2]}"
}

# Reports a command that failed outside any condition (errexit).
_on_err()
{
	local rc=$1 line=$2 cmd=$3 i stack=

	for ((i = 2; i < ${#BASH_SOURCE[@]}; i++)); do
		stack+=", called from $(basename "${BASH_SOURCE[i]}"):${BASH_LINENO[i - 1]}"
	done
	echo "FAIL: $(basename "${BASH_SOURCE[1]:-$0}"):$line:" \
	    "command failed (exit $rc): $cmd$stack" >&2
}
trap '_on_err $? $LINENO "$BASH_COMMAND"' ERR

# Ends the test: prints MSG and where it happened, exits 1.
fail()
{
	_where
	printf 'FAIL: %s: %s\n' "$_WHERE" "$*" >&2
	exit 1
}

assert_eq()
{
	local expected=$1 actual=$2 msg=${3:-values differ}

	[[ $expected == "$actual" ]] && return 0
	fail "$msg: expected [$expected], got [$actual]"
}

assert_ne()
{
	local unexpected=$1 actual=$2 msg=${3:-values are equal}

	[[ $unexpected != "$actual" ]] && return 0
	fail "$msg: expected anything but [$unexpected], got it"
}

assert_contains()
{
	local haystack=$1 needle=$2 msg=${3:-substring missing}

	[[ $haystack == *"$needle"* ]] && return 0
	fail "$msg: [$needle] not found in [$haystack]"
}

assert_not_contains()
{
	local haystack=$1 needle=$2 msg=${3:-unexpected substring}

	[[ $haystack != *"$needle"* ]] && return 0
	fail "$msg: [$needle] found in [$haystack]"
}

# Runs CMD..., checks its exit code; OUT, ERR and RC keep what it did.
assert_exit()
{
	local want=$1

	shift
	_need_setup
	RC=0
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" || RC=$?
	OUT=$(<"$TEST_TMP/.out")
	ERR=$(<"$TEST_TMP/.err")
	[[ $RC == "$want" ]] && return 0
	fail "$(printf '%q ' "$@")"$'\n'"  exit code: expected [$want], got [$RC]"$'\n'"  stdout: [$OUT]"$'\n'"  stderr: [$ERR]"
}

assert_file_mode()
{
	local want=$1 path=$2 got

	[[ -e $path ]] || fail "$path: no such file (wanted mode $want)"
	got=$(stat -c %a -- "$path")
	(( 8#$want == 8#$got )) && return 0
	fail "$path: mode expected [$want], got [$got]"
}

# Succeeds when CMD... fails: wait_for 5 not test -e "$f".
not()
{
	! "$@"
}

# Converts seconds ("2", "0.25") to microseconds in _US.
_to_us()
{
	local int frac=

	[[ $1 =~ ^[0-9]*(\.[0-9]*)?$ && $1 != . && -n $1 ]] ||
	    fail "bad number of seconds [$1]"
	int=${1%%.*}
	[[ $1 == *.* ]] && frac=${1#*.}
	frac="${frac}000000"
	_US=$(( 10#${int:-0} * 1000000 + 10#${frac:0:6} ))
}

# Polls CMD... every 10 ms until it succeeds; fails after TIMEOUT seconds.
wait_for()
{
	local timeout=$1 now deadline

	shift
	_need_setup
	_to_us "$timeout"
	now=${EPOCHREALTIME/[.,]/}
	deadline=$(( now + _US ))
	while :; do
		if "$@" >"$TEST_TMP/.wait.out" 2>"$TEST_TMP/.wait.err"; then
			return 0
		fi
		now=${EPOCHREALTIME/[.,]/}
		if (( now >= deadline )); then
			fail "timed out after ${timeout}s waiting for:" \
			    "$(printf '%q ' "$@")"$'\n'"  last stdout: [$(<"$TEST_TMP/.wait.out")]"$'\n'"  last stderr: [$(<"$TEST_TMP/.wait.err")]"
		fi
		sleep 0.01
	done
}

# Prints the first of N consecutive TCP ports that nothing on 127.0.0.1
# holds, each checked by binding it. Never a port of the ephemeral range
# (/proc/sys/net/ipv4/ip_local_port_range): the kernel hands those to
# outgoing connections, so one that is free now may be some test's client
# socket a moment later, and a server bound to it then fails with
# EADDRINUSE (seen in CI: an sshd that never listened). Parallel tests
# draw at random from about 20000 ports, so two of them rarely collide.
free_port()
{
	python3 - "${1:-1}" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
ranges = [(r0, r1 - n) for r0, r1 in ((10000, lo - 1), (hi + 1, 65535)) if r1 - n > r0]
for _ in range(1000):
    r0, r1 = random.choice(ranges)
    p = random.randint(r0, r1)
    held = []
    try:
        for k in range(n):
            s = socket.socket()
            held.append(s)
            s.bind(("127.0.0.1", p + k))
    except OSError:
        continue
    finally:
        for s in held:
            s.close()
    print(p)
    sys.exit(0)
sys.exit("free_port: no %d free ports in %s" % (n, ranges))
PY
}

# Prints .FIELD of the app named NAME in `opm list --json`; fails if absent.
# Strings are raw, null prints "null". FIELD may be a jq path: argv[0].
app_field()
{
	local name=$1 field=$2

	"$OPM" list --json | jq -r --arg n "$name" '
	    map(select(.name == $n)) |
	    if length == 0 then error("no app named \($n)") else .[0] end |
	    .'"$field"
}

# Condition for wait_status: prints the status it saw.
_app_has_status()
{
	local st

	st=$(app_field "$1" status) || return 1
	echo "status of $1: $st (want $2)"
	[[ $st == "$2" ]]
}

wait_status()
{
	wait_for "${3:-10}" _app_has_status "$1" "$2"
}

daemon_pid()
{
	local pid

	read -r pid <"$OPM_HOME/opmd.pid" || [[ -n ${pid-} ]]
	echo "$pid"
}

# Alive and not a zombie.
pid_alive()
{
	local stat

	[[ $1 =~ ^[0-9]+$ ]] || return 1
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != [ZX] ]]
}

pid_dead()
{
	! pid_alive "$1"
}

# Registers pids that teardown must SIGKILL if they still run.
track_pid()
{
	_TRACKED_PIDS+=("$@")
}

# Sets _CMDLINE to argv of PID joined by spaces; fails for zombies/gone.
_proc_cmdline()
{
	local -a a
	local IFS=' '

	mapfile -d '' -t a 2>/dev/null <"/proc/$1/cmdline" || return 1
	(( ${#a[@]} > 0 )) || return 1
	_CMDLINE="${a[*]}"
}

# True when PID's environment holds our OPM_HOME or _CMDLINE names it.
_proc_is_ours()
{
	local -a a
	local e

	[[ $_CMDLINE == *"$OPM_HOME"* ]] && return 0
	mapfile -d '' -t a 2>/dev/null <"/proc/$1/environ" || return 1
	for e in "${a[@]}"; do
		[[ $e == "OPM_HOME=$OPM_HOME" ]] && return 0
	done
	return 1
}

# True when PID (whose _CMDLINE is set) is an opmd.
_proc_is_opmd()
{
	local comm argv0=${_CMDLINE%% *}

	read -r comm 2>/dev/null <"/proc/$1/comm" || return 1
	[[ $comm == opmd || ${argv0##*/} == opmd ]]
}

# Sets _OURS to the pids of every live process of this test but ourselves.
# No subshells here: a forked bash would carry our environment and match.
_scan_ours()
{
	local d pid

	_OURS=()
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		_proc_cmdline "$pid" || continue
		_proc_is_ours "$pid" && _OURS+=("$pid")
	done
	return 0
}

# Clock ticks of user + system time of PID so far.
cpu_ticks()
{
	local stat
	local -a f

	read -r stat <"/proc/$1/stat"
	read -r -a f <<<"${stat##*) }"
	echo $(( f[11] + f[12] ))
}

count_procs()
{
	local pattern=$1 pid n=0

	_need_setup
	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		# shellcheck disable=SC2053
		[[ $_CMDLINE == $pattern ]] && n=$((n + 1))
	done
	echo "$n"
}

count_daemons()
{
	local pid n=0

	_need_setup
	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		_proc_is_opmd "$pid" && n=$((n + 1))
	done
	echo "$n"
}

_need_setup()
{
	[[ -n $TEST_TMP && -d $TEST_TMP ]] || fail "setup was not called"
}

# Traps first: a signal right after mktemp must not leak the directories.
setup()
{
	unset OPM_RUNTIME_DIR
	OPM_HOME=
	TEST_TMP=
	trap teardown EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
	OPM_HOME=$(mktemp -d /tmp/opm-e2e.XXXXXX)
	TEST_TMP=$(mktemp -d /tmp/opm-e2t.XXXXXX)
	# shellcheck disable=SC2034
	TAG=$OPM_HOME
	export OPM_HOME TEST_TMP
}

# Waits up to 5 s for PID to die, then SIGKILLs it.
_reap()
{
	local i

	for ((i = 0; i < 500; i++)); do
		pid_alive "$1" || return 0
		sleep 0.01
	done
	echo "teardown: pid $1 still alive, sending SIGKILL" >&2
	kill -KILL "$1" 2>/dev/null
	return 0
}

# Stops this test's daemon and kills whatever of this test still runs.
teardown()
{
	local rc=$? pid i
	local -a daemons

	set +eE
	trap - ERR INT TERM HUP
	if [[ ${OPM_HOME-} != /tmp/opm-e2e.* || ! -d $OPM_HOME ]]; then
		[[ ${TEST_TMP-} == /tmp/opm-e2t.* ]] && rm -rf -- "$TEST_TMP"
		return "$rc"
	fi
	[[ -d ${TEST_TMP-} ]] || TEST_TMP=$(mktemp -d /tmp/opm-e2t.XXXXXX)

	# Our daemons: the pid file's, and any other opmd of this OPM_HOME.
	daemons=()
	if [[ -f $OPM_HOME/opmd.pid ]]; then
		pid=$(daemon_pid 2>/dev/null)
		if pid_alive "$pid" && _proc_cmdline "$pid" &&
		    { _proc_is_ours "$pid" || _proc_is_opmd "$pid"; }; then
			daemons+=("$pid")
		fi
	fi
	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" && _proc_is_opmd "$pid" &&
		    [[ " ${daemons[*]} " != *" $pid "* ]] && daemons+=("$pid")
	done
	if (( ${#daemons[@]} > 0 )); then
		if ! timeout 10 "$OPM" daemon stop >"$TEST_TMP/.stop" 2>&1
		then
			echo "teardown: opm daemon stop failed:" \
			    "$(<"$TEST_TMP/.stop")" >&2
		fi
		for pid in "${daemons[@]}"; do
			_reap "$pid"
		done
	fi

	# Background jobs of the test (opm logs --follow &...), after the
	# daemon: a daemon run in the foreground (&) deserves a clean stop.
	# SIGTERM and a moment first: a follower whose daemon just went away
	# is exiting, and under ASan its leak check must not be cut short (a
	# SIGKILL there left an empty report, failing `make asan`).
	local -a jobpids
	mapfile -t jobpids < <(jobs -p)
	for pid in "${jobpids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${jobpids[@]}"; do
		for ((i = 0; i < 200; i++)); do
			pid_alive "$pid" || break
			sleep 0.01
		done
		kill -KILL "$pid" 2>/dev/null
	done

	# Two passes: a dying daemon may have spawned one last process.
	for _ in 1 2; do
		_scan_ours
		for pid in "${_OURS[@]}"; do
			_proc_cmdline "$pid" || continue
			echo "teardown: killing leftover pid $pid: $_CMDLINE" >&2
			kill -KILL "$pid" 2>/dev/null
		done
		(( ${#_OURS[@]} > 0 )) && sleep 0.1
	done
	for pid in "${_TRACKED_PIDS[@]}"; do
		pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	done

	for _ in 1 2 3; do
		rm -rf -- "$OPM_HOME" "$TEST_TMP" 2>/dev/null && break
		sleep 0.1
	done
	return "$rc"
}
