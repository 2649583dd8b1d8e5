#!/usr/bin/env bash
# --stop-exit-codes: an exit with a listed code is a deliberate stop (app
# `stopped`, no restart, even under --restart always); an exit with another
# code restarts as usual. Lists take several codes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

nruns()
{
	local n=0

	[[ -f $TEST_TMP/$1.runs ]] && n=$(wc -l <"$TEST_TMP/$1.runs")
	echo "$n"
}
has_runs()
{
	(( $(nruns "$1") >= $2 ))
}
app()
{
	local name=$1 codes=$2 code=$3

	assert_exit 0 "$OPM" start --name "$name" --stop-exit-codes "$codes" \
	    --min-uptime 200ms \
	    "echo run >>$TEST_TMP/$name.runs; $TESTAPP tag $TAG sleep 0.4 exit $code"
}

app three 3 3
app five 3,5 5
app four 3 4

wait_status three stopped 5
wait_status five stopped 5
assert_eq 3 "$(app_field three exit_code)" "exit_code of three"
assert_eq 5 "$(app_field five exit_code)" "exit_code of five"
assert_eq 0 "$(app_field three restarts)" "restarts of three"
assert_eq 0 "$(app_field five restarts)" "restarts of five"

wait_for 5 has_runs four 2
assert_eq 4 "$(app_field four exit_code)" "exit_code of four"
assert_exit 0 "$OPM" stop four

sleep 0.3
assert_eq stopped "$(app_field three status)" "status of three later"
assert_eq 1 "$(nruns three)" "runs of three"
assert_eq 1 "$(nruns five)" "runs of five"
