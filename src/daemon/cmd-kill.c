/* kill: opm daemon stop. Every app is stopped, in parallel, then we exit. */
#include "app.h"
#include "cmd.h"
#include "xmem.h"

static void
cmd_kill_done(struct cmd_ctx *ctx)
{
	cmd_ok(ctx, NULL);
	daemon_shutdown("stop requested");
}

enum cmd_retval
cmd_kill(struct cmd_ctx *ctx)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		app_event(a, EV_STOP);
		ctx->ids = xreallocarray(ctx->ids, ctx->nids + 1,
		    sizeof *ctx->ids);
		ctx->ids[ctx->nids++] = a->id;
	}
	return (cmd_wait_settled(ctx, cmd_kill_done));
}
