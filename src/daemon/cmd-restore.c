/*
 * restore: the dump (or its .bak) brought up by app_restore()
 * (app-restore.c), a reconciliation inside the daemon, in one request.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "protocol.h"

enum cmd_retval
cmd_restore(struct cmd_ctx *ctx)
{
	const struct paths	*p = daemon_paths();
	char			 path[sizeof p->dump + 8], cause[512];
	cJSON			*out;

	snprintf(path, sizeof path, "%s%s", p->dump,
	    cJSON_IsTrue(cJSON_GetObjectItem(ctx->args,
	    PROTO_ARG_FROM_BACKUP)) ?
	    ".bak" : "");
	if ((out = app_restore(path, cause, sizeof cause)) == NULL)
		cmd_error(ctx, "%s", cause);
	else
		cmd_ok(ctx, out);
	return (CMD_DONE);
}
