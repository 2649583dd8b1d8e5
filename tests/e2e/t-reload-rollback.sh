#!/usr/bin/env bash
# A rolling reload whose new version never becomes ready is rolled back
# (issue 14 item 4): with four instances on one socket and ready: notify,
# the new process of the first instance hangs (fdserver.py --hang-if:
# neither serves nor says READY=1). After listen_timeout it is stopped,
# the old process keeps serving (same pid), the other three instances are
# left alone, and `opm reload` exits 1 naming the reason. A client loop
# across it sees no failed request. Then the fix is deployed (the file
# removed) and a reload goes through. A delete during a reload ends the
# new process too, and an `opm restart` of an app being reloaded is
# refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
# shellcheck source=tests/e2e/reload-lib.sh
. "$(dirname "$0")/reload-lib.sh"
setup

broken=$TEST_TMP/broken
assert_exit 0 "$OPM" start --name web -i 4 --listen tcp://127.0.0.1:0 \
    --ready notify --listen-timeout 2s --kill-timeout 2s \
    "$PY" -- "$FDSERVER" --hang-if "$broken" tag "$TAG"
for k in 0 1 2 3; do
	wait_inst web "$k" online
done
addr=$(bound web:0)
before=$(pids_of web)

touch "$broken"
loop_start "$addr" 100
assert_exit 1 "$OPM" reload web
loop_stop
assert_contains "$ERR" "web:0: not reloaded: not ready within listen_timeout; the reload is abandoned; pid $(inst_field web 0 pid) keeps serving"
assert_contains "$OUT" "web:0: failed"
for k in 1 2 3; do
	assert_contains "$OUT" "web:$k: skipped"
done
assert_eq "$before" "$(pids_of web)" "every old process serves on"
for k in 0 1 2 3; do
	assert_eq 0 "$(inst_field web "$k" restarts)" "restarts of web:$k"
	assert_eq online "$(inst_field web "$k" status)" "web:$k"
done
# The hung process is gone; nothing else of the app runs.
_four() { (( $(count_procs "*fdserver.py*$TAG*") == 4 )); }
wait_for 10 _four
assert_contains "$(cat "$OPM_HOME/opmd.log")" "web:0 (new): stopping -> errored (not ready within listen_timeout; the reload is abandoned)"

# The fix: the reload goes through.
rm "$broken"
assert_exit 0 "$OPM" reload web
after=$(pids_of web)
for k in 0 1 2 3; do
	assert_eq 1 "$(inst_field web "$k" restarts)" "restarts of web:$k"
done
[[ $(tr , '\n' <<<"$before$'\n'$after" | sort | uniq -d) == "" ]] ||
	fail "a pid survived the reload: $before -> $after"

# Restart during a reload is refused; delete ends the new process too.
touch "$broken"
"$OPM" reload web:2 >"$TEST_TMP/reload.out" 2>&1 &
rpid=$!
track_pid "$rpid"
wait_for 10 grep -q "hanging: $broken exists" "$(inst_field web 2 out_log)"
assert_exit 1 "$OPM" restart web:2
assert_contains "$ERR" "web:2 is being reloaded"
assert_exit 0 "$OPM" delete web
rc=0
wait "$rpid" || rc=$?
assert_eq 1 "$rc" "exit of the reload cut by delete"
assert_contains "$(cat "$TEST_TMP/reload.out")" "the new process was stopped"
assert_eq 0 "$(count_procs "*fdserver.py*$TAG*")" "processes after delete"
refused "$addr" || fail "$addr still accepts after the delete"
echo "ok: a new version never ready is rolled back, the old one serves"
