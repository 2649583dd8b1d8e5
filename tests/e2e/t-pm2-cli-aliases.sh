#!/usr/bin/env bash
# The names PM2 users type: describe (info), resurrect (restore), jlist
# (list --json), kill (daemon stop), update (daemon reload: same pids),
# unstartup (removes the unit opm startup installed, and its enable link;
# a unit opm did not write is left alone).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" forever
wait_status web online
pid=$(app_field web pid)

assert_exit 0 "$OPM" describe web
info_out=$OUT
assert_exit 0 "$OPM" info web
assert_eq "$OUT" "$info_out" "describe = info"
assert_exit 0 "$OPM" jlist
assert_eq "$("$OPM" list --json | jq -c 'map(.name, .pid)')" \
    "$(jq -c 'map(.name, .pid)' <<<"$OUT")" "jlist = list --json"
assert_exit 2 "$OPM" jlist extra

# update: the daemon is replaced, the app keeps its pid.
dpid=$(daemon_pid)
assert_exit 0 "$OPM" update
assert_contains "$OUT" "opmd reloaded"
assert_eq "$pid" "$(app_field web pid)" "app pid across update"
assert_eq "$dpid" "$(daemon_pid)" "update re-executes in place"

# save, kill (the daemon and its apps stop), resurrect.
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" kill
assert_contains "$OUT" "opmd stopped"
wait_for 5 pid_dead "$pid"
wait_for 5 not test -S "$OPM_HOME/opmd.sock"
assert_exit 0 "$OPM" kill
assert_contains "$OUT" "not running"
assert_exit 0 "$OPM" resurrect
assert_contains "$OUT" "web: started"
wait_status web online

# unstartup removes what startup --user wrote, and the link of enable.
export XDG_CONFIG_HOME=$TEST_TMP/config
unit=$XDG_CONFIG_HOME/systemd/user/opm.service
assert_exit 1 "$OPM" unstartup --user
assert_contains "$ERR" "no unit installed at $unit"
assert_exit 0 "$OPM" startup --user
[[ -f $unit ]] || fail "startup wrote no $unit"
mkdir -p "$XDG_CONFIG_HOME/systemd/user/default.target.wants"
ln -s "$unit" "$XDG_CONFIG_HOME/systemd/user/default.target.wants/opm.service"
assert_exit 0 "$OPM" unstartup --user
assert_contains "$OUT" "removed $unit"
[[ ! -e $unit ]] || fail "unstartup left $unit"
[[ ! -L $XDG_CONFIG_HOME/systemd/user/default.target.wants/opm.service ]] ||
    fail "unstartup left the enable link"
printf '[Service]\nExecStart=/bin/true\n' >"$unit"
assert_exit 1 "$OPM" unstartup --user
assert_contains "$ERR" "was not written by opm startup"
[[ -f $unit ]] || fail "unstartup removed a unit of someone else"
assert_exit 2 "$OPM" unstartup --bogus
