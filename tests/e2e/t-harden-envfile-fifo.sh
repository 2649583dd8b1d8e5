#!/usr/bin/env bash
# An env file that is not a regular file (a FIFO, a character device) is
# refused with an error naming it; reading it must never block the daemon's
# loop (a FIFO nobody writes to used to hang the daemon, even `opm ping`).
# The same goes for `opm env` and for a restart after the file was replaced.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

fifo=$TEST_TMP/env.fifo
mkfifo "$fifo"
assert_exit 1 timeout 10 "$OPM" start --name f --env-file "$fifo" \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "$fifo" "the error names the env file"
assert_contains "$ERR" "not a regular file"
assert_exit 0 timeout 5 "$OPM" ping

assert_exit 1 timeout 10 "$OPM" start --name z --env-file /dev/zero \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "/dev/zero: not a regular file"

# A regular file first, then replaced by a FIFO: env and restart refuse it.
envf=$TEST_TMP/app.env
echo "A=1" >"$envf"
assert_exit 0 "$OPM" start --name r --env-file "$envf" "$TESTAPP" tag "$TAG" \
    forever
wait_status r online
rm "$envf"
mkfifo "$envf"
assert_exit 1 timeout 10 "$OPM" env r
assert_contains "$ERR" "$envf: not a regular file"
assert_exit 1 timeout 10 "$OPM" restart r
assert_contains "$ERR" "$envf: not a regular file"
assert_exit 0 timeout 5 "$OPM" ping
echo "ok: FIFO and device env files refused, the daemon stays responsive"
