# shellcheck shell=bash
#
# tests/e2e/fault-res-lib.sh: helpers shared by the fault-injection tests
# on resources (t-fault-disk-*.sh, t-fault-emfile*.sh): small file systems
# and descriptor exhaustion. Sourced after lib.sh, used after setup:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/fault-res-lib.sh"
#	setup
#	mount_small_tmpfs "$OPM_HOME" 2m
#
#	mount_small_tmpfs DIR SIZE  mounts a tmpfs of SIZE (mode 0700) at DIR
#	                            and makes the EXIT trap unmount it after
#	                            teardown (which stops the daemon first: its
#	                            socket and pid file may live on the tmpfs).
#	                            Fails the test if it cannot mount (not
#	                            root): these tests never skip silently.
#	fill_disk FILE              grows FILE until its file system is full
#	                            (ENOSPC); fails if it never fills
#	fs_avail DIR                free bytes of DIR's file system
#	one_line TEXT [MSG]         TEXT is exactly one line beginning "opm: "
#	main_daemons                opmd processes of this OPM_HOME, the
#	                            keeper (opmd --keeper) left out
#	count_procs_each PATTERN... count_procs of each PATTERN, one a line,
#	                            in a single scan of /proc
#	mostly_idle PID             PID is runnable (state R) in at most half
#	                            of 25 samples over 1 s: not spinning
#	app_spr NAME                "STATUS PID RESTARTS" of app NAME
#	lower_nofile D              lowers daemon D's soft descriptor limit to
#	                            a few above what it uses (sets soft0,
#	                            hard0, limit; starts the holder)
#	one_daemon                  exactly one opmd of this test runs, its pid
#	                            is the pid file's, and it answers a ping
#
# Descriptor exhaustion (EMFILE):
#	holder_start DPID           starts a python coprocess that holds idle
#	                            client connections to the daemon DPID
#	hold CMD                    one command to the holder; fails unless it
#	                            answers ok. Commands:
#	    fill LIMIT FREE         connect one at a time, each time waiting
#	                            until the daemon has accepted, until exactly
#	                            FREE descriptor numbers below LIMIT are
#	                            unused in the daemon
#	    flood N                 N more connections at once, waiting for
#	                            nothing
#	    close                   close every connection
#	    quit
#	fd_count PID, fd_max PID    open descriptors of PID: count, largest
#	fd_free_is PID LIMIT N      exactly N descriptor numbers below LIMIT
#	                            are unused in PID (for wait_for)
#	nofile_limits PID           "SOFT HARD" of PID's RLIMIT_NOFILE

_FAULT_MOUNTS=()

# EXIT trap: teardown first (it stops the daemon, whose files may live on a
# mount), then unmount, then remove what teardown could not (a mount point
# cannot be removed while mounted). Keeps the test's exit status.
_fault_exit()
{
	local rc=$? m i

	set +eE
	trap - ERR
	teardown
	for ((i = ${#_FAULT_MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${_FAULT_MOUNTS[i]}
		if mountpoint -q -- "$m"; then
			umount -- "$m" 2>/dev/null || umount -l -- "$m" ||
			    echo "fault-res-lib: cannot unmount $m" >&2
		fi
	done
	for m in "${_FAULT_MOUNTS[@]}"; do
		case $m in
		/tmp/opm-e2e.*|/tmp/opm-e2t.*)
			mountpoint -q -- "$m" || rm -rf -- "$m"
			;;
		esac
	done
	case ${OPM_HOME-} in
	/tmp/opm-e2e.*) [[ -d $OPM_HOME ]] && rm -rf -- "$OPM_HOME" ;;
	esac
	exit "$rc"
}

mount_small_tmpfs()
{
	local dir=$1 size=$2

	_need_setup
	[[ -d $dir ]] || fail "mount_small_tmpfs: $dir: no such directory"
	# The trap first: a failure right after the mount must not leak it.
	_FAULT_MOUNTS+=("$dir")
	trap _fault_exit EXIT
	if ! mount -t tmpfs -o "size=$size,mode=0700" tmpfs "$dir" \
	    2>"$TEST_TMP/.mount.err"; then
		fail "cannot mount a $size tmpfs at $dir (uid $(id -u);" \
		    "these tests need root): $(<"$TEST_TMP/.mount.err")"
	fi
	mountpoint -q -- "$dir" || fail "$dir is not a mount point after mount"
}

fs_avail()
{
	echo $(( $(stat -f -c '%a * %S' -- "$1") ))
}

fill_disk()
{
	local f=$1 dir

	dir=$(dirname -- "$f")
	# dd stops with ENOSPC (exit 1): expected. Then top up with small
	# writes in case the last big one fell short of the very end.
	dd if=/dev/zero of="$f" bs=64k status=none 2>"$TEST_TMP/.dd.err" ||
	    true
	dd if=/dev/zero of="$f" bs=4k oflag=append conv=notrunc status=none \
	    2>>"$TEST_TMP/.dd.err" || true
	grep -q 'No space left on device' "$TEST_TMP/.dd.err" ||
	    fail "filling $dir did not end in ENOSPC: $(<"$TEST_TMP/.dd.err")"
	assert_eq 0 "$(fs_avail "$dir")" "free bytes on $dir after filling it"
}

one_line()
{
	local text=$1 msg=${2:-error message}

	[[ $text == "opm: "* ]] ||
	    fail "$msg: does not begin with 'opm: ': [$text]"
	[[ $text != *$'\n'* ]] || fail "$msg: more than one line: [$text]"
}

# opmd processes of this OPM_HOME but the descriptor keeper (opmd --keeper):
# count_daemons counts both. One scan of /proc (slow on a busy machine).
main_daemons()
{
	local pid n=0

	_need_setup
	_scan_ours
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		_proc_is_opmd "$pid" && [[ $_CMDLINE != *"opmd --keeper" ]] &&
		    n=$((n + 1))
	done
	echo "$n"
}

# Like count_procs, for several patterns in one scan: one count a line.
count_procs_each()
{
	local pid i
	local -a counts

	_need_setup
	_scan_ours
	for ((i = 0; i < $#; i++)); do
		counts[i]=0
	done
	for pid in "${_OURS[@]}"; do
		_proc_cmdline "$pid" || continue
		for ((i = 1; i <= $#; i++)); do
			# shellcheck disable=SC2053
			[[ $_CMDLINE == ${!i} ]] || continue
			counts[i - 1]=$((counts[i - 1] + 1))
		done
	done
	printf '%s\n' "${counts[@]}"
}

# True when PID is mostly not runnable: sampled 25 times over 1 s, state
# R (running or waiting for a CPU) at most half the time. Unlike CPU time,
# this holds on a loaded machine, where a spinning process gets little CPU
# but is always runnable. Prints what it saw.
mostly_idle()
{
	local pid=$1 i r=0 stat

	for ((i = 0; i < 25; i++)); do
		read -r stat <"/proc/$pid/stat" || return 1
		stat=${stat##*) }
		[[ ${stat:0:1} == R ]] && r=$((r + 1))
		sleep 0.04
	done
	echo "pid $pid runnable in $r of 25 samples"
	(( r * 2 <= 25 ))
}

app_spr()
{
	"$OPM" list --json | jq -r --arg n "$1" '
	    map(select(.name == $n)) |
	    if length == 0 then error("no app named \($n)") else .[0] end |
	    "\(.status) \(.pid) \(.restarts)"'
}

one_daemon()
{
	local d

	d=$(daemon_pid)
	pid_alive "$d" || fail "the daemon (pid file: [$d]) is not running"
	assert_eq 1 "$(main_daemons)" "opmd processes of this OPM_HOME"
	assert_exit 0 "$OPM" ping
	assert_eq "$d" "$(daemon_pid)" "daemon pid after a ping (restarted?)"
}

# The system python: the pyenv shim takes seconds to start on a busy box.
if [[ -x /usr/bin/python3 ]]; then
	_FAULT_PY=/usr/bin/python3
else
	_FAULT_PY=python3
fi

_fault_hold_py()
{
	cat <<'EOF'
import os, socket, sys, time

path, dpid = sys.argv[1], int(sys.argv[2])
conns = []

def fds():
    return [int(f) for f in os.listdir("/proc/%d/fd" % dpid)]

def free(limit):
    return limit - len([f for f in fds() if f < limit])

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    conns.append(s)

for line in sys.stdin:
    w = line.split()
    try:
        if w[0] == "fill":
            limit, want = int(w[1]), int(w[2])
            while free(limit) > want:
                before = free(limit)
                connect()
                end = time.time() + 3
                while free(limit) >= before:
                    if time.time() > end:
                        raise Exception("connection %d not accepted; %d "
                            "free" % (len(conns), free(limit)))
                    time.sleep(0.005)
            # Settle: nothing else came or went meanwhile.
            time.sleep(0.2)
            print("ok %d held, %d free" % (len(conns), free(limit)))
        elif w[0] == "flood":
            for _ in range(int(w[1])):
                connect()
            print("ok %d held" % len(conns))
        elif w[0] == "close":
            for s in conns:
                s.close()
            conns = []
            print("ok")
        elif w[0] == "quit":
            print("ok")
            break
        else:
            print("error: unknown command %s" % w[0])
    except Exception as e:
        print("error: %s" % e)
    sys.stdout.flush()
EOF
}

holder_start()
{
	_need_setup
	_fault_hold_py >"$TEST_TMP/hold.py"
	coproc HOLD { exec "$_FAULT_PY" "$TEST_TMP/hold.py" \
	    "$OPM_HOME/opmd.sock" "$1"; }
	track_pid "$HOLD_PID"
}

hold()
{
	local reply=

	[[ -n ${HOLD_PID-} ]] || fail "hold: no holder (holder_start)"
	echo "$*" >&"${HOLD[1]}"
	read -r -t 15 reply <&"${HOLD[0]}" ||
	    fail "holder: no answer to [$*]"
	[[ $reply == ok* ]] || fail "holder: [$*]: $reply"
	echo "holder: $*: $reply" >&2
}

fd_count()
{
	local -a f

	mapfile -t f < <(ls "/proc/$1/fd")
	echo "${#f[@]}"
}

fd_max()
{
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n |
	    tail -n 1
}

fd_free_is()
{
	local f used=0

	for f in "/proc/$1/fd/"*; do
		(( ${f##*/} < $2 )) && used=$((used + 1))
	done
	echo "pid $1: $(( $2 - used )) free below $2 (want $3)"
	(( $2 - used == $3 ))
}

nofile_limits()
{
	local soft hard

	read -r soft hard < <(prlimit --pid "$1" --nofile --noheadings \
	    --output SOFT,HARD)
	[[ $soft =~ ^[0-9]+$ && $hard =~ ^[0-9]+$ ]] ||
	    fail "cannot read the descriptor limit of $1: [$soft] [$hard]"
	echo "$soft $hard"
}

# Lowers the soft RLIMIT_NOFILE of daemon D to 8 descriptors above the
# largest it uses, after starting the connection holder; sets soft0 and
# hard0 (the limits before, to restore them) and limit. The soft limit
# only: raising a hard limit back needs CAP_SYS_RESOURCE, which root in a
# container may lack. New descriptors must be below the limit, so it
# counts from the largest number in use, not from how many are open.
lower_nofile()
{
	local d=$1

	read -r soft0 hard0 < <(nofile_limits "$d")
	(( soft0 > 200 )) || fail "the daemon's limit is low already: $soft0"
	holder_start "$d"
	limit=$(( $(fd_max "$d") + 1 + 8 ))
	echo "daemon $d: $(fd_count "$d") descriptors, largest $(fd_max "$d")," \
	    "limit $soft0 -> $limit" >&2
	prlimit --pid "$d" --nofile="$limit:$hard0"
}
