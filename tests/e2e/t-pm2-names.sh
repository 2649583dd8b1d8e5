#!/usr/bin/env bash
# Names as PM2 allows them: spaces, parentheses, UTF-8. They work as
# targets (alone and in comma lists), and their log files get safe names:
# a space is "_", other unsafe bytes %XX, and a name whose file name is
# taken ("My_API" after "My API") gets its id appended. Names that could be
# read as options or targets stay refused: all, digits, leading '-', ',',
# a ':DIGITS' end (NAME:K names an instance), '/', control characters.
# 'MWS:Registry' (a real ecosystem file's) is a name.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

for n in "My API" "api (v2)" "café"; do
	assert_exit 0 "$OPM" start --name "$n" "$TESTAPP" tag "$TAG" tag "$n" forever
	wait_status "$n" online 5
done
assert_eq "$OPM_HOME/logs/My_API-out.log" "$(app_field "My API" out_log)" \
    "log of My API"
assert_eq "$OPM_HOME/logs/api_%28v2%29-err.log" "$(app_field "api (v2)" err_log)" \
    "log of api (v2)"
assert_eq "$OPM_HOME/logs/café-out.log" "$(app_field "café" out_log)" \
    "log of café"

# The same file name: the later app's id tells them apart.
assert_exit 0 "$OPM" start --name "My_API" "$TESTAPP" tag "$TAG" forever
id=$(app_field "My_API" id)
assert_eq "$OPM_HOME/logs/My_API-$id-out.log" "$(app_field "My_API" out_log)" \
    "log of My_API"

# Targets: one name, and a comma list.
assert_exit 0 "$OPM" stop "My API"
wait_status "My API" stopped 5
assert_exit 0 "$OPM" restart "api (v2),café"
assert_exit 0 "$OPM" info "café" --json
assert_eq 1 "$(jq .restarts <<<"$OUT")" "restarts of café"
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" daemon stop
assert_exit 0 "$OPM" restore
wait_status "api (v2)" online 5
assert_eq "$OPM_HOME/logs/My_API-$id-out.log" "$(app_field "My_API" out_log)" \
    "log of My_API after restore"

for bad in "a,b" "a:1" "a/b" "all" "123" "-x" $'a\tb' " lead"; do
	assert_exit 1 "$OPM" start --name "$bad" "$TESTAPP" tag "$TAG" forever
	assert_contains "$ERR" "name" "error for name [$bad]"
done
assert_exit 0 "$OPM" list --json
assert_eq 4 "$(jq length <<<"$OUT")" "apps at the end"
