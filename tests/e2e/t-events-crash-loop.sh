#!/usr/bin/env bash
# opm events (issue 17 item 1): the events of a crash loop are kept in
# order with their causes (seq increasing, time ISO 8601; exit with cause
# crash and the exit code, then restart with cause crash, ..., errored);
# the daemon's start is an event with app null; a target filters; --follow
# sees a user's restart live; seq goes on across `opm daemon reload`, whose
# successor keeps the ring and says so with a daemon_reload event.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name c --min-uptime 2s --max-restarts 2 \
    "$TESTAPP" tag "$TAG" exit 3
wait_status c errored 20
assert_exit 0 "$OPM" start --name other "$TESTAPP" tag "$TAG" forever
wait_status other online

assert_exit 0 "$OPM" events --json
all=$OUT
# One object a line, seq strictly increasing, every time ISO 8601 UTC.
assert_eq true "$(jq -s '[.[].seq] | . == (sort | unique)' <<<"$all")" \
    "seq increasing"
assert_eq 0 "$(jq -s '[.[] | select(.time | test(
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")
    | not)] | length' <<<"$all")" "times in ISO 8601"
assert_eq daemon_start "$(jq -rs '.[0].event' <<<"$all")" "first event"
assert_eq null "$(jq -rs '.[0].app' <<<"$all")" "the daemon's app"

# The loop: exit (crash, code 3), restart (crash), twice; then errored.
assert_eq '[["exit","crash",3],["restart","crash",null],["exit","crash",3],["restart","crash",null],["exit","crash",3],["errored",null,3]]' \
    "$(jq -cs 'map(select(.app == "c" and (.event == "exit" or
    .event == "restart" or .event == "errored")) |
    [.event, .cause, .exit_code])' <<<"$all")" "crash loop events"
# Each exit is followed by waiting (backing off) or errored, each restart
# by launching; transitions name where they came from.
assert_eq '["stopped","launching"]' "$(jq -cs '[.[] | select(.app == "c"
    and .event == "launching")][0] | [.from, .event]' <<<"$all")" "from"
assert_eq 2 "$(jq -s '[.[] | select(.app == "c" and .event == "restart")]
    | .[-1].restarts' <<<"$all")" "restarts in the restart event"

# A target filters: only c, no daemon event, no other app.
assert_exit 0 "$OPM" events --json c
assert_eq '["c"]' "$(jq -cs '[.[].app] | unique' <<<"$OUT")" "filtered"
assert_exit 0 "$OPM" events --json --lines 3 c
assert_eq 3 "$(jq -s length <<<"$OUT")" "--lines 3"
assert_eq errored "$(jq -rs '.[-1].event' <<<"$OUT")" "the last of c"
# Text: time, #seq, the app, the event and the reason.
assert_exit 0 "$OPM" events --lines 1 c
assert_contains "$OUT" " c errored: failed too many starts in a row"
assert_exit 1 "$OPM" events nosuch
assert_eq "opm: unknown app 'nosuch'" "$ERR"
assert_exit 2 "$OPM" events --bogus

# --follow: a restart the user asks for arrives live, with cause user.
"$OPM" events --follow --json --lines 0 other >"$TEST_TMP/f.out" \
    2>"$TEST_TMP/f.err" &
follower=$!
has_event()
{
	jq -se --arg e "$1" --arg c "$2" 'any(.[]; .event == $e and
	    ((.cause // "") == $c))' "$TEST_TMP/f.out" >/dev/null
}
# Registered once the reply came: a signal makes no event, so ask twice.
wait_for 5 test -e "$TEST_TMP/f.out"
sleep_until_registered()
{
	"$OPM" restart other >/dev/null && has_event restart user
}
wait_for 10 sleep_until_registered
# The events of one restart, from its stopping: a follower registered
# during the first restart sees its tail (online, ready) before the
# second one (seen under ASan).
live_order()
{
	jq -cs '[.[].event] | .[(indices("stopping")[0] // 0):][0:6]' \
	    "$TEST_TMP/f.out"
}
whole_restart() { [[ $(live_order | jq length) == 6 ]]; }
wait_for 5 whole_restart
assert_eq '["other"]' "$(jq -cs '[.[].app] | unique' "$TEST_TMP/f.out")" \
    "the follower's filter"
# In order: stopping, exit (cause user: a restart), restart, launching.
assert_eq '["stopping","exit","restart","launching","online","ready"]' \
    "$(live_order)" "live order"
pid_alive "$follower" || fail "the follower exited: $(<"$TEST_TMP/f.err")"

# A reload: seq goes on, the ring is kept, daemon_reload is an event.
last=$(jq -s '.[-1].seq' <<<"$all")
assert_exit 0 "$OPM" daemon reload
assert_exit 0 "$OPM" events --json
assert_eq "$last" "$(jq -s --argjson l "$last" '[.[] | select(.seq == $l)]
    | .[0].seq' <<<"$OUT")" "the ring survives the reload"
assert_eq true "$(jq -s '[.[].seq] | . == (sort | unique)' <<<"$OUT")" \
    "seq increasing across the reload"
assert_eq daemon_reload "$(jq -rs '[.[] | select(.app == null)] |
    .[-1].event' <<<"$OUT")" "the reload's event"
assert_exit 0 "$OPM" restart other
assert_exit 0 "$OPM" events --json --lines 1 other
(( $(jq .seq <<<"$OUT") > last )) || fail "seq after the reload: $OUT"
