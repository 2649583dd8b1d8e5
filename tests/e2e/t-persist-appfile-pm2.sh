#!/usr/bin/env bash
# A PM2 ecosystem file ({"apps": [...]}) with PM2's keys: script, args
# (string or array), cwd (relative to the file), env, autorestart,
# max_restarts, min_uptime, restart_delay, kill_timeout, stop_exit_codes,
# exp_backoff_restart_delay. The configuration lands where it should
# (opm info --json .config); autorestart false is restart "never" and an
# app that exits is not restarted; no cwd means the file's directory.
# Started again, the file duplicates nothing. The plain-array shape works.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dir=$TEST_TMP/proj
mkdir -p "$dir/sub"
cat >"$dir/ecosystem.config.json" <<EOF
{
  "apps": [
    {
      "name": "p1",
      "script": "$TESTAPP",
      "args": "tag $TAG tag p1 cwd env GREETING env N forever",
      "cwd": "sub",
      "env": {"GREETING": "hello", "N": 5},
      "autorestart": true,
      "max_restarts": 3,
      "min_uptime": "2s",
      "restart_delay": 250,
      "kill_timeout": "3s",
      "stop_exit_codes": [0, 3]
    },
    {
      "name": "p2",
      "script": "$TESTAPP",
      "args": ["tag", "$TAG", "tag", "p2", "cwd", "exit", "3"],
      "autorestart": false,
      "exp_backoff_restart_delay": 100
    }
  ]
}
EOF

# Started from elsewhere: relative paths are the file's, not the shell's.
cd /
assert_exit 0 "$OPM" start "$dir/ecosystem.config.json"
assert_contains "$OUT" "p1"
assert_contains "$OUT" "p2"

assert_exit 0 "$OPM" info p1 --json
info=$OUT
cfg()
{
	jq -c ".config.$1" <<<"$info"
}
assert_eq '"always"' "$(cfg restart)" "p1 restart"
assert_eq 3 "$(cfg max_restarts)" "p1 max_restarts"
assert_eq 2000 "$(cfg min_uptime)" "p1 min_uptime"
assert_eq 250 "$(cfg restart_delay)" "p1 restart_delay"
assert_eq 3000 "$(cfg kill_timeout)" "p1 kill_timeout"
assert_eq '[0,3]' "$(cfg stop_exit_codes)" "p1 stop_exit_codes"
assert_eq '"hello"' "$(cfg env.GREETING)" "p1 env.GREETING"
assert_eq '"5"' "$(cfg env.N)" "p1 env.N"
assert_eq "\"$dir/sub\"" "$(cfg cwd)" "p1 cwd, relative to the file"
assert_eq "[\"$TESTAPP\",\"tag\",\"$TAG\",\"tag\",\"p1\",\"cwd\",\"env\",\"GREETING\",\"env\",\"N\",\"forever\"]" \
    "$(jq -c .argv <<<"$info")" "p1 argv from script + args string"

# What the process saw.
wait_status p1 online 5
out1=$(app_field p1 out_log)
wait_for 5 grep -qx 5 "$out1"
assert_eq "$dir/sub"$'\n'hello$'\n'5 "$(<"$out1")" "p1 output (cwd, env)"

# autorestart false: restart never, and the exit is final.
assert_exit 0 "$OPM" info p2 --json
assert_eq '"never"' "$(jq -c .config.restart <<<"$OUT")" "p2 restart"
assert_eq 100 "$(jq -c .config.restart_delay <<<"$OUT")" \
    "p2 restart_delay from exp_backoff_restart_delay"
assert_eq "\"$dir\"" "$(jq -c .config.cwd <<<"$OUT")" \
    "p2 cwd: the file's directory"
wait_status p2 stopped 5
assert_eq 3 "$(app_field p2 exit_code)" "p2 exit code"
assert_eq 0 "$(app_field p2 restarts)" "p2 restarts"
assert_eq null "$(app_field p2 pid)" "p2 pid"
out2=$(app_field p2 out_log)
assert_eq "$dir" "$(<"$out2")" "p2 ran once, in the file's directory"

# Again: nothing is duplicated, p1 keeps running untouched.
pid1=$(app_field p1 pid)
assert_exit 0 "$OPM" start "$dir/ecosystem.config.json"
assert_exit 0 "$OPM" list --json
assert_eq '["p1","p2"]' "$(jq -c 'map(.name) | sort' <<<"$OUT")" \
    "apps after starting the file twice"
assert_eq "$pid1" "$(app_field p1 pid)" "pid of p1"
assert_eq 1 "$(count_procs "* tag $TAG tag p1 *")" "processes of p1"

# The array shape, with cmd instead of script.
cat >"$dir/list.json" <<EOF
[
  {"name": "q1", "cmd": "$TESTAPP", "args": ["tag", "$TAG", "tag", "q1", "forever"],
   "autorestart": false}
]
EOF
assert_exit 0 "$OPM" start "$dir/list.json"
wait_status q1 online 5
assert_exit 0 "$OPM" info q1 --json
assert_eq '"never"' "$(jq -c .config.restart <<<"$OUT")" "q1 restart"
# Killed from outside, a "never" app is not restarted.
pidq=$(app_field q1 pid)
kill -KILL "$pidq"
wait_status q1 stopped 5
assert_eq 0 "$(app_field q1 restarts)" "q1 restarts"
assert_eq 0 "$(count_procs "* tag $TAG tag q1 *")" "processes of q1"
