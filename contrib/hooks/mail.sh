#!/bin/sh
# contrib/hooks/mail.sh: mails the event with sendmail(8) (any MTA's
# sendmail, or msmtp's). MAIL_FROM is optional.
#   "env": {"MAIL_TO": "ops@example.com"},
#   "hooks": {"errored": "/path/to/contrib/hooks/mail.sh"}
set -eu
. "$(dirname "$0")/common.sh"
opm_need MAIL_TO
sendmail=$(command -v sendmail || echo /usr/sbin/sendmail)
{
	[ -n "${MAIL_FROM:-}" ] && printf 'From: %s\n' "$MAIL_FROM"
	printf 'To: %s\n' "$MAIL_TO"
	printf 'Subject: opm: %s %s on %s\n' "$OPM_APP" \
	    "${OPM_HOOK:-$OPM_EVENT}" "$(hostname)"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	opm_message
	printf '\nevent: %s\n' "${OPM_EVENT_JSON:-}"
} | "$sendmail" -t -oi
