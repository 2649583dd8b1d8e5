#!/usr/bin/env bash
# PM2's environment sets: an app file with env and env_production, started
# with --env production, runs with env + env_production (the set wins); a
# restart keeps the set, so does a restore after save; restart --env
# staging switches; a restart after the env file changed sees the new
# value; a set the app lacks is a notice (exit 0) and env alone is used;
# --env KEY=VALUE keeps its meaning.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
printf 'FROMFILE=one\n' >app.env
cat >eco.json <<JSON
{"apps": [{"name": "api", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "forever"],
  "env_file": "app.env",
  "env": {"MODE": "dev", "DB": "local", "KEEP": "env"},
  "env_production": {"MODE": "prod", "DB": "prod-db"},
  "env_staging": {"MODE": "stage"}}]}
JSON

# The value of KEY in opm env APP ("" when unset).
envof()
{
	"$OPM" env "$1" | sed -n "s/^$2=//p"
}
# The value of KEY in the running process's environment.
procenv()
{
	tr '\0' '\n' <"/proc/$(app_field "$1" pid)/environ" | sed -n "s/^$2=//p"
}

assert_exit 0 "$OPM" start --env production eco.json
wait_status api online
assert_eq prod "$(envof api MODE)" "MODE with --env production"
assert_eq prod-db "$(envof api DB)" "DB with --env production"
assert_eq env "$(envof api KEEP)" "env's own keys stay"
assert_eq prod "$(procenv api MODE)" "the process has MODE=prod"
assert_eq production "$("$OPM" info api --json | jq -r .config.env_name)" \
    "env_name saved"
assert_eq '{"MODE":"stage"}' \
    "$("$OPM" export | jq -c '.apps[0].env_staging')" "sets exported"

# A restart keeps the set.
assert_exit 0 "$OPM" restart api
wait_status api online
assert_eq prod "$(procenv api MODE)" "MODE after a restart"

# A restore after save keeps it.
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" delete api
assert_exit 0 "$OPM" restore
wait_status api online
assert_eq prod "$(procenv api MODE)" "MODE after save, delete, restore"

# restart --env staging switches (staging has no DB: env's).
assert_exit 0 "$OPM" restart api --env staging
wait_status api online
assert_eq stage "$(procenv api MODE)" "MODE after restart --env staging"
assert_eq local "$(procenv api DB)" "DB after restart --env staging"
assert_eq staging "$("$OPM" info api --json | jq -r .config.env_name)"

# The env file is read again: a restart sees its new value.
assert_eq one "$(procenv api FROMFILE)"
printf 'FROMFILE=two\n' >app.env
assert_exit 0 "$OPM" reload api
wait_status api online
assert_eq two "$(procenv api FROMFILE)" "FROMFILE after the file changed"
assert_eq stage "$(procenv api MODE)" "reload keeps the set"

# A set the app lacks: one notice line, exit 0, env alone.
assert_exit 0 "$OPM" restart api --env nosuch
assert_contains "$ERR" "notice: api: no env_nosuch" "notice"
assert_eq 1 "$(wc -l <<<"$ERR")" "one line: [$ERR]"
wait_status api online
assert_eq dev "$(procenv api MODE)" "MODE with a missing set"

# opm start NAME --env production: the existing app, with that set.
assert_exit 0 "$OPM" stop api
# (opm start api --env production, options after the word, is pm2-cli's)
assert_exit 0 "$OPM" start --env production api
assert_contains "$OUT" "api: started"
wait_status api online
assert_eq prod "$(procenv api MODE)" "start NAME --env production"
assert_eq 1 "$("$OPM" list --json | jq length)" "no second app"

# --env KEY=VALUE keeps its meaning; restart refuses it.
assert_exit 0 "$OPM" start --name kv --env COLOR=red \
    "$TESTAPP" tag "$TAG" forever
wait_status kv online
assert_eq red "$(envof kv COLOR)"
assert_exit 2 "$OPM" restart kv --env COLOR=blue
assert_exit 1 "$OPM" restart kv --env 'bad name'
