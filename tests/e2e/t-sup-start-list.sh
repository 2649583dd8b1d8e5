#!/usr/bin/env bash
# opm start creates and launches an app; opm list --json shows it with every
# key of SPEC.md "JSON shapes", each of the right type: online right after
# start (its program runs; min_uptime only judges exits) with the live pid,
# a stopped app with null
# pid and zero uptime/memory. opm info --json agrees with list.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
assert_exit 0 "$OPM" start --name web --min-uptime 1500ms \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$OUT" web "start names the app"

# Right after start: online at once (min_uptime is 1.5 s), with a pid.
assert_eq online "$(app_field web status)" "status right after start"
pid=$(app_field web pid)
[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "pid of an online app: [$pid]"
pid_alive "$pid" || fail "pid $pid of web is not alive"
sleep 1

wait_status web online 5
assert_eq "$pid" "$(app_field web pid)" "pid once online"

# Types of every key, for a running app.
json=$("$OPM" list --json)
jq -e 'type == "array" and length == 1' <<<"$json" >/dev/null ||
    fail "list --json is not an array of one app: $json"
app=$(jq -c '.[0]' <<<"$json")
# One jq run checks every key; it prints the checks that failed.
bad=$(jq -r --arg t "$TESTAPP" --arg tag "$TAG" --arg d "$TEST_TMP" \
    --arg h "$OPM_HOME" --argjson p "$pid" '
    def int: type == "number" and . == floor;
    [ ["id",          (.id | int and . >= 0)],
      ["name",        (.name == "web")],
      ["status",      (.status == "online")],
      ["pid",         (.pid | int and . == $p)],
      ["restarts",    (.restarts | int and . == 0)],
      ["uptime_ms",   (.uptime_ms | int and . >= 1000 and . < 60000)],
      ["exit_code",   (.exit_code == null)],
      ["exit_signal", (.exit_signal == null)],
      ["argv",        (.argv == [$t, "tag", $tag, "forever"])],
      ["cwd",         (.cwd == $d)],
      ["memory_bytes", (.memory_bytes | int and . > 0)],
      ["cpu_percent", (.cpu_percent | type == "number" and . >= 0)],
      ["out_log",     (.out_log == "\($h)/logs/web-out.log")],
      ["err_log",     (.err_log == "\($h)/logs/web-err.log")]
    ] | map(select(.[1] != true) | .[0]) | join(" ")' <<<"$app")
assert_eq "" "$bad" "keys of a running app wrong in $app"

# info --json: one object with the same identity.
assert_exit 0 "$OPM" info web --json
jq -e --argjson p "$pid" 'type == "object" and .name == "web" and
    .pid == $p and .status == "online" and (.id | type == "number")' \
    <<<"$OUT" >/dev/null || fail "info --json: $OUT"
missing=$(jq -r '[ "id", "name", "status", "pid", "restarts", "uptime_ms",
    "exit_code", "exit_signal", "argv", "cwd", "memory_bytes",
    "cpu_percent", "out_log", "err_log" ] - keys | join(" ")' <<<"$OUT")
assert_eq "" "$missing" "keys missing from info --json"

# A second app created stopped: null pid, zeros.
assert_exit 0 "$OPM" start --name idle --no-autostart \
    "$TESTAPP" tag "$TAG" forever
json=$("$OPM" list --json)
jq -e 'length == 2' <<<"$json" >/dev/null || fail "two apps: $json"
idle=$(jq -c '.[] | select(.name == "idle")' <<<"$json")
bad=$(jq -r '
    [ ["status",   (.status == "stopped")],
      ["pid",      (.pid == null)],
      ["zeros",    (.uptime_ms == 0 and .memory_bytes == 0 and
                    .restarts == 0)],
      ["cpu",      (.cpu_percent | type == "number")],
      ["exit",     (.exit_code == null and .exit_signal == null)]
    ] | map(select(.[1] != true) | .[0]) | join(" ")' <<<"$idle")
assert_eq "" "$bad" "keys of a stopped app wrong in $idle"
ids=$(jq -c '[.[].id] | sort' <<<"$json")
jq -e '.[0] != .[1]' <<<"$ids" >/dev/null || fail "ids not unique: $ids"
assert_eq 1 "$(count_procs "*/opm-testapp tag $TAG forever")" \
    "only web runs"
