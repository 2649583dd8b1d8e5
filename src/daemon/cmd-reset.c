/* reset: zero the restart counters. */
#include "app.h"
#include "cmd.h"

enum cmd_retval
cmd_reset(struct cmd_ctx *ctx)
{
	size_t	i;

	if (cmd_targets(ctx) == -1)
		return (CMD_DONE);
	for (i = 0; i < ctx->nids; i++)
		app_reset(app_find_id(ctx->ids[i]));
	cmd_ok(ctx, cmd_target_apps(ctx));
	return (CMD_DONE);
}
