# shellcheck shell=bash
#
# tests/e2e/cont-lib.sh: helpers shared by the daemon-continuity tests
# (t-cont-*.sh). Sourced after lib.sh and setup:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/cont-lib.sh"
#	setup
#
#	keeper_pids                 pids of this test's `opmd --keeper`
#	kill_daemon                 SIGKILL the daemon, wait until it is dead
#	kill_keeper                 SIGKILL the keeper(s), wait until dead
#	seq_check FILE              FILE holds 1, 2, 3... one per line with no
#	                            gap (a trailing partial line is ignored);
#	                            prints the last number, or fails naming the
#	                            first gap
#	last_seq FILE               the last complete number of FILE (0 if none)
#	snapshot                    "NAME PID RESTARTS STATUS" per app, by name
#	pid_changed NAME OLD        app NAME has a pid, not OLD (for wait_for)
#	fail_wedged MSG             SIGKILL daemon and keeper, then fail MSG
#	PYTHON                      a python3 that starts fast
#	opmd_pidfile                the pid in OPM_HOME/opmd.pid (the pid file
#	                            stays in OPM_HOME whatever OPM_RUNTIME_DIR)

# The keepers of this OPM_HOME: `opmd --keeper` with our environment.
keeper_pids()
{
	local p a e

	for p in $(pgrep -x opmd || true); do
		pid_alive "$p" || continue
		mapfile -d '' -t a 2>/dev/null <"/proc/$p/cmdline" || continue
		[[ ${a[*]} == "opmd --keeper" ]] || continue
		mapfile -d '' -t a 2>/dev/null <"/proc/$p/environ" || continue
		for e in "${a[@]}"; do
			if [[ $e == "OPM_HOME=$OPM_HOME" ]]; then
				echo "$p"
				break
			fi
		done
	done
	return 0
}

opmd_pidfile()
{
	local pid

	read -r pid <"$OPM_HOME/opmd.pid" || [[ -n ${pid-} ]]
	echo "$pid"
}

kill_daemon()
{
	local d

	d=$(opmd_pidfile)
	[[ $d =~ ^[0-9]+$ ]] || fail "no daemon pid in $OPM_HOME/opmd.pid"
	pid_alive "$d" || fail "daemon $d is not running"
	kill -KILL "$d"
	wait_for 5 pid_dead "$d"
}

kill_keeper()
{
	local -a ks
	local k

	mapfile -t ks < <(keeper_pids)
	(( ${#ks[@]} > 0 )) || fail "no keeper process to kill"
	kill -KILL "${ks[@]}"
	for k in "${ks[@]}"; do
		wait_for 5 pid_dead "$k"
	done
}

# Complete lines only: a line still being written has no newline yet.
_complete_lines()
{
	local f=$1

	if [[ -s $f && $(tail -c 1 "$f" | od -An -c | tr -d ' ') != '\n' ]]
	then
		head -n -1 "$f"
	else
		cat "$f"
	fi
}

seq_check()
{
	local f=$1 out

	[[ -f $f ]] || fail "$f: no such file"
	if ! out=$(_complete_lines "$f" | awk '
	    $0 != NR { printf "line %d is [%s], expected [%d] (previous [%s])\n",
	        NR, $0, NR, prev; bad = 1; exit 1 }
	    { prev = $0 }
	    END { if (!bad) print NR }'); then
		fail "$f: tick sequence broken: $out"
	fi
	echo "$out"
}

last_seq()
{
	local n

	n=$(_complete_lines "$1" | tail -n 1)
	echo "${n:-0}"
}

snapshot()
{
	"$OPM" list --json |
	    jq -r 'sort_by(.name) | .[] | "\(.name) \(.pid) \(.restarts) \(.status)"'
}

# True when FILE's last complete number is above N (for wait_for).
seq_above()
{
	local n

	n=$(last_seq "$1")
	echo "last number in $1: $n (want > $2)"
	(( n > $2 ))
}

# True when app NAME has a pid other than OLD (for wait_for).
pid_changed()
{
	local p

	p=$(app_field "$1" pid) || return 1
	echo "pid of $1: $p (old $2)"
	[[ $p != "$2" && $p != null ]]
}

# The system python: the pyenv shim takes seconds to start on a busy box.
# shellcheck disable=SC2034
if [[ -x /usr/bin/python3 ]]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi

# Fails the test after SIGKILLing this test's daemon and keeper: for when
# the daemon is known to be wedged, so that teardown does not wait on it.
fail_wedged()
{
	local d k

	d=$(opmd_pidfile 2>/dev/null || true)
	if [[ $d =~ ^[0-9]+$ ]] && pid_alive "$d"; then
		kill -KILL "$d" 2>/dev/null || true
	fi
	for k in $(keeper_pids); do
		kill -KILL "$k" 2>/dev/null || true
	done
	fail "(${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]})" "$@"
}
