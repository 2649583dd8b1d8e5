#!/usr/bin/env bash
# One command on several machines (issue 18): --host repeated, or a group
# of the hosts file (OPM_HOSTS), runs it on each at once; every output
# line is led by its host; the exit status is the worst of them. Two
# OPM_HOMEs behind one sshd stand for two machines.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/remote-lib.sh"
setup
sshd_start
cd "$TEST_TMP"
home2=$OPM_HOME/second
mkdir -m 700 "$home2"
a=$(remote_url)
b=$(remote_url "$home2")
cat >hosts <<EOF2
# two machines
web = $a $b
all = web   # a group of groups
EOF2
export OPM_HOSTS=$TEST_TMP/hosts

assert_exit 0 "$OPM" --host web start --name w -- "$TESTAPP" tag "$TAG" forever
assert_contains "$OUT" "${a#ssh://}: w: created"
assert_contains "$OUT" "${b#ssh://}: w: created"
assert_exit 0 "$OPM" --host all list --json
assert_eq 2 "$(grep -c '"name":.*"w"' <<<"$OUT")" "$OUT"
assert_eq 0 "$(grep -vc "^${a#ssh://}: \|^${b#ssh://}: " <<<"$OUT" || true)" \
    "every line is prefixed: $OUT"
# Each OPM_HOME has its own daemon and its own app.
assert_exit 0 env OPM_HOME="$home2" "$OPM" list --json
assert_eq w "$(jq -r '.[0].name' <<<"$OUT")"
assert_ne "$(app_field w pid)" "$(jq -r '.[0].pid' <<<"$OUT")"

# The worst exit status: with w on the first machine only, stop w
# succeeds there and fails on the second (1).
assert_exit 0 env OPM_HOME="$home2" "$OPM" delete w
assert_exit 1 "$OPM" --host "$a" --host "$b" stop w
assert_contains "$OUT" "${a#ssh://}: w: stopped"
assert_contains "$ERR" "${b#ssh://}: opm: unknown app 'w'"
# Unreachable beats failed: 3.
assert_exit 3 "$OPM" --host "$b" --host "ssh://$SSH_USER@127.0.0.1:1" stop w
assert_contains "$ERR" "$SSH_USER@127.0.0.1:1: opm: ssh failed"

assert_exit 2 "$OPM" --host nosuchgroup list
assert_contains "$ERR" "no group of that name in $TEST_TMP/hosts"
assert_exit 0 env OPM_HOME="$home2" "$OPM" daemon stop
