#!/usr/bin/env bash
# Instances from a PM2 app file: instances 2, "max" (one per CPU) and -1
# (one less, at least 1); out_file of instance K is out-K.log; merge_logs
# makes the instances share one file per stream; export gives the file back
# with the counts. exec_mode cluster with nothing to share runs as fork.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
if ! command -v node >/dev/null; then
	echo "SKIP (needs node in PATH to read ecosystem.config.js)"
	exit 0
fi
setup

cd "$TEST_TMP"
cpus=$(nproc)
less=$(( cpus > 1 ? cpus - 1 : 1 ))

list_is()
{
	[[ $("$OPM" list --json | jq -c "$1") == "$2" ]]
}
count()
{
	"$OPM" list --json | jq --arg n "$1" '[.[] | select(.name == $n)] | length'
}

cat >ecosystem.config.js <<JS
module.exports = { apps: [
  { name: "two", script: "$TESTAPP", args: "tag $TAG print hello forever",
    instances: 2, out_file: "logs/two.log" },
  { name: "max", script: "$TESTAPP", args: "tag $TAG forever",
    instances: "max", exec_mode: "fork" },
  { name: "less", script: "$TESTAPP", args: "tag $TAG forever",
    instances: -1 },
  { name: "merged", script: "$TESTAPP", args: "tag $TAG lines 50 forever",
    instances: 2, merge_logs: true },
] };
JS
assert_exit 0 "$OPM" start ecosystem.config.js
assert_eq 2 "$(count two)" "instances: 2"
assert_eq "$cpus" "$(count max)" "instances: max on $cpus CPUs"
assert_eq "$less" "$(count less)" "instances: -1 on $cpus CPUs"
assert_eq 2 "$(count merged)" "merged"
n=$((2 + cpus + less + 2))
wait_for 15 list_is '[.[] | select(.status == "online")] | length' "$n"

# out_file: one per instance, numbered.
json=$("$OPM" list --json)
assert_eq "$TEST_TMP/logs/two-0.log $TEST_TMP/logs/two-1.log" \
    "$(jq -r '[.[] | select(.name == "two") | .out_log] | join(" ")' <<<"$json")"

# merge_logs: both instances write logs/merged-out.log.
assert_eq "$OPM_HOME/logs/merged-out.log" \
    "$(jq -r '[.[] | select(.name == "merged") | .out_log] | unique | join(" ")' <<<"$json")"
merged_lines()
{
	grep -c . "$OPM_HOME/logs/merged-out.log"
}
wait_for 15 test -s "$OPM_HOME/logs/merged-out.log"
# Each instance prints 1..50: both sets of lines land in the one file.
wait_for 15 eval '(( $(grep -cx 50 "$OPM_HOME/logs/merged-out.log") == 2 ))'
assert_eq 100 "$(merged_lines)" "lines of both instances"
[[ ! -e $OPM_HOME/logs/merged-0-out.log ]] || fail "merged-0-out.log exists"
# opm logs reads the shared file once, and names each instance's own file.
assert_exit 0 "$OPM" logs merged --out --lines 1000
assert_eq 100 "$(grep -c . <<<"$OUT")" "opm logs merged: each line once"
wait_for 10 grep -qx hello "$TEST_TMP/logs/two-1.log"
assert_exit 0 "$OPM" logs two --out --lines 1
assert_contains "$OUT" "two:0 | hello"
assert_contains "$OUT" "two:1 | hello"

# export: the file again, one app each with its count.
assert_exit 0 "$OPM" export
assert_eq "[\"two\",2,\"max\",$cpus,\"less\",$less,\"merged\",2]" \
    "$(jq -c '[.apps[] | .name, .instances]' <<<"$OUT")"
assert_eq true "$(jq '.apps[] | select(.name == "merged") | .merge_logs' <<<"$OUT")"

# exec_mode cluster with nothing to share (no listen, no PORT): the
# instances run as in fork mode.
cat >cluster.json <<JSON
{"apps": [{"name": "cl", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
  "instances": 2, "exec_mode": "cluster"}]}
JSON
assert_exit 0 "$OPM" start cluster.json
assert_eq 2 "$(count cl)"
assert_exit 0 "$OPM" delete cl

# --instances max on the command line.
assert_exit 0 "$OPM" start --instances max --name cli "$TESTAPP" tag "$TAG" forever
assert_eq "$cpus" "$(count cli)"
