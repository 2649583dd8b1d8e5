# shellcheck shell=bash
# health-lib.sh: for the health check tests (sourced after lib.sh).

# .health.FIELD of `opm info --json NAME`.
health_field()
{
	"$OPM" info --json "$1" | jq -r ".health.$2"
}

# A condition for wait_for: .health.FIELD of NAME is VALUE.
health_is()
{
	[[ $(health_field "$1" "$2") == "$3" ]]
}

# A condition for wait_for: app_field NAME FIELD is VALUE.
field_is()
{
	[[ $(app_field "$1" "$2") == "$3" ]]
}

# A condition for wait_for: app_field NAME FIELD is at least N.
field_at_least()
{
	(( $(app_field "$1" "$2") >= $3 ))
}


# A condition for wait_for: NAME's checks reached $2.
test_checks_past()
{
	(( $(health_field "$1" checks) >= $2 ))
}
