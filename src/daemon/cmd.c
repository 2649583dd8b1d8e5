/*
 * Request dispatch: validate the envelope, find the command in a fixed
 * table, run it. Commands that must wait for processes (stop, restart,
 * delete) keep their context and a reference to the client until every
 * target has settled; if the client left meanwhile, the reply is dropped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

static const struct cmd_entry cmd_table[] = {
	{ PROTO_CMD_PING,	cmd_ping },
	{ PROTO_CMD_STATUS,	cmd_status },
	{ PROTO_CMD_LIST,	cmd_list },
	{ PROTO_CMD_INFO,	cmd_info },
	{ PROTO_CMD_START,	cmd_start },
	{ PROTO_CMD_STOP,	cmd_stop },
	{ PROTO_CMD_RESTART,	cmd_restart },
	{ PROTO_CMD_DELETE,	cmd_delete },
	{ PROTO_CMD_ENV,	cmd_env },
	{ PROTO_CMD_SIGNAL,	cmd_signal },
	{ PROTO_CMD_RESET,	cmd_reset },
	{ PROTO_CMD_KILL,	cmd_kill },
	{ PROTO_CMD_SAVE,	cmd_save },
	{ PROTO_CMD_REEXEC,	cmd_reexec },
	{ PROTO_CMD_LOGS,	cmd_logs },
	{ PROTO_CMD_FLUSH,	cmd_flush },
	{ PROTO_CMD_RESTORE,	cmd_restore },
	{ PROTO_CMD_EXPORT,	cmd_export },
};

void
cmd_free(struct cmd_ctx *ctx)
{
	cJSON_Delete(ctx->id);
	free(ctx->ids);
	free(ctx->actions);
	free(ctx);
}

void
cmd_ok(struct cmd_ctx *ctx, cJSON *data)
{
	cJSON	*r = ipc_reply_new(ctx->id, true);

	ctx->replied = true;
	if (data != NULL)
		cJSON_AddItemToObject(r, PROTO_DATA, data);
	if (!ipc_gone(ctx->client))
		ipc_send(ctx->client, r);
	cJSON_Delete(r);
}

void
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	char	*msg;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	ctx->replied = true;
	if (!ipc_gone(ctx->client))
		ipc_send_error(ctx->client, ctx->id, msg != NULL ? msg :
		    "out of memory", false);
	free(msg);
}

void
cmd_add_id(struct cmd_ctx *ctx, int id)
{
	ctx->ids = xreallocarray(ctx->ids, ctx->nids + 1, sizeof *ctx->ids);
	ctx->ids[ctx->nids++] = id;
}

void
cmd_add_all(struct cmd_ctx *ctx)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry)
		cmd_add_id(ctx, a->id);
}

/* Adds id unless a target named it already. */
static void
cmd_add_target(struct cmd_ctx *ctx, int id)
{
	size_t	i;

	for (i = 0; i < ctx->nids; i++) {
		if (ctx->ids[i] == id)
			return;
	}
	cmd_add_id(ctx, id);
}

struct app *
cmd_target_app(const char *w)
{
	long long	 id;
	const char	*cause;

	if (parse_int(w, 0, INT32_MAX, &id, &cause) == 0)
		return (app_find_id((int)id));
	return (app_find_name(w));
}

/* One word of a target: id, name or "all". */
static int
cmd_target_word(const char *w, void *arg)
{
	struct cmd_ctx	*ctx = arg;
	struct app	*a;

	if (strcmp(w, PROTO_TARGET_ALL) == 0) {
		TAILQ_FOREACH(a, &apps, entry)
			cmd_add_target(ctx, a->id);
		return (0);
	}
	if ((a = cmd_target_app(w)) == NULL) {
		cmd_error(ctx, "unknown app '%.80s'", w);
		return (-1);
	}
	cmd_add_target(ctx, a->id);
	return (0);
}

static int
cmd_target_str(struct cmd_ctx *ctx, const char *s)
{
	size_t	n;
	int	r;

	r = parse_list(s, cmd_target_word, ctx, &n);
	if (r == 0 && n == 0) {
		cmd_error(ctx, "empty target");
		return (-1);
	}
	return (r);
}

int
cmd_targets(struct cmd_ctx *ctx)
{
	const cJSON	*t, *e;

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_TARGET);
	if (cJSON_IsString(t))
		return (cmd_target_str(ctx, t->valuestring));
	if (cJSON_IsArray(t) && cJSON_GetArraySize(t) > 0) {
		cJSON_ArrayForEach(e, t) {
			if (!cJSON_IsString(e)) {
				cmd_error(ctx, "target: not a string");
				return (-1);
			}
			if (cmd_target_str(ctx, e->valuestring) == -1)
				return (-1);
		}
		return (0);
	}
	cmd_error(ctx, "missing target");
	return (-1);
}

static int
cmd_word_all(const char *w, void *arg)
{
	(void)arg;
	return (strcmp(w, PROTO_TARGET_ALL) == 0);
}

static int
cmd_word_unknown(const char *w, void *arg)
{
	(void)arg;
	return (strcmp(w, PROTO_TARGET_ALL) != 0 && cmd_target_app(w) == NULL);
}

bool
cmd_target_known(const char *target)
{
	return (parse_list(target, cmd_word_unknown, NULL, NULL) == 0);
}

bool
cmd_names_all(struct cmd_ctx *ctx)
{
	const cJSON	*t, *e;

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_TARGET);
	if (cJSON_IsString(t))
		return (parse_list(t->valuestring, cmd_word_all, NULL, NULL));
	cJSON_ArrayForEach(e, t) {
		if (cJSON_IsString(e) && parse_list(e->valuestring,
		    cmd_word_all, NULL, NULL))
			return (true);
	}
	return (false);
}

cJSON *
cmd_target_apps(struct cmd_ctx *ctx)
{
	cJSON		*arr = cJSON_CreateArray();
	struct app	*a;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) != NULL)
			cJSON_AddItemToArray(arr, app_to_json(a, false));
	}
	return (arr);
}

static void	cmd_settled_cb(void *);

static bool
cmd_unsettled(const struct app *a)
{
	return (a != NULL && (a->state == APP_STOPPING ||
	    app_exec_pending(a)));
}

/* Waits on every unsettled target; the number waited on. */
static int
cmd_wait_all(struct cmd_ctx *ctx)
{
	struct app	*a;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (cmd_unsettled(a)) {
			ctx->pending++;
			app_wait(a, cmd_settled_cb, ctx);
		}
	}
	return (ctx->pending);
}

static void
cmd_settled_cb(void *arg)
{
	struct cmd_ctx	*ctx = arg;

	if (--ctx->pending > 0)
		return;
	/* Woken by one step (stopped, then launching): look again. */
	if (cmd_wait_all(ctx) > 0)
		return;
	ctx->finish(ctx);
	ipc_unref(ctx->client);
	cmd_free(ctx);
}

enum cmd_retval
cmd_wait_settled(struct cmd_ctx *ctx, void (*finish)(struct cmd_ctx *))
{
	ctx->finish = finish;
	if (cmd_wait_all(ctx) == 0) {
		finish(ctx);
		return (CMD_DONE);
	}
	ipc_ref(ctx->client);
	return (CMD_WAIT);
}

void
cmd_dispatch(struct ipc_client *client, const cJSON *req)
{
	struct cmd_ctx	*ctx = xcalloc(1, sizeof *ctx);
	const cJSON	*id, *v, *args;
	const char	*name;
	size_t		 i;

	ctx->client = client;
	id = cJSON_GetObjectItemCaseSensitive(req, PROTO_ID);
	if (id != NULL && json_is_int(id, 0, PROTO_ID_MAX))
		ctx->id = cJSON_Duplicate(id, 0);
	v = cJSON_GetObjectItemCaseSensitive(req, PROTO_V);
	name = json_str(req, PROTO_CMD);
	args = cJSON_GetObjectItemCaseSensitive(req, PROTO_ARGS);
	if (id != NULL && ctx->id == NULL)
		cmd_error(ctx, "id: must be a whole number");
	else if (!json_is_int(v, PROTO_VERSION, PROTO_VERSION))
		cmd_error(ctx, "protocol version mismatch: the daemon speaks "
		    "v%d; restart it with 'opm daemon restart'", PROTO_VERSION);
	else if (name == NULL)
		cmd_error(ctx, "cmd: missing or not a string");
	else if (args != NULL && !cJSON_IsObject(args))
		cmd_error(ctx, "args: not an object");
	if (ctx->replied) {
		cmd_free(ctx);
		return;
	}
	ctx->args = args;
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
		if (strcmp(cmd_table[i].name, name) == 0)
			break;
	}
	if (i == sizeof cmd_table / sizeof cmd_table[0]) {
		cmd_error(ctx, "unknown command '%.40s'", name);
		cmd_free(ctx);
		return;
	}
	log_debug("request %s", name);
	if (cmd_table[i].exec(ctx) == CMD_DONE)
		cmd_free(ctx);
	else
		ctx->args = NULL;
}
