#!/usr/bin/env bash
# The descriptor keeper serves its own uid (and root) only: with its socket
# and the directories above it opened to everyone by hand, a process of
# another uid (nobody) that connects and asks for the held descriptors
# ("G", src/daemon/keeper.c) gets its connection closed with no reply and
# no descriptor (SCM_RIGHTS). Nothing changes for the real daemon: the
# keeper still runs, still holds the app's pipes, and after a daemon
# SIGKILL the app keeps its pid and its log goes on without a gap.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP (needs root: setpriv to other uids)"
	exit 0
fi
setup

# The distribution's python, which other users can run (a pyenv shim under
# /root would not be reachable by them), and a copy of the client they can
# read.
PY=/usr/bin/python3
[[ -x $PY ]] || fail "$PY needed: other uids must be able to run python"
chmod 711 "$TEST_TMP"
mkdir -m 755 "$TEST_TMP/pub"
cp "$REPO_DIR/tests/helpers/keeperclient.py" "$TEST_TMP/pub/keeperclient.py"
chmod 644 "$TEST_TMP/pub/keeperclient.py"
KC=$TEST_TMP/pub/keeperclient.py
nobody=$(id -u nobody)
nogroup=$(getent group nogroup | cut -d: -f3) || nogroup=$nobody

assert_exit 0 "$OPM" start --name ticker "$TESTAPP" tag "$TAG" tag ticker \
    tick 10
wait_status ticker online
p=$(app_field ticker pid)
tick_log=$(app_field ticker out_log)
wait_for 5 seq_above "$tick_log" 20
keeper=$(keeper_pids)
[[ $keeper =~ ^[0-9]+$ ]] || fail "expected one keeper, got [$keeper]"

held_pipes()
{
	local n=0 f

	for f in /proc/"$1"/fd/*; do
		[[ $(readlink "$f" 2>/dev/null) == pipe:* ]] && n=$((n + 1))
	done
	echo "$n"
}
held=$(held_pipes "$keeper")
(( held >= 2 )) || fail "keeper $keeper holds $held pipes, expected 2+"

# The keeper's socket is in the runtime directory (OPM_HOME here); open
# it, and every directory from OPM_HOME down to it, to everyone.
ksock=$(find "$OPM_HOME" -name keeper.sock -type s -print -quit)
[[ -n $ksock ]] || fail "no keeper.sock under $OPM_HOME"
d=$(dirname "$ksock")
while :; do
	chmod 711 "$d"
	[[ $d == "$OPM_HOME" ]] && break
	d=$(dirname "$d")
done
chmod 666 "$ksock"
stat -c '%A %U %n' "$OPM_HOME" "$ksock"

for try in 1 2 3; do
	assert_exit 0 setpriv --reuid="$nobody" --regid="$nogroup" \
	    --clear-groups "$PY" "$KC" "$ksock" --timeout 3
	echo "as nobody, try $try: $(paste -sd' ' <<<"$OUT")"
	assert_contains "$OUT" CONNECTED \
	    "test premise: the opened-up modes let nobody connect"
	assert_eq "FDS 0" "$(tail -n 1 <<<"$OUT")" \
	    "descriptors the keeper passed to nobody"
	assert_not_contains "$OUT" "MSG " "the keeper replied to nobody"
	case $(tail -n 2 <<<"$OUT" | head -n 1) in
	"END EOF"|"END RESET") ;;
	*) fail "the keeper left nobody's connection open: [$OUT]" ;;
	esac
done

# The keeper is the same process, holding the same pipes.
pid_alive "$keeper" || fail "the keeper $keeper died"
assert_eq "$keeper" "$(keeper_pids)" "keeper"
assert_eq "$held" "$(held_pipes "$keeper")" "pipes the keeper holds"

# And it still serves the daemon: the app survives the daemon's death
# with its pid, and its output goes on into the same log.
before=$(snapshot)
assert_eq "ticker $p 0 online" "$before" "ticker before the crash"
kill_daemon
at=$(last_seq "$tick_log")
assert_exit 0 "$OPM" list --json
assert_eq "$before" "$(snapshot)" "ticker after the daemon's SIGKILL"
pid_alive "$p" || fail "ticker $p died"
wait_for 10 seq_above "$tick_log" $((at + 50))
seq_check "$tick_log" >/dev/null
