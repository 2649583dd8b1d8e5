# contrib/hooks/common.sh: sourced by the hook scripts next to it. The
# message of the event the daemon passed in OPM_* variables (opm-apps(5),
# "hooks"), and JSON string quoting in plain sh.

# opm_message: one line for a person.
opm_message()
{
	label=$OPM_APP
	[ -n "${OPM_INSTANCE:-}" ] && label="$OPM_APP:$OPM_INSTANCE"
	msg="opm on $(hostname): $label ${OPM_HOOK:-$OPM_EVENT}: $OPM_REASON"
	[ -n "${OPM_EXIT_CODE:-}" ] && msg="$msg (exit code $OPM_EXIT_CODE)"
	[ -n "${OPM_EXIT_SIGNAL:-}" ] && msg="$msg (signal $OPM_EXIT_SIGNAL)"
	if [ "${OPM_SUPPRESSED:-0}" -gt 0 ] 2>/dev/null; then
		msg="$msg; $OPM_SUPPRESSED more since the last message"
	fi
	printf '%s\n' "$msg"
}

# opm_json_string TEXT: TEXT as a JSON string, quotes included.
opm_json_string()
{
	printf '%s' "$1" | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
	    -e 's/	/\\t/g' -e 's/[[:cntrl:]]/ /g' | {
		IFS= read -r s || true
		printf '"%s"' "$s"
	}
}

# opm_need VAR: exits 2 naming VAR when it is empty.
opm_need()
{
	eval "v=\${$1:-}"
	if [ -z "$v" ]; then
		echo "${0##*/}: $1 is not set" >&2
		exit 2
	fi
}
