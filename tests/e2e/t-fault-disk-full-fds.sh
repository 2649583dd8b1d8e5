#!/usr/bin/env bash
# Writes that fail on a full disk leak no descriptor. OPM_HOME is a small
# tmpfs; with the disk full, an app is restarted several times (every
# transition rewrites the daemon's runtime state) and `opm save` fails
# twice. Once the space is back and the app is online again, the daemon
# holds no more descriptors than before the episode: a long disk-full
# episode with a crash-looping app must not walk the daemon into EMFILE.
# Needs root (mount); fails, never skips, without it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup
mount_small_tmpfs "$OPM_HOME" 2m

# Descriptor count of PID once it stays put for 0.2 s (a CLI connection
# being closed, a log pipe reaching EOF...).
settled_fd_count()
{
	local a b

	b=$(fd_count "$1")
	while :; do
		sleep 0.2
		a=$b
		b=$(fd_count "$1")
		[[ $a == "$b" ]] && break
	done
	echo "$b"
}

# True when PID holds at most N descriptors (for wait_for).
fds_at_most()
{
	local n

	n=$(fd_count "$1")
	echo "pid $1 holds $n descriptors (want <= $2)"
	(( n <= $2 ))
}

assert_exit 0 "$OPM" start --name r1 "$TESTAPP" tag "$TAG" tag r1 forever
wait_status r1 online
d=$(daemon_pid)
assert_exit 0 "$OPM" ping
base=$(settled_fd_count "$d")
echo "daemon $d holds $base descriptors before the disk fills" >&2

fill_disk "$OPM_HOME/filler"
for i in 1 2 3 4; do
	assert_exit 0 "$OPM" restart r1
	wait_status r1 online
done
for i in 1 2; do
	assert_exit 1 "$OPM" save
	assert_contains "$ERR" "No space left on device" "save $i"
done
one_daemon

rm -f -- "$OPM_HOME/filler"
assert_exit 0 "$OPM" save
wait_status r1 online
# Up to 5 s for the old process's pipes to reach EOF and close; then
# fail naming the extra descriptors (not wait_for: its message would not).
deadline=$(( ${EPOCHREALTIME/[.,]/} + 5000000 ))
until fds_at_most "$d" "$base" >/dev/null; do
	if (( ${EPOCHREALTIME/[.,]/} > deadline )); then
		fail "the daemon holds $(fd_count "$d") descriptors, $base" \
		    "before the disk-full episode; files among them:"$'\n'"$(
		    find "/proc/$d/fd" -mindepth 1 -printf '  %f -> %l\n' |
		    grep -e '(deleted)' -e '\.tmp' || true)"
	fi
	sleep 0.05
done

# --- Nothing lost, nothing doubled ---------------------------------------
one_daemon
assert_eq "$d" "$(daemon_pid)" "the daemon was never replaced"
assert_eq 1 "$(count_procs "* tag $TAG tag r1 forever")" "processes of r1"
