/* env: the exact environment the app's next start gets, sorted. */
#include "app.h"
#include "cmd.h"
#include "json.h"
#include "xmem.h"

enum cmd_retval
cmd_env(struct cmd_ctx *ctx)
{
	char	**env, cause[512];

	if (cmd_targets(ctx) == -1)
		return (CMD_DONE);
	if (ctx->nids != 1) {
		cmd_error(ctx, "env takes exactly one app");
		return (CMD_DONE);
	}
	env = app_environ(app_find_id(ctx->ids[0]), cause, sizeof cause);
	if (env == NULL) {
		cmd_error(ctx, "env_file %s", cause);
		return (CMD_DONE);
	}
	cmd_ok(ctx, json_from_strv(env));
	xfreev(env);
	return (CMD_DONE);
}
