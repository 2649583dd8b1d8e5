#!/bin/sh
# contrib/hooks/discord.sh: posts the event to a Discord webhook.
#   "env": {"DISCORD_WEBHOOK_URL": "https://discord.com/api/webhooks/..."},
#   "hooks": {"crash": "/path/to/contrib/hooks/discord.sh"}
set -eu
. "$(dirname "$0")/common.sh"
opm_need DISCORD_WEBHOOK_URL
exec curl -fsS --max-time 8 -H 'Content-Type: application/json' \
    --data-binary "{\"content\": $(opm_json_string "$(opm_message)")}" \
    "$DISCORD_WEBHOOK_URL"
