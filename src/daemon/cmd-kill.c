/*
 * kill: opm daemon stop. Every app is stopped, in parallel, then we exit.
 * reexec: opm daemon reload.
 */
#include "app.h"
#include "cmd.h"
#include "daemon.h"
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

/* reexec: opm daemon reload. The reply goes out before the exec. */
enum cmd_retval
cmd_reexec(struct cmd_ctx *ctx)
{
	cJSON	*d = daemon_status();

	cmd_ok(ctx, d);
	daemon_reload();
	return (CMD_DONE);
}
