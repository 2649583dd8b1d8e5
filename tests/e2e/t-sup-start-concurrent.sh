#!/usr/bin/env bash
# Eight identical `opm start --name web PROG ARGS` at once, with no daemon
# running yet: all succeed, and there is exactly one daemon, one app and one
# process. Then eight concurrent `opm start web` on the running app change
# nothing (same pid, still one process, restarts 0).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

pattern="*/opm-testapp tag $TAG forever"
# opmd processes of this OPM_HOME but the descriptor keeper (opmd --keeper).
main_daemons()
{
	local all keepers

	all=$(count_daemons)
	keepers=$(count_procs '*opmd --keeper')
	echo $((all - keepers))
}
assert_eq 0 "$(count_daemons)" "no daemon before the test"

pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$OPM" start --name web --min-uptime 300ms \
	    "$TESTAPP" tag "$TAG" forever \
	    >"$TEST_TMP/start$i.out" 2>"$TEST_TMP/start$i.err" &
	pids+=($!)
done
i=0
for p in "${pids[@]}"; do
	i=$((i + 1))
	rc=0
	wait "$p" || rc=$?
	assert_eq 0 "$rc" "exit of concurrent start $i (stderr: $(<"$TEST_TMP/start$i.err"))"
done

assert_eq 1 "$(main_daemons)" "daemons"
assert_eq 1 "$("$OPM" list --json | jq length)" "apps after 8 starts"
wait_status web online
assert_eq 1 "$(count_procs "$pattern")" "processes after 8 starts"
pid=$(app_field web pid)
assert_eq 0 "$(app_field web restarts)" "restarts after 8 starts"

pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$OPM" start web >/dev/null 2>"$TEST_TMP/again$i.err" &
	pids+=($!)
done
i=0
for p in "${pids[@]}"; do
	i=$((i + 1))
	rc=0
	wait "$p" || rc=$?
	assert_eq 0 "$rc" "exit of concurrent start web $i (stderr: $(<"$TEST_TMP/again$i.err"))"
done
assert_eq 1 "$("$OPM" list --json | jq length)" "apps after 8 start web"
assert_eq "$pid" "$(app_field web pid)" "pid after 8 start web"
assert_eq 1 "$(count_procs "$pattern")" "processes after 8 start web"
assert_eq 0 "$(app_field web restarts)" "restarts after 8 start web"
