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
#include "daemon.h"
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
	{ PROTO_CMD_SCALE,	cmd_scale },
	{ PROTO_CMD_EVENTS,	cmd_events },
	{ PROTO_CMD_METRICS,	cmd_metrics },
	{ PROTO_CMD_RELOAD,	cmd_reload },
	{ PROTO_CMD_APPLY,	cmd_apply },
};

void
cmd_free(struct cmd_ctx *ctx)
{
	size_t	i;

	cJSON_Delete(ctx->id);
	free(ctx->ids);
	free(ctx->actions);
	for (i = 0; ctx->causes != NULL && i < ctx->nids; i++)
		free(ctx->causes[i]);
	free(ctx->causes);
	cJSON_Delete(ctx->gone);
	cJSON_Delete(ctx->plan);
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

/* While resolving one request's targets: "all" was seen already. */
static bool	cmd_saw_all;

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

	if (cmd_saw_all)
		return;
	for (i = 0; i < ctx->nids; i++) {
		if (ctx->ids[i] == id)
			return;
	}
	cmd_add_id(ctx, id);
}

/*
 * NAME:K, instance K of the app NAME: true with the name in buf and K.
 * A name never ends in ':DIGITS', so the split is never ambiguous.
 */
static bool
cmd_target_instance(const char *w, char *buf, size_t len, int *k)
{
	const char	*colon = strrchr(w, ':'), *cause;
	long long	 n;

	if (colon == NULL || colon == w || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    (size_t)(colon - w) >= len)
		return (false);
	if (parse_int(colon + 1, 0, INT32_MAX, &n, &cause) == -1)
		n = INT32_MAX;
	snprintf(buf, len, "%.*s", (int)(colon - w), w);
	*k = (int)n;
	return (true);
}

struct app *
cmd_target_app(const char *w)
{
	long long	 id;
	const char	*cause;
	char		 name[OPM_NAME_MAX + 1];
	int		 k;

	if (parse_int(w, 0, INT32_MAX, &id, &cause) == 0)
		return (app_find_id((int)id));
	if (cmd_target_instance(w, name, sizeof name, &k))
		return (app_find_instance(name, k));
	return (app_find_name(w));
}

/* One word of a target: id, name (every instance), NAME:K or "all". */
static int
cmd_target_word(const char *w, void *arg)
{
	struct cmd_ctx	*ctx = arg;
	struct app	*a;
	char		 name[OPM_NAME_MAX + 1];
	int		 k, n;

	if (strcmp(w, PROTO_TARGET_ALL) == 0) {
		if (cmd_saw_all)
			return (0);
		TAILQ_FOREACH(a, &apps, entry)
			cmd_add_target(ctx, a->id);
		cmd_saw_all = true;
		return (0);
	}
	if ((a = cmd_target_app(w)) == NULL) {
		if (cmd_target_instance(w, name, sizeof name, &k) &&
		    (n = app_count_name(name)) > 0 &&
		    app_find_name(name)->instance >= 0)
			cmd_error(ctx, "unknown app '%.80s': %s has instances "
			    "0 to %d", w, name, n - 1);
		else if (cmd_target_instance(w, name, sizeof name, &k) &&
		    app_find_name(name) != NULL)
			cmd_error(ctx, "unknown app '%.80s': %s has no "
			    "instances", w, name);
		else
			cmd_error(ctx, "unknown app '%.80s'", w);
		return (-1);
	}
	/* A name stands for every instance of the app. */
	for (; a != NULL; a = app_next_same(a)) {
		cmd_add_target(ctx, a->id);
		if (a->instance < 0 || strcmp(a->conf.name, w) != 0)
			break;
	}
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

/* Words of a comma list, as strtok_r splits it (empty ones skipped). */
static size_t
cmd_count_words(const char *s)
{
	size_t	n = 0;
	bool	in = false;

	for (; *s != '\0'; s++) {
		if (*s == ',')
			in = false;
		else if (!in) {
			in = true;
			n++;
		}
	}
	return (n);
}

/*
 * Resolving is linear in the words and the apps: a request may name at
 * most OPM_TARGETS_MAX words, counted before any is looked up, so that
 * one request (a 1 MiB line holds 200000 words) cannot stall the loop.
 */
static int
cmd_targets_resolve(struct cmd_ctx *ctx, const cJSON *t)
{
	const cJSON	*e;
	size_t		 n = 0;

	if (cJSON_IsString(t))
		n = cmd_count_words(t->valuestring);
	else {
		cJSON_ArrayForEach(e, t) {
			if (!cJSON_IsString(e)) {
				cmd_error(ctx, "target: not a string");
				return (-1);
			}
			n += cmd_count_words(e->valuestring);
		}
	}
	if (n > OPM_TARGETS_MAX) {
		cmd_error(ctx, "too many targets (%zu words; limit %d)", n,
		    OPM_TARGETS_MAX);
		return (-1);
	}
	if (cJSON_IsString(t))
		return (cmd_target_str(ctx, t->valuestring));
	cJSON_ArrayForEach(e, t) {
		if (cmd_target_str(ctx, e->valuestring) == -1)
			return (-1);
	}
	return (0);
}

int
cmd_targets(struct cmd_ctx *ctx)
{
	const cJSON	*t;
	int		 r;

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, "target");
	if (cJSON_IsString(t) ||
	    (cJSON_IsArray(t) && cJSON_GetArraySize(t) > 0)) {
		cmd_saw_all = false;
		r = cmd_targets_resolve(ctx, t);
		cmd_saw_all = false;
		return (r);
	}
	cmd_error(ctx, "missing target");
	return (-1);
}

int
cmd_refuse_deleting(struct cmd_ctx *ctx)
{
	struct app	*a;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (a != NULL && app_deleting(a)) {
			cmd_error(ctx, "%s is being deleted", a->conf.name);
			return (-1);
		}
	}
	return (0);
}

int
cmd_refuse_reloading(struct cmd_ctx *ctx)
{
	struct app	*a;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (a != NULL && app_reloading(a) && a->peer->run.successor) {
			cmd_error(ctx, "%s is being reloaded", a->label);
			return (-1);
		}
	}
	return (0);
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

/* Bytes of s as a JSON string, cJSON's escapes included. */
static size_t
cmd_json_len(const char *s)
{
	const unsigned char	*p;
	size_t			 n = 2;

	if (s == NULL)
		return (4);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (strchr("\"\\\b\f\n\r\t", *p) != NULL)
			n += 2;
		else if (*p < 0x20)
			n += 6;
		else
			n++;
	}
	return (n);
}

static size_t
cmd_strv_len(char *const *v)
{
	size_t	n = 2;

	for (; v != NULL && *v != NULL; v++)
		n += cmd_json_len(*v) + 3;	/* "K":"V" and a comma */
	return (n);
}

/*
 * An upper bound of the bytes one app takes in a reply listing apps:
 * app_to_json's runtime fields (the reason included) and log paths, or
 * conf_to_json's options, plus the strings of its configuration.
 */
static size_t
cmd_conf_bytes(const struct app_conf *c)
{
	size_t	n, i;

	n = 3072 + 2 * cmd_json_len(daemon_paths()->logs) +
	    4 * cmd_json_len(c->name) + cmd_strv_len(c->argv) +
	    2 * cmd_json_len(c->script) + 2 * cmd_strv_len(c->args) +
	    2 * cmd_json_len(c->interpreter) +
	    2 * cmd_strv_len(c->interp_args) +
	    cmd_json_len(c->cwd) + cmd_strv_len(c->env) +
	    cmd_json_len(c->env_file);
	/* Environment sets, and log paths twice (out_log, err_log). */
	for (i = 0; i < c->nenvsets; i++)
		n += cmd_json_len(c->envsets[i].name) + 8 +
		    cmd_strv_len(c->envsets[i].env);
	/* listen: in config, and address and bound in info's listen. */
	n += 3 * cmd_strv_len(c->listen);
	/* depends_on: {"app":NAME,"condition":"completed"}, */
	for (i = 0; i < c->ndeps; i++)
		n += cmd_json_len(c->deps[i].name) + 40;
	return (n + cmd_json_len(c->env_name) + 2 * (cmd_json_len(c->out_file) +
	    cmd_json_len(c->error_file)) + cmd_json_len(c->log_file) +
	    cmd_json_len(c->log_date_format));
}

size_t
cmd_apps_bytes(void)
{
	struct app	*a;
	size_t		 n = 0;

	TAILQ_FOREACH(a, &apps, entry)
		n += cmd_conf_bytes(&a->conf);
	return (n);
}

int
cmd_apps_room(size_t *total, const struct app_conf *c, char *cause,
    size_t clen)
{
	size_t	n = cmd_conf_bytes(c);

	if (*total + n > OPM_APPS_BYTES_MAX) {
		snprintf(cause, clen, "no room for app '%s': with it the "
		    "configuration of all apps would take %.1f MiB of a reply "
		    "(limit %d MiB)", c->name, (*total + n) / 1048576.0,
		    OPM_APPS_BYTES_MAX >> 20);
		return (-1);
	}
	*total += n;
	return (0);
}

int
cmd_apps_room_all(size_t *total, const struct app_conf *c, char *cause,
    size_t clen)
{
	unsigned	k;

	for (k = 0; k < (c->instances > 0 ? c->instances : 1); k++) {
		if (cmd_apps_room(total, c, cause, clen) == -1)
			return (-1);
	}
	return (0);
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

/*
 * A notice on app object o when a's environment set is not in its
 * configuration: PM2 then uses env alone, silently; opm says so.
 */
void
cmd_env_notice(cJSON *o, const struct app *a)
{
	char	buf[256];

	if (a->conf.env_name == NULL ||
	    conf_envset(&a->conf, a->conf.env_name) != NULL)
		return;
	snprintf(buf, sizeof buf, "%s: no env_%s in its configuration; "
	    "using env only", a->conf.name, a->conf.env_name);
	cJSON_AddStringToObject(o, PROTO_NOTICE, buf);
}

/*
 * --env NAME of start and restart: the set every target uses from its
 * next start on, saved. -1 after replying an error.
 */
int
cmd_env_name(struct cmd_ctx *ctx)
{
	const cJSON	*v;
	struct app	*a;
	size_t		 i;

	v = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_ENV_NAME);
	if (v == NULL)
		return (0);
	if (!cJSON_IsString(v) || !conf_setname_ok(v->valuestring)) {
		cmd_error(ctx, "env_name: must be 1-64 of [A-Za-z0-9._-]");
		return (-1);
	}
	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) == NULL)
			continue;
		free(a->conf.env_name);
		a->conf.env_name = xstrdup(v->valuestring);
		app_save(a);
	}
	return (0);
}

static void	cmd_settled_cb(void *);

static bool
cmd_unsettled(const struct app *a)
{
	return (a != NULL && (app_stopping(a) || app_exec_pending(a) ||
	    app_ready_pending(a)));
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
	else if (!json_is_int(v, ipc_proto_version, ipc_proto_version))
		cmd_error(ctx, "protocol version mismatch: the daemon speaks "
		    "v%d; restart it with 'opm daemon restart'",
		    ipc_proto_version);
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
