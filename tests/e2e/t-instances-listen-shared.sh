#!/usr/bin/env bash
# Instances share the sockets of listen (issue 14 item 4): every instance
# gets the same socket as fd 3 (LISTEN_FDS=1), from the command line or an
# app file; the kernel spreads connections over them. A scale down closes
# the removed instance's duplicate only: the port and a unix path stay for
# the others; a scale up hands the new instance the same socket; the
# delete of the app closes the port and removes the path. (Until the
# rolling reload this was refused: the test of that refusal became this.)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/listen-lib.sh
. "$(dirname "$0")/listen-lib.sh"
# shellcheck source=tests/e2e/reload-lib.sh
. "$(dirname "$0")/reload-lib.sh"
setup

cd "$TEST_TMP"
sock=$TEST_TMP/w.sock
assert_exit 0 "$OPM" start --instances 3 --listen tcp://127.0.0.1:0 \
    --listen "unix:$sock" --name web "$PY" "$FDSERVER" tag "$TAG"
for k in 0 1 2; do
	wait_inst web "$k" online
done
addr=$(bound web:0)
for k in 1 2; do
	assert_eq "$addr" "$(bound "web:$k")" "web:$k's port"
	pid=$(inst_field web "$k" pid)
	wait_for 10 grep -q "LISTEN_FDS=2 LISTEN_FDNAMES=web:web pid $pid" \
	    "$(inst_field web "$k" out_log)"
done
# Every instance answers on the one port and the one path.
all_answer()
{
	"$PY" "$HTTPLOOP" "$1" --count 90 >"$TEST_TMP/all.out" 2>&1 ||
		return 1
	local seen
	seen=$(tail -n 1 "$TEST_TMP/all.out")
	seen=",${seen##* },"
	for p in $(pids_of web | tr , ' '); do
		[[ $seen == *",$p,"* ]] || return 1
	done
}
wait_for 30 all_answer "$addr"
wait_for 30 all_answer "unix:$sock"

# Scale down: the port and the path stay for the two left.
assert_exit 0 "$OPM" scale web 2
[[ -S $sock ]] || fail "scale down removed $sock"
wait_for 30 all_answer "$addr"
wait_for 30 all_answer "unix:$sock"
# Scale up: the new instance gets the same socket.
assert_exit 0 "$OPM" scale web 3
wait_inst web 2 online
assert_eq "$addr" "$(bound web:2)" "web:2 after scale up"
wait_for 30 all_answer "$addr"

cat >apps.json <<JSON
{"apps": [{"name": "w2", "script": "$PY", "args": ["$FDSERVER", "tag", "$TAG"],
  "instances": 2, "listen": ["tcp://127.0.0.1:0"]}]}
JSON
assert_exit 0 "$OPM" start apps.json
wait_inst w2 0 online
wait_inst w2 1 online
assert_eq "$(bound w2:0)" "$(bound w2:1)" "w2's instances share the port"

assert_exit 0 "$OPM" delete web
refused "$addr" || fail "$addr still accepts after delete"
[[ ! -e $sock ]] || fail "$sock left after delete"
echo "ok: instances share the sockets of listen"
