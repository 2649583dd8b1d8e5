#!/usr/bin/env bash
# `opm daemon restart` is `daemon stop` then `daemon start`: the apps are
# stopped gracefully (none left running), the old daemon is gone, exactly
# one new daemon answers, and the apps come back with `opm restore` after
# a save, exactly once. SIGINT to the daemon (Ctrl-C of `opm daemon run`)
# is an orderly shutdown like SIGTERM: apps stopped, socket removed.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" tag a forever
assert_exit 0 "$OPM" start --name b "$TESTAPP" tag "$TAG" tag b forever
wait_status a online
wait_status b online
assert_exit 0 "$OPM" save
old=$(daemon_pid)
pa=$(app_field a pid)

assert_exit 0 "$OPM" daemon restart
new=$(daemon_pid)
assert_ne "$old" "$new" "daemon pid after daemon restart"
pid_dead "$old" || fail "old daemon $old alive after daemon restart"
pid_dead "$pa" || fail "app a (pid $pa) still runs after daemon restart"
assert_eq 0 "$(count_procs "* tag $TAG tag * forever")" \
    "app processes right after daemon restart"
# One daemon (plus its keeper), and it answers.
assert_exit 0 "$OPM" ping
assert_eq 2 "$(count_daemons)" "opmd processes (daemon + keeper)"

assert_exit 0 "$OPM" restore
wait_status a online
wait_status b online
assert_eq 1 "$(count_procs "* tag $TAG tag a forever")" "processes of a"
assert_eq 1 "$(count_procs "* tag $TAG tag b forever")" "processes of b"
assert_exit 0 "$OPM" restore
assert_eq 1 "$(count_procs "* tag $TAG tag a forever")" \
    "processes of a after a second restore"

# SIGINT: an orderly shutdown.
pid=$(daemon_pid)
pa=$(app_field a pid)
pb=$(app_field b pid)
kill -INT "$pid"
wait_for 10 pid_dead "$pid"
pid_dead "$pa" || fail "app a still runs after SIGINT to the daemon"
pid_dead "$pb" || fail "app b still runs after SIGINT to the daemon"
[[ ! -e $OPM_HOME/opmd.sock ]] || fail "socket left behind after SIGINT"
assert_contains "$(<"$OPM_HOME/opmd.log")" "SIGINT"
