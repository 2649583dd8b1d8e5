#!/usr/bin/env bash
# limits (issue 16 item 2): setrlimit in the child before the program runs.
# An app with limits.nofile sees it (ulimit -n, /proc/PID/limits), soft and
# hard apart with "SOFT:HARD", a size for core, "unlimited"; a restart
# keeps them; a limit the kernel refuses (a hard limit above the daemon's,
# raised by a daemon that is not root) fails the start with the key named;
# bad values name the key.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "lim", "script": "/bin/bash",
  "args": ["-c", "echo nofile \$(ulimit -Sn) \$(ulimit -Hn); exec sleep 3600", "$TAG"],
  "limits": {"nofile": "321:654", "core": "1M", "stack": "unlimited"}}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/apps.json"
wait_status lim online
wait_for 10 grep -q "^nofile " "$OPM_HOME/logs/lim-out.log"
assert_eq "nofile 321 654" "$(<"$OPM_HOME/logs/lim-out.log")" "ulimit -n"
check()
{
	local pid

	pid=$(app_field lim pid)
	assert_eq "321 654" "$(awk '/^Max open files/ {print $4, $5}' \
	    "/proc/$pid/limits")" "nofile of the app ($1)"
	assert_eq "1048576 1048576" "$(awk '/^Max core file size/ {print $5, $6}' \
	    "/proc/$pid/limits")" "core of the app ($1)"
	assert_eq "unlimited unlimited" "$(awk '/^Max stack size/ {print $4, $5}' \
	    "/proc/$pid/limits")" "stack of the app ($1)"
}
check start
assert_exit 0 "$OPM" restart lim
wait_status lim online
check restart
assert_eq '{"nofile":"321:654","core":1048576,"stack":"unlimited"}' \
    "$("$OPM" info --json lim | jq -c .config.limits)" "limits as saved"

# Bad values: one line naming the key.
bad()	# LIMITS-JSON EXPECTED-PART
{
	printf '{"name": "b", "script": "/bin/true", "limits": %s}\n' "$1" \
	    >"$TEST_TMP/bad.json"
	assert_exit 1 "$OPM" start "$TEST_TMP/bad.json"
	assert_contains "$ERR" "$2"
}
bad '{"nofiles": 10}' "limits: nofiles: unknown limit"
bad '{"nofile": "10:5"}' "limits: nofile: the soft limit is above the hard one"
bad '{"nofile": "lots"}' "limits: nofile: must be a number"
bad '{"core": "big"}' "limits: core: must be a size"
bad '[1]' "limits: must be an object"

# A hard limit above the daemon's, which only root may raise.
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
	nb=$(id -u nobody)
	nh=$TEST_TMP/nobody-home
	chmod 711 "$TEST_TMP"
	mkdir -m 700 "$nh"
	chown "$nb" "$nh"
	asnobody()
	{
		setpriv --reuid="$nb" --regid="$(id -g nobody)" --clear-groups \
		    env -i PATH=/usr/bin:/bin OPM_HOME="$nh" HOME="$nh" "$@"
	}
	trap '_rc=$?; set +eE; trap - ERR; asnobody "$OPM" daemon stop \
	    >/dev/null 2>&1; (exit $_rc); teardown' EXIT
	hard=$(asnobody bash -c 'ulimit -Hn')
	printf '{"name": "up", "script": "/bin/sleep", "args": "3600", "limits": {"nofile": %d}}\n' \
	    $((hard + 1)) >"$TEST_TMP/up.json"
	chmod 644 "$TEST_TMP/up.json"
	assert_exit 1 asnobody "$OPM" start "$TEST_TMP/up.json"
	assert_contains "$ERR" "limits.nofile: setrlimit: Operation not permitted"
else
	echo "skipped: a hard limit refused (needs root and setpriv)"
fi
echo "ok: limits reach the app"
