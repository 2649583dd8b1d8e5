#!/usr/bin/env bash
# Peer credentials: another uid cannot make the daemon do anything, even
# when OPM_HOME and the socket are opened to everyone by hand (chmod 777,
# chmod 666). Root may talk to a daemon of another user.
# shellcheck disable=SC2016 # single quotes are JSON
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP (needs root: setpriv to other uids)"
	exit 0
fi
setup

SOCK=$OPM_HOME/opmd.sock
# The distribution's python, which other users can run (a pyenv shim under
# /root would not be reachable by them).
PY=/usr/bin/python3
[[ -x $PY ]] || fail "$PY needed: other uids must be able to run python"
# A copy of the raw client every uid can read.
chmod 711 "$TEST_TMP"
mkdir -m 755 "$TEST_TMP/pub"
cp "$REPO_DIR/tests/helpers/rawclient.py" "$TEST_TMP/pub/rawclient.py"
chmod 644 "$TEST_TMP/pub/rawclient.py"
RAW=$TEST_TMP/pub/rawclient.py

as_uid()	# UID GID CMD...
{
	local uid=$1 gid=$2

	shift 2
	setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"
}

# Sends the printf %b DATA as UID:GID; OUT gets rawclient's report.
raw_as()	# UID GID DATA
{
	printf '%b' "$3" >"$TEST_TMP/pub/req"
	chmod 644 "$TEST_TMP/pub/req"
	assert_exit 0 as_uid "$1" "$2" "$PY" "$RAW" send "$SOCK" --timeout 3 \
	    <"$TEST_TMP/pub/req"
}

# The last raw_as was let in by the file modes, and refused by the daemon:
# an error reply or a closed connection, never an ok reply.
refused()
{
	local label=$1

	assert_contains "$OUT" CONNECTED \
	    "$label: test premise: the opened-up modes let the client connect"
	assert_not_contains "$OUT" '"ok":true' "$label: the daemon obeyed another uid"
	case $(tail -n 1 <<<"$OUT") in
	"END EOF"|"END RESET") ;;
	*) fail "$label: connection left open for another uid: [$OUT]" ;;
	esac
	echo "refused: $label: $(paste -sd' ' <<<"$OUT")"
}

main_daemons()
{
	local all keepers

	all=$(count_daemons)
	keepers=$(count_procs '*opmd --keeper')
	echo $((all - keepers))
}

# --- A root daemon, opened up by hand, and nobody. ------------------------
assert_exit 0 "$OPM" start --name victim "$TESTAPP" tag "$TAG" forever
wait_status victim online
DPID=$(daemon_pid)
victim=$(app_field victim pid)
chmod 777 "$OPM_HOME"
chmod 666 "$SOCK"
stat -c '%A %U %n' "$OPM_HOME" "$SOCK"

nobody=$(id -u nobody)
nogroup=$(getent group nogroup | cut -d: -f3) || nogroup=$nobody
app='{"name":"intruder","argv":["'"$TESTAPP"'","tag","'"$TAG"'","print","intruder","forever"],"cwd":"/"}'

raw_as "$nobody" "$nogroup" '{"v":1,"id":1,"cmd":"ping"}\n'
refused "ping"
raw_as "$nobody" "$nogroup" '{"v":1,"id":2,"cmd":"start","args":{"app":'"$app"'}}\n'
refused "start"
raw_as "$nobody" "$nogroup" '{"v":1,"id":3,"cmd":"stop","args":{"target":["victim"]}}\n'
refused "stop"
raw_as "$nobody" "$nogroup" '{"v":1,"id":4,"cmd":"signal","args":{"target":["victim"],"signal":"KILL"}}\n'
refused "signal KILL"
raw_as "$nobody" "$nogroup" '{"v":1,"id":5,"cmd":"delete","args":{"target":["all"]}}\n'
refused "delete all"
raw_as "$nobody" "$nogroup" '{"v":1,"id":6,"cmd":"save"}\n'
refused "save"
raw_as "$nobody" "$nogroup" '{"v":1,"id":7,"cmd":"kill"}\n'
refused "kill (daemon stop)"
raw_as "$nobody" "$nogroup" '{"v":1,"id":8,"cmd":"ping"}\n{"v":1,"id":9,"cmd":"kill"}\n{"v":1,"id":10,"cmd":"reexec"}\n'
refused "pipelined ping, kill, reexec"
# The CLI, as nobody: fails, changes nothing, starts no daemon of its own.
assert_exit 0 as_uid "$nobody" "$nogroup" env OPM_HOME="$OPM_HOME" \
    bash -c '"$@"; echo "rc=$?"' - "$OPM" stop victim
echo "opm stop victim as nobody: $OUT / $ERR"
assert_not_contains "$OUT" "rc=0" "opm stop as nobody succeeded"
assert_contains "$ERR" "opm: permission denied" "opm stop as nobody: error line"
assert_exit 0 as_uid "$nobody" "$nogroup" env OPM_HOME="$OPM_HOME" \
    bash -c '"$@"; echo "rc=$?"' - "$OPM" daemon stop
assert_not_contains "$OUT" "rc=0" "opm daemon stop as nobody succeeded"
# Some other uid, without a passwd entry.
raw_as 54321 54321 '{"v":1,"id":11,"cmd":"kill"}\n'
refused "kill as uid 54321"

# Nothing happened.
pid_alive "$DPID" || fail "the daemon died"
assert_eq "$DPID" "$(daemon_pid)" "daemon pid"
assert_eq 1 "$(main_daemons)" "opmd processes"
assert_exit 0 "$OPM" list --json
assert_eq '["victim"]' "$(jq -c 'map(.name)' <<<"$OUT")" "apps after the attempts"
assert_eq online "$(app_field victim status)" "victim status"
assert_eq "$victim" "$(app_field victim pid)" "victim pid"
assert_eq 0 "$(app_field victim restarts)" "victim restarts"
pid_alive "$victim" || fail "victim $victim died"
assert_eq 0 "$(count_procs '* print intruder forever')" "intruder processes"
[[ ! -e $OPM_HOME/dump.json ]] || fail "a dump was written for another uid"
assert_contains "$(<"$OPM_HOME/opmd.log")" "uid $nobody" \
    "the daemon logs the refused uid"

# Control: the very same start request from root works, so the refusals
# above were the uid check and not a malformed request.
assert_exit 0 "$PY" "$RAW" send "$SOCK" --lines 1 <<<'{"v":1,"id":2,"cmd":"start","args":{"app":'"$app"'}}'
assert_contains "$OUT" '"ok":true' "the start request, from root"
wait_status intruder online
assert_eq 1 "$(count_procs '* print intruder forever')" "intruder from root"
assert_exit 0 "$OPM" delete intruder
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$DPID"

# --- A daemon of another user (nobody): root may talk to it. --------------
chown -R "$nobody:$nogroup" "$OPM_HOME"
chmod 700 "$OPM_HOME"
# opmd by hand detaches and exits once ready (opmd(8)); the timeout turns
# a daemon that stays in the foreground into a failure, not a hang.
assert_exit 0 timeout 10 setpriv --reuid="$nobody" --regid="$nogroup" \
    --clear-groups env OPM_HOME="$OPM_HOME" "$OPMD"
ready()
{
	[[ -S $SOCK ]] && "$OPM" ping
}
wait_for 10 ready
NPID=$(daemon_pid)
track_pid "$NPID"
assert_eq "$nobody" "$(stat -c %u "/proc/$NPID")" "daemon uid"
# Root's CLI is let in (uid 0 is accepted besides the daemon's own).
assert_exit 0 "$OPM" ping
assert_exit 0 "$OPM" list --json
assert_eq "[]" "$(jq -c . <<<"$OUT")" "root lists nobody's daemon"
# nobody itself, of course.
assert_exit 0 as_uid "$nobody" "$nogroup" env OPM_HOME="$OPM_HOME" "$OPM" ping
# A third uid, with the modes opened up, is not.
chmod 777 "$OPM_HOME"
chmod 666 "$SOCK"
raw_as 54321 54321 '{"v":1,"id":1,"cmd":"kill"}\n'
refused "kill as uid 54321 to nobody's daemon"
assert_eq "$NPID" "$(daemon_pid)" "nobody's daemon pid"
pid_alive "$NPID" || fail "nobody's daemon died"
# The CLI of a refused uid says why, every time: the daemon was reached
# and refused (exit 1, "permission denied"), whether or not its refusal
# arrived before the CLI finished sending its request.
for i in 1 2 3 4 5 6 7 8 9 10; do
	assert_exit 0 as_uid 54321 54321 env OPM_HOME="$OPM_HOME" \
	    bash -c '"$@"; echo "rc=$?"' - "$OPM" list
	[[ $OUT == "rc=1" && $ERR == "opm: permission denied"* ]] ||
	    fail "opm list as uid 54321, try $i: want exit 1 and 'opm: permission denied...', got [$OUT] [$ERR]"
done
assert_eq "$NPID" "$(daemon_pid)" "nobody's daemon pid"
# Root stops it.
assert_exit 0 "$OPM" daemon stop
wait_for 10 pid_dead "$NPID"
