# shellcheck shell=bash
#
# tests/e2e/reload-lib.sh: helpers of the rolling reload tests
# (t-reload-*.sh, issue 14 item 4). Sourced after lib.sh, listen-lib.sh
# and setup:
#
#	inst_field NAME K FIELD     .FIELD of instance K of NAME (list --json)
#	wait_inst NAME K STATUS [T] until instance K has STATUS (default 20 s)
#	pids_of NAME                the pids of NAME's instances, in order

inst_field()
{
	"$OPM" list --json | jq -r --arg n "$1" --argjson k "$2" '
	    map(select(.name == $n and .instance == $k)) |
	    if length == 0 then error("no instance \($k) of \($n)")
	    else .[0] end | .'"$3"
}

_inst_is()
{
	[[ $(inst_field "$1" "$2" status) == "$3" ]]
}

wait_inst()
{
	wait_for "${4:-20}" _inst_is "$1" "$2" "$3"
}

pids_of()
{
	"$OPM" list --json | jq -r --arg n "$1" \
	    '[.[] | select(.name == $n) | .pid] | join(",")'
}
