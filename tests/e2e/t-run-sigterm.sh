#!/usr/bin/env bash
# docker stop: SIGTERM to opm run (PID 1 of its namespace) stops every app
# as opm stop all does, dependents first (api depends on db, so api is
# stopped before db), an app that ignores SIGTERM gets SIGKILL once its
# kill_timeout (1 s) is over, and opm run exits 0 soon after, leaving no
# process behind. SIGINT (docker run -it, Ctrl-C) and SIGQUIT do the same.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

cat >"$TEST_TMP/apps.yaml" <<YAML
apps:
  - name: db
    script: $TESTAPP
    args: [tag, "$TAG", print, db-up, forever]
  - name: api
    script: $TESTAPP
    depends_on: [db]
    args: [tag, "$TAG", print, api-up, forever]
  - name: stubborn
    script: $TESTAPP
    kill_timeout: 1s
    args: [tag, "$TAG", ignore, SIGTERM, print, stubborn-up, forever]
YAML

up()
{
	grep -qxF "db | db-up" "$RUN_OUT" && grep -qxF "api | api-up" "$RUN_OUT" &&
	    grep -qxF "stubborn | stubborn-up" "$RUN_OUT"
}

run_start "$TEST_TMP/apps.yaml"
wait_for 20 up
t0=$EPOCHREALTIME
kill -TERM "$RUN_INIT"
run_wait 20
t1=$EPOCHREALTIME
assert_eq 0 "$RUN_RC" "exit status after SIGTERM: $(tail -n 5 "$RUN_ERR")"
ms=$(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 ))
(( ms >= 900 )) || fail "opm run ended after $ms ms: stubborn was not " \
    "given its kill_timeout"
(( ms < 10000 )) || fail "opm run took $ms ms to stop"
assert_contains "$(cat "$RUN_ERR")" \
    "stubborn: stopping -> stopping (kill_timeout expired; SIGKILL)"
api=$(grep -n "api: online -> stopping" "$RUN_ERR" | cut -d: -f1)
db=$(grep -n "db: online -> stopping" "$RUN_ERR" | cut -d: -f1)
[[ -n $api && -n $db ]] || fail "no stop of api or db: $(cat "$RUN_ERR")"
(( api < db )) || fail "db was stopped before api, which depends on it"
assert_eq "" "$(ns_pids)" "processes left in the namespace"
assert_eq 0 "$(count_procs "*opm-testapp tag $TAG*")" "apps left running"

for sig in INT QUIT; do
	run_start "$TEST_TMP/apps.yaml"
	wait_for 20 up
	kill -"$sig" "$RUN_INIT"
	run_wait 20
	assert_eq 0 "$RUN_RC" "exit status after SIG$sig"
	assert_contains "$(cat "$RUN_ERR")" "SIG$sig: stopping every app"
	assert_eq 0 "$(count_procs "*opm-testapp tag $TAG*")" \
	    "apps left running after SIG$sig"
done
