#!/usr/bin/env bash
# An app runs as another user (issue 16 item 1): with --user nobody it has
# nobody's uid, primary group and supplementary groups (/proc/PID/status),
# HOME, USER, LOGNAME and SHELL from the password database (an env key still
# wins over them), and it cannot write its own log files, which the daemon
# created before the switch (root's, 0600). uid/gid, PM2's keys, work in an
# app file; an unknown user or group is an error naming it, and nothing is
# created.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP (needs root: only a root daemon runs apps as another user)"
	exit 0
fi
getent passwd nobody >/dev/null || { echo "SKIP (no user nobody)"; exit 0; }
setup

# The distribution's python: nobody cannot reach a pyenv shim under /root.
PY=/usr/bin/python3
[[ -x $PY ]] || fail "$PY needed: nobody must be able to run python"
chmod 711 "$TEST_TMP"
mkdir -m 755 "$TEST_TMP/pub"
cat >"$TEST_TMP/pub/id.py" <<'PY'
import os, sys, time
e = os.environ
print("ids", os.getuid(), os.getgid(), flush=True)
print("env", e.get("HOME"), e.get("USER"), e.get("LOGNAME"), e.get("SHELL"),
      flush=True)
for p in sys.argv[1:]:
    try:
        with open(p, "a") as f:
            f.write("rewritten history\n")
        print("WROTE", p, flush=True)
    except OSError as x:
        print("refused", p, x.strerror, flush=True)
time.sleep(3600)
PY
chmod 644 "$TEST_TMP/pub/id.py"

out=$OPM_HOME/logs/who-out.log
err=$OPM_HOME/logs/who-err.log
assert_exit 0 "$OPM" start --name who --user nobody --cwd "$TEST_TMP/pub" \
    "$PY" -- "$TEST_TMP/pub/id.py" "$out" "$err" tag "$TAG"
wait_status who online
wait_for 10 grep -q "^refused $err" "$out"
cat "$out"
pid=$(app_field who pid)

uid=$(id -u nobody)
gid=$(id -g nobody)
assert_eq "$uid	$uid	$uid	$uid" "$(awk '$1 == "Uid:" {print $2"\t"$3"\t"$4"\t"$5}' \
    "/proc/$pid/status")" "Uid of the app"
assert_eq "$gid	$gid	$gid	$gid" "$(awk '$1 == "Gid:" {print $2"\t"$3"\t"$4"\t"$5}' \
    "/proc/$pid/status")" "Gid of the app"
want_groups=$(id -G nobody | tr ' ' '\n' | sort -n | paste -sd' ')
got_groups=$(awk '$1 == "Groups:" {$1 = ""; print}' "/proc/$pid/status" |
    tr ' ' '\n' | sed '/^$/d' | sort -n | paste -sd' ')
assert_eq "$want_groups" "$got_groups" "supplementary groups of the app"

IFS=: read -r _ _ _ _ _ home shell < <(getent passwd nobody)
assert_contains "$(<"$out")" "ids $uid $gid"
assert_contains "$(<"$out")" "env $home nobody nobody $shell" \
    "HOME, USER, LOGNAME, SHELL from the password database"
# Its own log files: refused, and untouched.
assert_contains "$(<"$out")" "refused $out Permission denied"
assert_contains "$(<"$out")" "refused $err Permission denied"
assert_not_contains "$(cat "$out" "$err")" "rewritten history"
assert_not_contains "$(<"$out")" "WROTE"
assert_file_mode 600 "$out"
assert_file_mode 600 "$err"
assert_eq root "$(stat -c %U "$out")" "owner of the log file"

# An env key wins over the password database, as Environment= over User=.
assert_exit 0 "$OPM" start --name own-home --user nobody --cwd "$TEST_TMP/pub" \
    --env HOME=/srv/elsewhere "$PY" -- "$TEST_TMP/pub/id.py" tag "$TAG"
wait_status own-home online
wait_for 10 grep -q "^env " "$OPM_HOME/logs/own-home-out.log"
assert_contains "$(<"$OPM_HOME/logs/own-home-out.log")" \
    "env /srv/elsewhere nobody nobody $shell" "env HOME over the user's"

# PM2's keys in an app file: uid and gid, by name and by number.
ggid=$(getent group daemon | cut -d: -f3)
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "pm2ids", "script": "$PY",
  "args": ["$TEST_TMP/pub/id.py", "tag", "$TAG"],
  "cwd": "$TEST_TMP/pub", "uid": "nobody", "gid": $ggid}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status pm2ids online
wait_for 10 grep -q "^ids " "$OPM_HOME/logs/pm2ids-out.log"
assert_contains "$(<"$OPM_HOME/logs/pm2ids-out.log")" "ids $uid $ggid" \
    "uid nobody with gid $ggid (daemon)"
assert_eq "nobody" "$("$OPM" info --json pm2ids | jq -r .config.user)"

# Unknown user or group: one line naming it, exit 1, no app.
assert_exit 1 "$OPM" start --name ghost --user opm-no-such-user /bin/true
assert_eq "opm: user: no such user 'opm-no-such-user'" "$ERR"
assert_exit 1 "$OPM" start --name ghost --user nobody \
    --group opm-no-such-group /bin/true
assert_eq "opm: group: no such group 'opm-no-such-group'" "$ERR"
assert_exit 1 "$OPM" start --name ghost --user 'bad user' /bin/true
assert_contains "$ERR" "user: must be a name"
assert_exit 1 "$OPM" info ghost
echo "ok: nobody's uid, groups and HOME; its log files are out of its reach"
