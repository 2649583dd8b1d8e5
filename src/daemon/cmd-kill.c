/*
 * kill: opm daemon stop. Every app is stopped, in parallel, then we exit.
 * The same stop-all serves SIGTERM and SIGINT (main.c).
 * reexec: opm daemon reload.
 */
#include <stdlib.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "xmem.h"

struct cmd_stop_all {
	void	(*done)(void *);
	void	 *arg;
	int	  pending;
};

/* Waits on every app still stopping; the number waited on. */
static int
cmd_stop_all_wait(struct cmd_stop_all *sa, void (*cb)(void *))
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->run.state == APP_STOPPING) {
			sa->pending++;
			app_wait(a, cb, sa);
		}
	}
	return (sa->pending);
}

static void
cmd_stop_all_cb(void *arg)
{
	struct cmd_stop_all	*sa = arg;

	if (--sa->pending > 0)
		return;
	/* Woken by one step: look again. */
	if (cmd_stop_all_wait(sa, cmd_stop_all_cb) > 0)
		return;
	sa->done(sa->arg);
	free(sa);
}

int
cmd_stop_all(void (*done)(void *), void *arg)
{
	struct cmd_stop_all	*sa = xcalloc(1, sizeof *sa);
	struct app		*a;
	int			 n;

	sa->done = done;
	sa->arg = arg;
	TAILQ_FOREACH(a, &apps, entry)
		app_event(a, EV_STOP);
	if ((n = cmd_stop_all_wait(sa, cmd_stop_all_cb)) == 0)
		free(sa);
	return (n);
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
