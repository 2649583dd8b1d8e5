#!/usr/bin/env bash
# `opm save` on a full disk. OPM_HOME (dump, daemon log, runtime state) is a
# small tmpfs. Two saves succeed (dump.json and dump.json.bak exist); the
# disk is filled to ENOSPC; another app is started (it must start: nothing
# it needs takes disk space); `opm save` then fails with exit 1 and one
# error line naming the cause (No space left on device), and leaves the
# dump and its .bak byte-identical, no temporary file behind, the old dump
# still loadable (`opm restore` reads it, duplicates nothing). The daemon
# keeps serving the whole time. Once the filler is gone, `opm save` works
# and the new dump holds the new app, the old one becoming the .bak.
# Needs root (mount); fails, never skips, without it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/fault-res-lib.sh
. "$(dirname "$0")/fault-res-lib.sh"
setup
# Before the daemon starts: everything it writes lands on the tmpfs.
mount_small_tmpfs "$OPM_HOME" 2m

dump=$OPM_HOME/dump.json
filler=$OPM_HOME/filler

# Names, one a line, sorted.
sorted_names()
{
	printf '%s\n' "$@" | LC_ALL=C sort
}

dump_names()
{
	jq -r 'if .version == 1 and (.apps | type == "array")
	    then .apps[].name else error("not a dump") end' "$1" | LC_ALL=C sort
}

list_names()
{
	"$OPM" list --json | jq -r '.[].name' | LC_ALL=C sort
}

# --- A few apps, two good saves -----------------------------------------
for a in d1 d2 d3; do
	assert_exit 0 "$OPM" start --name "$a" "$TESTAPP" tag "$TAG" tag "$a" \
	    forever
done
for a in d1 d2 d3; do
	wait_status "$a" online
done
declare -A pid0
for a in d1 d2 d3; do
	pid0[$a]=$(app_field "$a" pid)
done
assert_exit 0 "$OPM" save
# A stopped app too: its desired state must survive in the dump.
assert_exit 0 "$OPM" start --name d4 --no-autostart "$TESTAPP" tag "$TAG" \
    tag d4 forever
assert_exit 0 "$OPM" save
[[ -f $dump.bak ]] || fail "no $dump.bak after a second save"
assert_eq "$(sorted_names d1 d2 d3 d4)" "$(dump_names "$dump")" "first dump"
assert_eq "$(sorted_names d1 d2 d3)" "$(dump_names "$dump.bak")" "first .bak"
cp -p -- "$dump" "$TEST_TMP/dump.good"
cp -p -- "$dump.bak" "$TEST_TMP/bak.good"

# --- Fill the disk -------------------------------------------------------
fill_disk "$filler"
one_daemon

# The app list changes while the disk is full.
assert_exit 0 "$OPM" start --name n1 "$TESTAPP" tag "$TAG" tag n1 forever
wait_status n1 online
assert_eq "$(sorted_names d1 d2 d3 d4 n1)" "$(list_names)" "apps on a full disk"

# --- save fails, loudly and harmlessly ----------------------------------
assert_exit 1 "$OPM" save
one_line "$ERR" "save on a full disk"
assert_contains "$ERR" "No space left on device" "save on a full disk"
assert_contains "$ERR" "$dump" "the error names the dump"
assert_eq "" "$OUT" "stdout of a failed save"
cmp -- "$TEST_TMP/dump.good" "$dump" ||
    fail "a failed save changed $dump"
cmp -- "$TEST_TMP/bak.good" "$dump.bak" ||
    fail "a failed save changed $dump.bak"
assert_file_mode 600 "$dump"
shopt -s nullglob
leftovers=("$dump".tmp* "$dump".corrupt*)
shopt -u nullglob
assert_eq 0 "${#leftovers[@]}" "files left behind: ${leftovers[*]}"

# A second failure changes nothing either (and fails the same way).
assert_exit 1 "$OPM" save
assert_contains "$ERR" "No space left on device" "second save on a full disk"
cmp -s -- "$TEST_TMP/dump.good" "$dump" || fail "second failed save: $dump"

# The old dump is still loadable: restore reads it (d4 stays stopped, the
# running apps are left alone, nothing doubles).
assert_exit 0 "$OPM" restore
assert_eq "$(sorted_names d1 d2 d3 d4 n1)" "$(list_names)" \
    "apps after restore of the old dump"
assert_eq stopped "$(app_field d4 status)" "d4 after restore"

# The daemon serves: ping, list, and the apps did not move.
one_daemon
for a in d1 d2 d3; do
	assert_eq online "$(app_field "$a" status)" "status of $a"
	assert_eq "${pid0[$a]}" "$(app_field "$a" pid)" "pid of $a"
	assert_eq 0 "$(app_field "$a" restarts)" "restarts of $a"
done

# --- Space comes back: save works ---------------------------------------
rm -f -- "$filler"
assert_exit 0 "$OPM" save
assert_eq "$(sorted_names d1 d2 d3 d4 n1)" "$(dump_names "$dump")" \
    "dump after space came back"
cmp -- "$TEST_TMP/dump.good" "$dump.bak" ||
    fail "$dump.bak is not the last good dump"
assert_file_mode 600 "$dump"
jq -e '.apps[] | select(.name == "n1") | .argv | index("n1")' "$dump" \
    >/dev/null || fail "n1 in the new dump has not its argv: $(<"$dump")"

# --- Nothing lost, nothing doubled ---------------------------------------
one_daemon
assert_eq $'1\n1\n1\n1\n0' "$(count_procs_each "* tag $TAG tag d1 forever" \
    "* tag $TAG tag d2 forever" "* tag $TAG tag d3 forever" \
    "* tag $TAG tag n1 forever" "* tag $TAG tag d4 forever")" \
    "processes of d1, d2, d3, n1 (one each) and d4 (none)"
for a in d1 d2 d3 n1; do
	assert_eq online "$(app_field "$a" status)" "status of $a at the end"
done
for a in d1 d2 d3; do
	assert_eq "${pid0[$a]}" "$(app_field "$a" pid)" "pid of $a at the end"
done
