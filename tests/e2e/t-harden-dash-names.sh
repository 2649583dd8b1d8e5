#!/usr/bin/env bash
# Names beginning with '-' (issue 12 item 25; SPEC.md: a name does not
# start with '-'): every command would read them as options. They are
# refused by `opm start --name`, app files and restore, and a program whose
# basename begins with '-' gets a default name that does not. `--` ends the
# options of every command taking targets, so an app that has such a name
# anyway (runtime state of an older daemon) can still be named, stopped and
# deleted.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/cont-lib.sh
. "$(dirname "$0")/cont-lib.sh"
setup

cd "$TEST_TMP"
names()
{
	"$OPM" list --json | jq -c 'map(.name) | sort'
}

assert_exit 1 "$OPM" start --name -x "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "-x"
assert_contains "$ERR" "must not begin with '-'"
assert_eq '[]' "$(names)" "apps after --name -x"

printf '[{"name": "ok", "script": "%s", "args": ["tag", "%s", "forever"]},
  {"name": "-y", "script": "%s", "args": ["tag", "%s", "forever"]}]\n' \
    "$TESTAPP" "$TAG" "$TESTAPP" "$TAG" >dash.json
assert_exit 1 "$OPM" start dash.json
assert_contains "$ERR" "-y"
assert_contains "$ERR" "must not begin with '-'"
assert_eq '[]' "$(names)" "apps after an app file naming -y"

# A program named -prog: the default name is made valid.
cp "$TESTAPP" ./-prog
assert_exit 0 "$OPM" start "$TEST_TMP/-prog" tag "$TAG" forever
assert_eq '["app--prog"]' "$(names)" "default name of -prog"
assert_exit 0 "$OPM" delete app--prog

# `--` before targets, in every command taking them.
assert_exit 0 "$OPM" start --name web "$TESTAPP" tag "$TAG" forever
wait_status web online
assert_exit 0 "$OPM" info -- web
assert_exit 0 "$OPM" info --json -- web
assert_eq web "$(jq -r .name <<<"$OUT")" "info --json -- web"
assert_exit 0 "$OPM" env -- web
assert_exit 0 "$OPM" signal CONT -- web
assert_exit 0 "$OPM" logs --lines 1 -- web
assert_exit 0 "$OPM" flush -- web
assert_exit 0 "$OPM" reset -- web
assert_exit 0 "$OPM" restart -- web
wait_status web online
assert_exit 0 "$OPM" stop -- web
wait_status web stopped
assert_exit 0 "$OPM" start -- web
wait_status web online
assert_exit 0 "$OPM" export -- web
assert_exit 0 "$OPM" delete -- web
assert_eq '[]' "$(names)" "apps after delete -- web"
# After --, a word is a target even when it looks like an option.
assert_exit 1 "$OPM" stop -- --json
assert_contains "$ERR" "--json"

# restore of a dump holding a dash name: that app fails, named; the others
# come back.
assert_exit 0 "$OPM" start --name keep "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" save
jq '.apps += [.apps[0] | .name = "-z" | .id = 99]' "$OPM_HOME/dump.json" \
    >dump.new
mv dump.new "$OPM_HOME/dump.json"
chmod 600 "$OPM_HOME/dump.json"
assert_exit 0 "$OPM" delete keep
assert_exit 1 "$OPM" restore
assert_contains "$OUT" "-z: failed"
assert_contains "$OUT" "must not begin with '-'"
assert_eq '["keep"]' "$(names)" "apps after restoring a dump naming -z"
assert_exit 0 "$OPM" delete keep

# An app that has a dash name anyway: an older daemon's runtime state.
assert_exit 0 "$OPM" start --name dashy "$TESTAPP" tag "$TAG" forever
wait_status dashy online
id=$(app_field dashy id)
kill_daemon
f=$OPM_HOME/state/$id.json
jq -c '.conf.name = "-dashy"' "$f" >"$TEST_TMP/state.new"
cat "$TEST_TMP/state.new" >"$f"
assert_eq '["-dashy"]' "$(names)" "the adopted app"
wait_status -dashy online
assert_exit 0 "$OPM" info -- -dashy
assert_exit 0 "$OPM" stop -- -dashy
wait_status -dashy stopped
assert_exit 0 "$OPM" start -- -dashy
wait_status -dashy online
assert_exit 0 "$OPM" delete -- -dashy
assert_eq '[]' "$(names)" "apps after delete -- -dashy"
