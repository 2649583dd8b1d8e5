#!/usr/bin/env bash
# Symlinks planted inside OPM_HOME are never followed (issue 12 item 2):
# at opmd.pid, opmd.log, start.lock, an app's log file and the dump's
# temporary file. The target of each is left untouched (not truncated, not
# appended to, not created when missing); opm refuses with an error naming
# the file, and a stale temporary of the dump is removed, not written.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

precious=$TEST_TMP/precious
echo "precious content" >"$precious"
want=$(<"$precious")
missing=$TEST_TMP/missing

untouched()	# LABEL
{
	assert_eq "$want" "$(<"$precious")" "$1: the link's target changed"
	[[ ! -e $missing ]] || fail "$1: a missing target was created"
}

# opmd.pid: the daemon does not start; its error names the file.
for target in "$precious" "$missing"; do
	ln -s "$target" "$OPM_HOME/opmd.pid"
	assert_exit 3 "$OPM" ping
	assert_contains "$ERR" "opmd.pid" "opmd.pid link: error"
	echo "opmd.pid -> $target: $ERR"
	untouched "opmd.pid -> $target"
	rm "$OPM_HOME/opmd.pid"
done

# opmd.log: same (the failed starts above created a real one).
rm -f "$OPM_HOME/opmd.log"
for target in "$precious" "$missing"; do
	ln -s "$target" "$OPM_HOME/opmd.log"
	assert_exit 3 "$OPM" ping
	assert_contains "$ERR" "opmd.log" "opmd.log link: error"
	echo "opmd.log -> $target: $ERR"
	untouched "opmd.log -> $target"
	rm "$OPM_HOME/opmd.log"
done

# start.lock (taken by the CLI before it starts a daemon).
rm -f "$OPM_HOME/start.lock"
ln -s "$missing" "$OPM_HOME/start.lock"
assert_exit 3 "$OPM" ping
assert_contains "$ERR" "start.lock" "start.lock link: error"
echo "start.lock -> missing: $ERR"
untouched "start.lock"
rm "$OPM_HOME/start.lock"

assert_exit 0 "$OPM" ping

# An app's log file: the app is not created, and flush truncates nothing.
ln -s "$precious" "$OPM_HOME/logs/web-out.log"
RC=0
"$OPM" start --name web "$TESTAPP" tag "$TAG" print hello forever \
    >"$TEST_TMP/start.out" 2>&1 || RC=$?
echo "start with a linked log: exit $RC: $(<"$TEST_TMP/start.out")"
assert_eq 1 "$RC" "opm start with a linked log file"
"$OPM" flush >/dev/null 2>&1 || true
untouched "logs/web-out.log"
assert_exit 0 "$OPM" list --json
assert_eq "[]" "$(jq -c 'map(.name)' <<<"$OUT")" "apps after the refused start"
rm "$OPM_HOME/logs/web-out.log"
assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" print hello forever
wait_status web online

# The dump's temporary file, by the old guessable name (pid of the daemon).
dpid=$(daemon_pid)
ln -s "$precious" "$OPM_HOME/dump.json.tmp.$dpid"
ln -s "$missing" "$OPM_HOME/dump.json.tmp.x"
assert_exit 0 "$OPM" save
untouched "dump.json.tmp.$dpid"
[[ -f $OPM_HOME/dump.json && ! -L $OPM_HOME/dump.json ]] ||
    fail "dump.json is not a regular file: $(ls -l "$OPM_HOME")"
assert_eq '["web"]' "$(jq -c '.apps | map(.name)' "$OPM_HOME/dump.json")" \
    "apps in the dump"
[[ ! -L $OPM_HOME/dump.json.tmp.$dpid ]] ||
    fail "the planted temporary is still there"
assert_eq 0 "$(find "$OPM_HOME" -maxdepth 1 -name 'dump.json.tmp*' | wc -l)" \
    "temporaries left"
