#!/usr/bin/env bash
# max_memory_restart (issue 15 item 2): a program that grows is restarted
# at the limit and not before, whether the main process grows, a child of
# it, or an orphan of its tree (a grandchild whose parent exited, handed
# to the daemon). Below the limit it runs on through many samples, and
# memory_bytes of list counts the child or orphan too (the sampler and
# list share one measure); over it on two samples in a row it is
# restarted once, gracefully, counted in restarts_by_cause.memory, with
# the size seen in the log and in info. The restarted process stays small
# and is not restarted again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/memory-lib.sh
. "$(dirname "$0")/memory-lib.sh"
setup

cd "$TEST_TMP"
write_grow grow.py
log="$OPM_HOME/opmd.log"
mib=1048576

for mode in main child orphan; do
	d="$TEST_TMP/$mode"
	mkdir "$d"
	echo 40 >"$d/target"
	assert_exit 0 "$OPM" start --name "g-$mode" --max-memory-restart 100M \
	    python3 grow.py "$d" "$mode" tag "$TAG"
	wait_for 20 _holds "$d" 40
	# Below the limit: still running after many samples.
	wait_samples 6
	assert_eq online "$(app_field "g-$mode" status)" "$mode: below the limit"
	assert_eq 0 "$(app_field "g-$mode" restarts)" "$mode: restarts below"
	mem=$(app_field "g-$mode" memory_bytes)
	(( mem >= 40 * mib && mem < 100 * mib )) ||
	    fail "$mode: memory_bytes $mem does not count the 40 MiB held"
	# Over it: restarted once.
	echo 150 >"$d/target"
	wait_for 30 field_is "g-$mode" restarts_by_cause.memory 1
	wait_status "g-$mode" online 20
	line=$(grep "g-$mode: memory: .* over max_memory_restart 100 MB" "$log" |
	    head -1) || fail "$mode: no memory restart in the log"
	seen=$(sed -E 's/.*memory: ([0-9]+) MB over.*/\1/' <<<"$line")
	(( seen > 100 && seen < 200 )) || fail "$mode: size seen: $line"
	assert_contains "$(grep "g-$mode: online -> stopping" "$log")" \
	    "memory: $seen MB over max_memory_restart 100 MB" "$mode: graceful"
	assert_exit 0 "$OPM" info --json "g-$mode"
	assert_eq "memory: $seen MB over max_memory_restart 100 MB" \
	    "$(jq -r .memory_limit.last_restart <<<"$OUT")" "$mode: info"
	assert_eq 104857600 "$(jq -r .memory_limit.max_bytes <<<"$OUT")"
	# The new process holds nothing: no second restart.
	wait_samples 6
	assert_eq 1 "$(app_field "g-$mode" restarts_by_cause.memory)" \
	    "$mode: restarted again"
	assert_eq 1 "$(app_field "g-$mode" restarts)" "$mode: restarts"
	assert_eq 2 "$(wc -l <"$d/starts")" "$mode: starts"
	assert_exit 0 "$OPM" delete "g-$mode"
done

# PM2's spellings: "1G", plain bytes; and a size that is not one.
assert_exit 0 "$OPM" start --name big --max-memory-restart 1G \
    "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" info --json big
assert_eq 1073741824 "$(jq -r .config.max_memory_restart <<<"$OUT")"
assert_exit 1 "$OPM" start --name bad --max-memory-restart 12Q \
    "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "max_memory_restart: unknown unit" "a bad size is named"
