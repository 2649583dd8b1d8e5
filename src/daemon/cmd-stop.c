/*
 * stop, restart and delete: each sends its event to every target, then
 * replies once every target has left "stopping" (the processes are reaped),
 * so that "opm stop" returning means the app is really gone. A stop sends
 * it to a target that others of the targets depend on once those are down.
 */
#include <stdlib.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

static void
cmd_stop_done(struct cmd_ctx *ctx)
{
	cmd_ok(ctx, cmd_target_apps(ctx));
}

/* Every target is down: the reply, once none is settling either. */
static void
cmd_stop_ordered_cb(void *arg)
{
	struct cmd_ctx	*ctx = arg;

	if (cmd_wait_settled(ctx, cmd_stop_done) == CMD_DONE) {
		ipc_unref(ctx->client);
		cmd_free(ctx);
	} else
		ipc_unref(ctx->client);	/* the wait holds its own */
}

/* Targets that depend on others are stopped first (app_stop_ordered). */
enum cmd_retval
cmd_stop(struct cmd_ctx *ctx)
{
	if (cmd_targets(ctx) == -1)
		return (CMD_DONE);
	if (app_stop_ordered(ctx->ids, ctx->nids, cmd_stop_ordered_cb,
	    ctx) == 0)
		return (cmd_wait_settled(ctx, cmd_stop_done));
	ipc_ref(ctx->client);
	return (CMD_WAIT);
}

static void
cmd_restart_done(struct cmd_ctx *ctx)
{
	cJSON		*arr = cmd_target_apps(ctx), *o;
	struct app	*a;

	cJSON_ArrayForEach(o, arr) {
		if ((a = app_find_id((int)cJSON_GetObjectItem(o,
		    "id")->valuedouble)) == NULL)
			continue;
		cmd_env_notice(o, a);
		/* Not ready in time: the restart failed. */
		if (app_ready_failed(a))
			cJSON_AddStringToObject(o, PROTO_ACTION,
			    PROTO_ACTION_FAILED);
	}
	cmd_ok(ctx, arr);
}

int
cmd_restart_prepare(struct cmd_ctx *ctx)
{
	const cJSON	*eb;
	const char	*why;
	char		**env = NULL;
	struct app	*a;
	size_t		 i;

	/* --env NAME: the set used from this restart on. */
	if (cmd_targets(ctx) == -1 || cmd_refuse_deleting(ctx) == -1 ||
	    cmd_refuse_reloading(ctx) == -1 || cmd_env_name(ctx) == -1)
		return (-1);
	/* --update-env: the CLI's environment replaces the inherited one. */
	eb = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_ENV_BASE);
	if (eb != NULL && (env = json_strv(eb, OPM_ENV_MAX, &why)) == NULL) {
		cmd_error(ctx, "env_base: %s", why);
		return (-1);
	}
	for (i = 0; env != NULL && i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (a->conf.inherit_env) {
			conf_env_unshare(a->conf.env_base);
			a->conf.env_base = conf_env_share(xdupv(env));
		}
	}
	xfreev(env);
	return (0);
}

enum cmd_retval
cmd_restart(struct cmd_ctx *ctx)
{
	size_t	i;

	if (cmd_restart_prepare(ctx) == -1)
		return (CMD_DONE);
	for (i = 0; i < ctx->nids; i++)
		app_event(app_find_id(ctx->ids[i]), EV_RESTART);
	return (cmd_wait_settled(ctx, cmd_restart_done));
}

/* Only an app that is gone is reported deleted. */
static void
cmd_delete_done(struct cmd_ctx *ctx)
{
	struct app	*a;
	cJSON		*d;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) != NULL) {
			cmd_error(ctx, "%s: not deleted: %s", a->conf.name,
			    a->run.reason);
			return;
		}
	}
	d = cJSON_CreateArray();
	for (i = 0; i < ctx->nids; i++)
		cJSON_AddItemToArray(d, cJSON_CreateNumber(ctx->ids[i]));
	cmd_ok(ctx, d);
}

/*
 * An app with instances is deleted whole: instances are removed with
 * scale, highest first, so that they stay numbered 0 to N-1. -1 after
 * replying an error when the targets name only some instances of one.
 */
static int
cmd_delete_whole(struct cmd_ctx *ctx)
{
	struct app	*a, *b;
	size_t		 i, j;

	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (a == NULL || a->instance < 0)
			continue;
		for (b = app_find_name(a->conf.name); b != NULL;
		    b = app_next_same(b)) {
			for (j = 0; j < ctx->nids && ctx->ids[j] != b->id; j++)
				;
			if (j == ctx->nids) {
				cmd_error(ctx, "%s: an instance is not deleted "
				    "alone; opm scale %s N removes instances, "
				    "opm delete %s deletes them all", a->label,
				    a->conf.name, a->conf.name);
				return (-1);
			}
		}
	}
	return (0);
}

enum cmd_retval
cmd_delete(struct cmd_ctx *ctx)
{
	size_t	i;

	if (cmd_targets(ctx) == -1 || cmd_delete_whole(ctx) == -1)
		return (CMD_DONE);
	for (i = 0; i < ctx->nids; i++)
		app_delete(app_find_id(ctx->ids[i]));
	return (cmd_wait_settled(ctx, cmd_delete_done));
}
