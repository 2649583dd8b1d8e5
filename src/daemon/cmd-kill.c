/*
 * kill: opm daemon stop. Every app is stopped, in parallel but for the
 * apps that depend on others (stopped first: app_stop_ordered), then we
 * exit.
 * The same stop-all serves SIGTERM and SIGINT (main.c).
 * reexec: opm daemon reload.
 */
#include <stdlib.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "xmem.h"

/* Every app, dependents before what they depend on (app-deps.c). */
int
cmd_stop_all(void (*done)(void *), void *arg)
{
	struct app	*a;
	int		*ids, r;
	size_t		 n = 0;

	ids = xcalloc(app_count() + 1, sizeof *ids);
	TAILQ_FOREACH(a, &apps, entry)
		ids[n++] = a->id;
	r = app_stop_ordered(ids, n, done, arg);
	free(ids);
	return (r);
}

static void
cmd_kill_done(struct cmd_ctx *ctx)
{
	cmd_ok(ctx, NULL);
	daemon_shutdown("stop requested");
}

static void
cmd_kill_settled(void *arg)
{
	struct cmd_ctx	*ctx = arg;

	cmd_kill_done(ctx);
	ipc_unref(ctx->client);
	cmd_free(ctx);
}

enum cmd_retval
cmd_kill(struct cmd_ctx *ctx)
{
	if (cmd_stop_all(cmd_kill_settled, ctx) == 0) {
		cmd_kill_done(ctx);
		return (CMD_DONE);
	}
	ipc_ref(ctx->client);
	return (CMD_WAIT);
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
