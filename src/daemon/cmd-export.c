/*
 * export: the app file of the targets (all when none), no runtime state.
 * An app with instances is one app of the file (instances: N), however
 * many of its instances the targets name.
 */
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "protocol.h"

/* Whether an earlier target of ctx is an instance of a's app. */
static bool
cmd_export_seen(struct cmd_ctx *ctx, size_t i, const struct app *a)
{
	struct app	*b;
	size_t		 j;

	if (a->instance < 0)
		return (false);
	for (j = 0; j < i; j++) {
		b = app_find_id(ctx->ids[j]);
		if (strcmp(b->conf.name, a->conf.name) == 0)
			return (true);
	}
	return (false);
}

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
	if (ctx->nids == 0)
		cmd_add_all(ctx);
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (!cmd_export_seen(ctx, i, a))
			cJSON_AddItemToArray(arr, conf_to_json(&a->conf));
	}
	cmd_ok(ctx, d);
	return (CMD_DONE);
}
