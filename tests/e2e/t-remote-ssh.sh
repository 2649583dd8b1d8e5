#!/usr/bin/env bash
# opm --host ssh:// through a real sshd on 127.0.0.1 (issue 18): list,
# start, stop, logs and logs --follow behave as locally, with the same
# exit codes; the remote daemon is started on demand by dial-stdio; a
# command with no meaning remotely is one clear error, and so is
# restart --update-env (this shell's environment is not sent).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/remote-lib.sh"
setup
sshd_start
cd "$TEST_TMP"
url=$(remote_url)
R=("$OPM" --host "$url")

# No daemon yet: list starts it over there, as locally.
assert_exit 0 "${R[@]}" list
assert_contains "$OUT" "no apps"
wait_for 10 test -S "$OPM_HOME/opmd.sock"

assert_exit 0 "${R[@]}" start --name echo -- "$TESTAPP" tag "$TAG" lines 3 forever
assert_contains "$OUT" "echo: created"
wait_status echo online
assert_exit 0 "${R[@]}" list --json
assert_eq online "$(jq -r '.[0].status' <<<"$OUT")"
assert_eq "$(app_field echo pid)" "$(jq -r '.[0].pid' <<<"$OUT")" \
    "the remote list is the local daemon's"

# logs: the remote daemon sends the lines (its files are not here).
wait_for 10 grep -qx 3 "$(app_field echo out_log)"
assert_exit 0 "${R[@]}" logs echo --lines 2
assert_eq $'2\n3' "$OUT" "the last two lines"

# This shell's environment does not travel: --update-env is refused, not
# a restart with nothing new.
assert_exit 2 "${R[@]}" restart --update-env echo
assert_contains "$ERR" "this shell's environment is not sent to a remote host"
assert_eq 0 "$(app_field echo restarts)" "refused, not restarted"

# logs --follow: lines written later arrive over ssh, until interrupted.
assert_exit 0 "${R[@]}" start --name ticker -- "$TESTAPP" tag "$TAG" tick 200
"${R[@]}" logs ticker --lines 0 --follow >"$TEST_TMP/follow.out" 2>&1 &
fpid=$!
track_pid "$fpid"
wait_for 20 bash -c "(( \$(wc -l <'$TEST_TMP/follow.out') >= 3 ))"
grep -qx '[0-9]*' "$TEST_TMP/follow.out" || fail "follow: $(cat "$TEST_TMP/follow.out")"
kill "$fpid"
wait "$fpid" 2>/dev/null || true

# Exit codes as locally: unknown app 1, usage 2.
assert_exit 1 "${R[@]}" stop nosuch
assert_contains "$ERR" "unknown app 'nosuch'"
assert_exit 2 "${R[@]}" stop
assert_exit 0 "${R[@]}" stop echo
assert_contains "$OUT" "echo: stopped"
assert_eq stopped "$(app_field echo status)"

# Not for another machine.
assert_exit 2 "${R[@]}" daemon run
assert_contains "$ERR" "not with --host"
assert_exit 2 "${R[@]}" startup
assert_contains "$ERR" "acts on this machine only"

# Bad URLs and an unreachable host: one line, exit 2 and 3.
assert_exit 2 "$OPM" --host ssh://-oProxyCommand=x list
assert_contains "$ERR" "must not be empty or begin with '-'"
assert_exit 3 "$OPM" --host "ssh://$SSH_USER@127.0.0.1:1" list
assert_contains "$ERR" "ssh failed"

# OPM_HOST does the same; daemon stop there returns once it is gone.
OPM_HOST=$url assert_exit 0 "$OPM" daemon stop
assert_contains "$OUT" "opmd stopped"
wait_for 10 not test -S "$OPM_HOME/opmd.sock"
assert_exit 3 "${R[@]}" daemon status
assert_contains "$OUT" "not running"
