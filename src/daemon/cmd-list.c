/* list: every app; info: one app with its whole configuration. */
#include <stdlib.h>

#include "app.h"
#include "json.h"
#include "cmd.h"

enum cmd_retval
cmd_list(struct cmd_ctx *ctx)
{
	struct json_buf	 b = { NULL, 0, 0, false };
	struct app	*a;
	cJSON		*raw;

	/* Text, not a tree: app_json_write. */
	json_put(&b, "[", 1);
	TAILQ_FOREACH(a, &apps, entry) {
		if (a != TAILQ_FIRST(&apps))
			json_put(&b, ",", 1);
		app_json_write(&b, a);
	}
	json_put(&b, "]", 2);
	raw = cJSON_CreateRaw(b.s);
	free(b.s);
	cmd_ok(ctx, raw);
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
