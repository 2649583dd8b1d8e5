/* export: the app file of the targets (all when none), no runtime state. */
#include "app.h"
#include "cmd.h"
#include "protocol.h"

enum cmd_retval
cmd_export(struct cmd_ctx *ctx)
{
	cJSON		*d = cJSON_CreateObject(), *arr;
	struct app	*a;
	size_t		 i;

	if (cJSON_GetObjectItem(ctx->args, PROTO_ARG_TARGET) != NULL &&
	    cmd_targets(ctx) == -1) {
		cJSON_Delete(d);
		return (CMD_DONE);
	}
	arr = cJSON_AddArrayToObject(d, "apps");
	if (ctx->nids == 0) {
		TAILQ_FOREACH(a, &apps, entry)
			cJSON_AddItemToArray(arr, conf_to_json(&a->conf));
	}
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		cJSON_AddItemToArray(arr, conf_to_json(&a->conf));
	}
	cmd_ok(ctx, d);
	return (CMD_DONE);
}
