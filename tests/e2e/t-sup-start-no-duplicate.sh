#!/usr/bin/env bash
# Starting an app that already runs never makes a second copy: `opm start
# NAME` and `opm start ID` on an online (or still launching) app leave it
# alone, the identical `opm start --name web PROG ARGS` again is the same
# app, and the same name with another command is an error that changes
# nothing. `opm start NAME` on a stopped app starts it, without counting a
# restart.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

pattern="*/opm-testapp tag $TAG forever"
napps()
{
	"$OPM" list --json | jq length
}

assert_exit 0 "$OPM" start --name web --min-uptime 300ms \
    "$TESTAPP" tag "$TAG" forever
# Still launching: a start now must not spawn either.
assert_exit 0 "$OPM" start web
wait_status web online
pid=$(app_field web pid)
id=$(app_field web id)
assert_eq 1 "$(count_procs "$pattern")" "processes after start while launching"

assert_exit 0 "$OPM" start web
assert_exit 0 "$OPM" start "$id"
assert_exit 0 "$OPM" start all
assert_exit 0 "$OPM" start --name web --min-uptime 300ms \
    "$TESTAPP" tag "$TAG" forever
assert_eq 1 "$(napps)" "apps after starting web again"
assert_eq "$pid" "$(app_field web pid)" "pid after starting web again"
assert_eq online "$(app_field web status)"
assert_eq 0 "$(app_field web restarts)" "restarts after starting web again"
assert_eq 1 "$(count_procs "$pattern")" "processes after starting web again"

# Same name, another command: refused, nothing changes.
assert_exit 1 "$OPM" start --name web "$TESTAPP" tag "$TAG" sleep 100
assert_contains "$ERR" "opm: "
assert_contains "$ERR" web "the error names the app"
assert_eq 1 "$(napps)" "apps after a conflicting start"
assert_eq "$pid" "$(app_field web pid)" "pid after a conflicting start"
assert_eq '["tag","'"$TAG"'","forever"]' "$(app_field web 'argv[1:]' |
    jq -c .)" "argv after a conflicting start"
assert_eq 0 "$(count_procs "*/opm-testapp tag $TAG sleep 100")" \
    "the conflicting command was not run"

# A stopped app: start starts it (one process, new pid), restarts stays 0.
assert_exit 0 "$OPM" stop web
assert_eq 0 "$(count_procs "$pattern")" "processes after stop"
assert_exit 0 "$OPM" start web
wait_status web online
pid2=$(app_field web pid)
assert_ne "$pid" "$pid2" "pid after starting the stopped app"
assert_eq 0 "$(app_field web restarts)" "start of a stopped app is no restart"
assert_exit 0 "$OPM" start web
assert_eq "$pid2" "$(app_field web pid)" "pid after a second start"
assert_eq 1 "$(count_procs "$pattern")" "processes at the end"
assert_eq 1 "$(napps)" "apps at the end"
