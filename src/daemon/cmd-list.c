/* list: every app; info: one app with its whole configuration. */
#include "app.h"
#include "cmd.h"

enum cmd_retval
cmd_list(struct cmd_ctx *ctx)
{
	cJSON		*arr = cJSON_CreateArray();
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry)
		cJSON_AddItemToArray(arr, app_to_json(a, false));
	cmd_ok(ctx, arr);
	return (CMD_DONE);
}

enum cmd_retval
cmd_info(struct cmd_ctx *ctx)
{
	struct app	*a;

	if (cmd_targets(ctx) == -1)
		return (CMD_DONE);
	if (ctx->nids != 1) {
		cmd_error(ctx, "info takes exactly one app, not %zu",
		    ctx->nids);
		return (CMD_DONE);
	}
	a = app_find_id(ctx->ids[0]);
	cmd_ok(ctx, app_to_json(a, true));
	return (CMD_DONE);
}
