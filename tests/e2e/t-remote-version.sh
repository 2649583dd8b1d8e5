#!/usr/bin/env bash
# A remote daemon of another protocol version is one clear error (issue
# 18): the daemon here announces version 0 through the test-only knob
# OPM_TEST_PROTOCOL_VERSION (docs/PROTOCOL.md), and opm --host says which
# version each side speaks, exit 3, after the one ping that checks it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/remote-lib.sh"
setup
sshd_start
cd "$TEST_TMP"
url=$(remote_url)

OPM_TEST_PROTOCOL_VERSION=0 "$OPMD"
wait_for 10 test -S "$OPM_HOME/opmd.sock"
assert_exit 3 "$OPM" --host "$url" list
assert_eq "opm: ${url#ssh://}: daemon speaks protocol 0, this opm needs 1 (upgrade opm there, or use an opm of protocol 0 here)" "$ERR"
assert_eq "" "$OUT"
# Locally the daemon's own refusal, as before.
assert_exit 1 "$OPM" list
assert_contains "$ERR" "protocol version mismatch: the daemon speaks v0"

# The same daemon speaking our version answers.
kill "$(daemon_pid)"
wait_for 10 not test -S "$OPM_HOME/opmd.sock"
"$OPMD"
wait_for 10 test -S "$OPM_HOME/opmd.sock"
assert_exit 0 "$OPM" --host "$url" version
assert_contains "$OUT" "opmd "
