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
#include "xmem.h"

static const struct cmd_entry cmd_table[] = {
	{ "ping",	cmd_ping },
	{ "status",	cmd_status },
	{ "list",	cmd_list },
	{ "info",	cmd_info },
	{ "start",	cmd_start },
	{ "stop",	cmd_stop },
	{ "restart",	cmd_restart },
	{ "delete",	cmd_delete },
	{ "env",	cmd_env },
	{ "signal",	cmd_signal },
	{ "reset",	cmd_reset },
	{ "kill",	cmd_kill },
	{ "save",	cmd_save },
	{ "reexec",	cmd_reexec },
	{ "logs",	cmd_logs },
	{ "flush",	cmd_flush },
	{ "restore",	cmd_restore },
	{ "export",	cmd_export },
};

void
cmd_free(struct cmd_ctx *ctx)
{
	cJSON_Delete(ctx->id);
	free(ctx->ids);
	free(ctx->actions);
	free(ctx);
}

static void
cmd_reply(struct cmd_ctx *ctx, cJSON *r)
{
	ctx->replied = true;
	if (ctx->id != NULL)
		cJSON_AddItemToObject(r, "id", cJSON_Duplicate(ctx->id, 1));
	else
		cJSON_AddNullToObject(r, "id");
	if (!ipc_gone(ctx->client))
		ipc_send(ctx->client, r);
	cJSON_Delete(r);
}

void
cmd_ok(struct cmd_ctx *ctx, cJSON *data)
{
	cJSON	*r = cJSON_CreateObject();

	cJSON_AddNumberToObject(r, "v", OPM_PROTO);
	cJSON_AddTrueToObject(r, "ok");
	if (data != NULL)
		cJSON_AddItemToObject(r, "data", data);
	cmd_reply(ctx, r);
}

void
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	cJSON	*r = cJSON_CreateObject();
	char	*msg;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	cJSON_AddNumberToObject(r, "v", OPM_PROTO);
	cJSON_AddFalseToObject(r, "ok");
	cJSON_AddStringToObject(r, "error", msg ? msg : "out of memory");
	free(msg);
	cmd_reply(ctx, r);
}

static void
cmd_add_id(struct cmd_ctx *ctx, int id)
{
	size_t	i;

	for (i = 0; i < ctx->nids; i++) {
		if (ctx->ids[i] == id)
			return;
	}
	ctx->ids = xreallocarray(ctx->ids, ctx->nids + 1, sizeof *ctx->ids);
	ctx->ids[ctx->nids++] = id;
}

/* One word of a target: id, name or "all". */
static int
cmd_target_word(struct cmd_ctx *ctx, const char *w)
{
	struct app	*a;
	long long	 id;
	const char	*cause;

	if (strcmp(w, "all") == 0) {
		TAILQ_FOREACH(a, &apps, entry)
			cmd_add_id(ctx, a->id);
		return (0);
	}
	if (parse_int(w, 0, INT32_MAX, &id, &cause) == 0)
		a = app_find_id((int)id);
	else
		a = app_find_name(w);
	if (a == NULL) {
		cmd_error(ctx, "unknown app '%.80s'", w);
		return (-1);
	}
	cmd_add_id(ctx, a->id);
	return (0);
}

static int
cmd_target_str(struct cmd_ctx *ctx, const char *s)
{
	char	*copy = xstrdup(s), *w, *save = NULL;
	int	 r = 0, n = 0;

	for (w = strtok_r(copy, ",", &save); w != NULL && r == 0;
	    w = strtok_r(NULL, ",", &save), n++)
		r = cmd_target_word(ctx, w);
	free(copy);
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

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, "target");
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

static bool
cmd_word_all(const char *s)
{
	char	*copy = xstrdup(s), *w, *save = NULL;
	bool	 all = false;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save))
		all = all || strcmp(w, "all") == 0;
	free(copy);
	return (all);
}

bool
cmd_names_all(struct cmd_ctx *ctx)
{
	const cJSON	*t, *e;

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, "target");
	if (cJSON_IsString(t))
		return (cmd_word_all(t->valuestring));
	cJSON_ArrayForEach(e, t) {
		if (cJSON_IsString(e) && cmd_word_all(e->valuestring))
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
	return (a != NULL && (a->run.state == APP_STOPPING ||
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
	id = cJSON_GetObjectItemCaseSensitive(req, "id");
	if (id != NULL && json_is_int(id, 0, 9007199254740991LL))
		ctx->id = cJSON_Duplicate(id, 0);
	v = cJSON_GetObjectItemCaseSensitive(req, "v");
	name = json_str(req, "cmd");
	args = cJSON_GetObjectItemCaseSensitive(req, "args");
	if (id != NULL && ctx->id == NULL)
		cmd_error(ctx, "id: must be a whole number");
	else if (!json_is_int(v, OPM_PROTO, OPM_PROTO))
		cmd_error(ctx, "protocol version mismatch: the daemon speaks "
		    "v%d; restart it with 'opm daemon restart'", OPM_PROTO);
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
