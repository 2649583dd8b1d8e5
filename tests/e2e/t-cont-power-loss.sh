#!/usr/bin/env bash
# Boot after a power loss, the way the unit of `opm startup` does it.
#
# `opm startup --print` passes `systemd-analyze verify`. Then: apps saved,
# and everything dies at once (apps, keeper, daemon: SIGKILL), leaving the
# runtime state behind from "another boot" (its boot_id rewritten). One
# stale state file is made as dangerous as possible: its pid, pgid and
# start time are those of a live unrelated process, so only the boot id
# tells it is stale. The unit's command, `opm daemon run --restore`, is run
# with OPM_RUNTIME_DIR as the unit sets it and NOTIFY_SOCKET pointing at a
# datagram socket we read: it must exec opmd (the main pid of the service
# is the one that notifies, NotifyAccess=main), send READY=1 once every
# saved-running app is up exactly once (saved-stopped ones stay stopped,
# the stranger is left alone), and on SIGTERM send STOPPING=1, stop every
# app and exit 0, leaving no process behind (keeper included).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

# The unit as `opm startup` would install it.
unit_dir=$TEST_TMP/unit
mkdir "$unit_dir"
assert_exit 0 "$OPM" startup --print
printf '%s\n' "$OUT" >"$unit_dir/opm.service"
unit=$OUT
assert_contains "$unit" "Type=notify"
assert_contains "$unit" "KillMode=process"
assert_contains "$unit" "ExecStart=\"$OPM\" daemon run --restore"
assert_contains "$unit" "Environment=\"OPM_HOME=$OPM_HOME\""
assert_contains "$unit" "Environment=OPM_RUNTIME_DIR=%t/opm"
assert_exit 0 systemd-analyze verify "$unit_dir/opm.service"
[[ -z $ERR ]] || fail "systemd-analyze verify complained: $ERR"

# The service's runtime directory (%t/opm), for every daemon of this test.
export OPM_RUNTIME_DIR=$TEST_TMP/run/opm
rt=$OPM_RUNTIME_DIR

assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" tag web tick 10
assert_exit 0 "$OPM" start --name worker "$TESTAPP" tag "$TAG" tag worker \
    forever
assert_exit 0 "$OPM" start --name parked --no-autostart \
    "$TESTAPP" tag "$TAG" tag parked forever
assert_exit 0 "$OPM" start --name halted "$TESTAPP" tag "$TAG" tag halted \
    forever
wait_status web online
wait_status worker online
wait_status halted online
assert_exit 0 "$OPM" stop halted
assert_exit 0 "$OPM" save
[[ -f $rt/state/$(app_field web id).json ]] ||
    fail "no runtime state in $rt/state: $(ls -la "$rt" "$rt/state" 2>&1)"

# Power loss: everything dies at once.
declare -A pid
for a in web worker; do
	pid[$a]=$(app_field "$a" pid)
done
kill_daemon
kill_keeper
kill -KILL "${pid[web]}" "${pid[worker]}"
for a in web worker; do
	wait_for 5 pid_dead "${pid[$a]}"
done
assert_eq 0 "$(count_procs "* tag $TAG *")" "app processes after the crash"

# A live process that has nothing to do with opm, group leader.
setsid "$TESTAPP" tag stranger forever >/dev/null 2>&1 </dev/null &
stranger=$!
disown "$stranger"
track_pid "$stranger"
stranger_ready()
{
	local comm

	read -r comm <"/proc/$stranger/comm" && [[ $comm == opm-testapp ]]
}
wait_for 5 stranger_ready
stranger_start=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$stranger/stat")
[[ $stranger_start =~ ^[0-9]+$ ]] || fail "start time of the stranger: [$stranger_start]"

# The state left behind comes from another boot. The worker's file now
# names the stranger exactly (pid, group, start time).
stale=00000000-0000-4000-8000-000000000000
assert_ne "$stale" "$(</proc/sys/kernel/random/boot_id)" "boot id"
n=0
for f in "$rt"/state/*.json; do
	[[ -e $f ]] || continue
	jq -c --arg b "$stale" '.boot_id = $b' "$f" >"$f.edit"
	cat "$f.edit" >"$f"
	rm -f "$f.edit"
	n=$((n + 1))
done
(( n >= 3 )) || fail "expected a state file per app, found $n"
wf=$rt/state/$(jq -r '.apps[] | select(.name == "worker") | .id' \
    "$OPM_HOME/dump.json").json
[[ -f $wf ]] || fail "no state file $wf for worker"
jq -c --argjson p "$stranger" --argjson s "$stranger_start" \
    '.pid = $p | .pgid = $p | .starttime = $s' "$wf" >"$TEST_TMP/wf"
cat "$TEST_TMP/wf" >"$wf"

# systemd's side of sd_notify: one line per datagram, "SENDERPID MESSAGE".
cat >"$TEST_TMP/notify.py" <<'PY'
import os, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
s.settimeout(60)
with open(out, "a", buffering=1) as f:
    while True:
        try:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        pid = -1
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        for line in msg.decode(errors="replace").splitlines():
            f.write("%d %s\n" % (pid, line))
PY
sock=$TEST_TMP/notify.sock
notes=$TEST_TMP/notify.out
: >"$notes"
"$PYTHON" "$TEST_TMP/notify.py" "$sock" "$notes" &
notifier=$!
wait_for 5 test -S "$sock"

# ExecStart, as systemd runs it.
NOTIFY_SOCKET=$sock "$OPM" daemon run --restore \
    >"$TEST_TMP/run.out" 2>&1 </dev/null &
main=$!
has_note()
{
	grep -q " $1\$" "$notes"
}
wait_for 10 has_note READY=1
echo "notifications: $(tr '\n' ';' <"$notes")"
assert_eq 1 "$(grep -c ' READY=1$' "$notes")" "READY=1 datagrams"
assert_eq "$main READY=1" "$(grep ' READY=1$' "$notes")" \
    "READY=1 sent by the service's main pid"
pid_alive "$main" || fail "opm daemon run exited: $(<"$TEST_TMP/run.out")"
assert_eq "$main" "$(opmd_pidfile)" "daemon pid = the pid systemd started"

# At READY=1 the saved-running apps are already there, once each.
assert_exit 0 "$OPM" list --json
assert_eq '["halted","parked","web","worker"]' \
    "$(jq -c '[.[].name] | sort' <<<"$OUT")" "apps at READY=1"
for a in web worker; do
	st=$(jq -r --arg n "$a" '.[] | select(.name == $n) | .status' <<<"$OUT")
	[[ $st == launching || $st == online ]] ||
	    fail "$a is $st at READY=1"
	p=$(jq -r --arg n "$a" '.[] | select(.name == $n) | .pid' <<<"$OUT")
	assert_ne "$stranger" "$p" "pid of $a (the stranger's)"
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
done
for a in web worker; do
	wait_status "$a" online
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
	assert_eq 0 "$(app_field "$a" restarts)" "restarts of $a"
done
for a in parked halted; do
	assert_eq stopped "$(app_field "$a" status)" "saved-stopped $a"
	assert_eq 0 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
done
pid_alive "$stranger" || fail "the stranger (pid $stranger) was killed"
# Nothing from the old boot is left in the runtime state.
if grep -l "$stale" "$rt"/state/*.json 2>/dev/null; then
	fail "state files of the other boot survived"
fi
assert_eq 1 "$(count_procs 'opmd --keeper')" "keepers"

# The new keeper works: output flows, and a crash is survived.
web_log=$(app_field web out_log)
wait_for 5 seq_above "$web_log" 0

# systemctl stop: SIGTERM to the main pid.
kill -TERM "$main"
wait_for 10 has_note STOPPING=1
wait_for 15 pid_dead "$main"
rc=0
wait "$main" || rc=$?
assert_eq 0 "$rc" "exit status of opm daemon run: $(<"$TEST_TMP/run.out")"
assert_eq 0 "$(count_procs "* tag $TAG tag *")" "app processes after stop"
wait_for 5 test "$(count_procs 'opmd --keeper')" = 0
assert_eq 0 "$(count_procs opmd)" "daemons after stop"
pid_alive "$stranger" || fail "the stranger (pid $stranger) was killed"

# A real reboot also empties %t: start the service again, lose power
# again, and boot with no runtime directory at all.
: >"$notes"
NOTIFY_SOCKET=$sock "$OPM" daemon run --restore \
    >"$TEST_TMP/run2.out" 2>&1 </dev/null &
main=$!
disown "$main"	# to be SIGKILLed: no "Killed" notice
wait_for 10 has_note READY=1
wait_status web online
wait_status worker online
for a in web worker; do
	pid[$a]=$(app_field "$a" pid)
done
kill -KILL "$main"
wait_for 5 pid_dead "$main"
kill_keeper
kill -KILL "${pid[web]}" "${pid[worker]}"
for a in web worker; do
	wait_for 5 pid_dead "${pid[$a]}"
done
rm -rf -- "$rt"
: >"$notes"
NOTIFY_SOCKET=$sock "$OPM" daemon run --restore \
    >"$TEST_TMP/run3.out" 2>&1 </dev/null &
main=$!
wait_for 10 has_note READY=1
assert_eq "$main READY=1" "$(grep ' READY=1$' "$notes")" \
    "READY=1 after a boot with an empty runtime directory"
for a in web worker; do
	wait_status "$a" online
	assert_eq 1 "$(count_procs "* tag $TAG tag $a *")" "processes of $a"
	assert_eq 0 "$(app_field "$a" restarts)" "restarts of $a"
done
for a in parked halted; do
	assert_eq stopped "$(app_field "$a" status)" "saved-stopped $a"
done
[[ -d $rt/state ]] || fail "runtime directory $rt not recreated"
kill -TERM "$main"
wait_for 10 has_note STOPPING=1
wait_for 15 pid_dead "$main"
rc=0
wait "$main" || rc=$?
assert_eq 0 "$rc" "exit status of opm daemon run: $(<"$TEST_TMP/run3.out")"
assert_eq 0 "$(count_procs "* tag $TAG tag *")" "app processes after stop"
wait_for 5 test "$(count_procs 'opmd --keeper')" = 0

pid_alive "$stranger" || fail "the stranger (pid $stranger) was killed"
kill -KILL "$stranger"
kill "$notifier" 2>/dev/null || true
