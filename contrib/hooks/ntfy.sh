#!/bin/sh
# contrib/hooks/ntfy.sh: publishes the event to an ntfy topic (ntfy.sh or
# a server of your own); NTFY_TOKEN, if set, is sent as a bearer token.
#   "env": {"NTFY_URL": "https://ntfy.sh/my-topic"},
#   "hooks": {"crash": "/path/to/contrib/hooks/ntfy.sh"}
set -eu
. "$(dirname "$0")/common.sh"
opm_need NTFY_URL
case ${OPM_HOOK:-$OPM_EVENT} in
crash|errored)	prio=high tags=warning ;;
*)		prio=default tags=information_source ;;
esac
set -- -H "Title: opm: $OPM_APP ${OPM_HOOK:-$OPM_EVENT}" \
    -H "Priority: $prio" -H "Tags: $tags"
[ -n "${NTFY_TOKEN:-}" ] && set -- "$@" -H "Authorization: Bearer $NTFY_TOKEN"
exec curl -fsS --max-time 8 "$@" --data-binary "$(opm_message)" "$NTFY_URL"
