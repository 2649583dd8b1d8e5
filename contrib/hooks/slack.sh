#!/bin/sh
# contrib/hooks/slack.sh: posts the event to a Slack incoming webhook.
#   "env": {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/..."},
#   "hooks": {"crash": "/path/to/contrib/hooks/slack.sh"}
set -eu
. "$(dirname "$0")/common.sh"
opm_need SLACK_WEBHOOK_URL
exec curl -fsS --max-time 8 -H 'Content-Type: application/json' \
    --data-binary "{\"text\": $(opm_json_string "$(opm_message)")}" \
    "$SLACK_WEBHOOK_URL"
