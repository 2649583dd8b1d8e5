/*
 * reload: the rolling restart of issue 14 item 4. Targets with listening
 * sockets (listen, exec_mode cluster) that are online are reloaded one at
 * a time, in target order (app-reload.c): a new process next to the old
 * one, ready, then the old one stopped, then the next. The first failure
 * ends the roll: that target keeps its old process and the ones after it
 * are left alone (skipped). Other targets are restarted at once, as
 * restart does (PM2's reload of a fork-mode app is a restart too). The
 * reply, once every target has settled, is restart's, with each object's
 * action (reloaded, restarted, failed, skipped) and for a failure its
 * cause.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "protocol.h"
#include "xmem.h"

struct cmd_reload {
	struct cmd_ctx	 *ctx;
	size_t		  next;		/* the target rolled now */
	bool		  failed;
};

/* Rolled one at a time: it has sockets its new process can share. */
static bool
cmd_reload_rolls(const struct app *a)
{
	return (a->conf.listen != NULL && a->run.state == APP_ONLINE);
}

static void
cmd_reload_finish(struct cmd_ctx *ctx)
{
	cJSON			*arr = cJSON_CreateArray(), *o;
	struct app		*a;
	const char		*act;
	size_t			 i;

	/* A target deleted during its reload: the reload failed all the same. */
	for (i = 0; i < ctx->nids; i++) {
		if (app_find_id(ctx->ids[i]) == NULL && ctx->causes[i] != NULL) {
			cJSON_Delete(arr);
			cmd_error(ctx, "app id %d: not reloaded: %s", ctx->ids[i],
			    ctx->causes[i]);
			return;
		}
	}
	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) == NULL)
			continue;
		o = app_to_json(a, false);
		cmd_env_notice(o, a);
		act = ctx->actions[i];
		/* A restart not ready in time failed as well. */
		if (act != NULL && strcmp(act, PROTO_ACTION_RESTARTED) == 0 &&
		    app_ready_failed(a))
			act = PROTO_ACTION_FAILED;
		if (act != NULL)
			cJSON_AddStringToObject(o, PROTO_ACTION, act);
		if (ctx->causes[i] != NULL)
			cJSON_AddStringToObject(o, PROTO_CAUSE,
			    ctx->causes[i]);
		cJSON_AddItemToArray(arr, o);
	}
	cmd_ok(ctx, arr);
}

/* Every roll is over: the reply once the restarted ones settle too. */
static void
cmd_reload_end(struct cmd_reload *r)
{
	struct cmd_ctx	*ctx = r->ctx;

	free(r);
	if (cmd_wait_settled(ctx, cmd_reload_finish) == CMD_DONE) {
		ipc_unref(ctx->client);
		cmd_free(ctx);
	} else
		ipc_unref(ctx->client);	/* the wait holds its own */
}

static void	cmd_reload_next(struct cmd_reload *);

static void
cmd_reload_done(void *arg, bool ok, const char *cause)
{
	struct cmd_reload	*r = arg;

	r->ctx->actions[r->next] = ok ? PROTO_ACTION_RELOADED :
	    PROTO_ACTION_FAILED;
	if (!ok) {
		r->ctx->causes[r->next] = xstrdup(cause != NULL ? cause :
		    "failed");
		r->failed = true;
	}
	r->next++;
	cmd_reload_next(r);
}

/* The next target to roll, or the end. */
static void
cmd_reload_next(struct cmd_reload *r)
{
	struct cmd_ctx	*ctx = r->ctx;
	struct app	*a;
	char		 cause[320];

	for (; r->next < ctx->nids; r->next++) {
		if ((a = app_find_id(ctx->ids[r->next])) == NULL ||
		    ctx->actions[r->next] != NULL)
			continue;
		if (r->failed) {
			ctx->actions[r->next] = PROTO_ACTION_SKIPPED;
			continue;
		}
		if (app_reload_begin(a, cmd_reload_done, r, cause,
		    sizeof cause) == 0)
			return;
		ctx->actions[r->next] = PROTO_ACTION_FAILED;
		ctx->causes[r->next] = xstrdup(cause);
		r->failed = true;
	}
	cmd_reload_end(r);
}

enum cmd_retval
cmd_reload(struct cmd_ctx *ctx)
{
	struct cmd_reload	*r;
	struct app		*a;
	size_t			 i;

	if (cmd_restart_prepare(ctx) == -1)
		return (CMD_DONE);
	ctx->actions = xcalloc(ctx->nids + 1, sizeof *ctx->actions);
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (cmd_reload_rolls(a))
			continue;
		ctx->actions[i] = PROTO_ACTION_RESTARTED;
		app_event(a, EV_RESTART);
	}
	r = xcalloc(1, sizeof *r);
	r->ctx = ctx;
	ctx->causes = xcalloc(ctx->nids + 1, sizeof *ctx->causes);
	ipc_ref(ctx->client);
	cmd_reload_next(r);
	return (CMD_WAIT);
}
