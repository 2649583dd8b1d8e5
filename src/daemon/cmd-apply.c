/*
 * apply: make the daemon's apps match an app file, in one request, so the
 * plan and the acts see the same state (the daemon is the only one that
 * changes it). Every app of the file is parsed and checked as start checks
 * an app file (cmd_start_file_check): one problem and nothing is done. The
 * plan compares each app's saved configuration with the file's through
 * conf_diff (the option table), never runtime state:
 *   created    not present by name: created, started unless autostart false
 *   changed    present, some keys differ: the new configuration replaces
 *              the old in every instance and a running app is restarted
 *              (cmd_apply_restart); keys an app is built from (instances,
 *              listen, the log paths) replace it: deleted, then created
 *   unchanged  present, no key differs: left alone, whatever its state
 *   deleted    with prune, present but not in the file: deleted
 * With dry_run the plan is the reply and nothing changes.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "protocol.h"
#include "xmem.h"

/* Keys an app's processes, sockets or log files are built from. */
static const char *const cmd_apply_rebuild[] = {
	"instances", "listen", "out_file", "error_file", "log_file",
	"merge_logs", NULL
};

/* Whether a key of keys makes the change a delete and create. */
static bool
cmd_apply_rebuilds(const cJSON *keys)
{
	const cJSON	*k;
	size_t		 i;

	cJSON_ArrayForEach(k, keys) {
		for (i = 0; cmd_apply_rebuild[i] != NULL; i++) {
			if (strcmp(k->valuestring, cmd_apply_rebuild[i]) == 0)
				return (true);
		}
	}
	return (false);
}

/*
 * The one place apply restarts a changed app: the same event as the
 * restart request.
 */
static void
cmd_apply_restart(struct app *a)
{
	if (app_desired_running(a))
		app_event(a, EV_RESTART);
}

/* Whether name is one of the file's apps. */
static bool
cmd_apply_in_file(const struct cmd_start_file *f, const char *name)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->confs[i].name, name) == 0)
			return (true);
	}
	return (false);
}

static bool
cmd_apply_listed(const cJSON *arr, const char *name)
{
	const cJSON	*e;

	cJSON_ArrayForEach(e, arr) {
		if (cJSON_IsString(e) && strcmp(e->valuestring, name) == 0)
			return (true);
		if (cJSON_IsObject(e) && json_str(e, "name") != NULL &&
		    strcmp(json_str(e, "name"), name) == 0)
			return (true);
	}
	return (false);
}

/* The reply: the plan, and each created or changed app that failed. */
static void
cmd_apply_done(struct cmd_ctx *ctx)
{
	cJSON		*plan = ctx->plan, *failed, *o;
	struct app	*a;

	ctx->plan = NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(plan, "_rebuild");
	cJSON_DeleteItemFromObjectCaseSensitive(plan, "_env_base");
	failed = cJSON_AddArrayToObject(plan, "failed");
	TAILQ_FOREACH(a, &apps, entry) {
		if (!cmd_apply_listed(cJSON_GetObjectItem(plan, "created"),
		    a->conf.name) && !cmd_apply_listed(cJSON_GetObjectItem(plan,
		    "changed"), a->conf.name))
			continue;
		if (a->run.state != APP_ERRORED && !app_ready_failed(a))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", a->label);
		cJSON_AddStringToObject(o, PROTO_REASON, a->run.reason);
		cJSON_AddItemToArray(failed, o);
	}
	cmd_ok(ctx, plan);
}

/*
 * The apps that are rebuilt, once their old instances are gone: created
 * from the file's objects, checked again now their names are free.
 */
static void
cmd_apply_rebuilt(struct cmd_ctx *ctx)
{
	struct cmd_start_file	 f;
	struct cmd_ctx		*next;
	cJSON			*args, *list;
	const cJSON		*eb;

	list = cJSON_DetachItemFromObjectCaseSensitive(ctx->plan, "_rebuild");
	if (cJSON_GetArraySize(list) == 0) {
		cJSON_Delete(list);
		cmd_apply_done(ctx);
		return;
	}
	/* ctx is freed after this returns: the wait needs a context. */
	next = xcalloc(1, sizeof *next);
	next->client = ctx->client;
	next->id = ctx->id;
	ctx->id = NULL;
	next->plan = ctx->plan;
	ctx->plan = NULL;
	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_APPS, list);
	if ((eb = cJSON_GetObjectItem(next->plan, "_env_base")) != NULL)
		cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE,
		    cJSON_Duplicate(eb, true));
	next->args = args;
	if (cmd_start_file_check(next, list, &f) == -1) {
		cJSON_Delete(args);
		cmd_free(next);
		return;
	}
	cmd_start_file_create(next, &f);
	next->args = NULL;
	cJSON_Delete(args);
	if (cmd_wait_settled(next, cmd_apply_done) == CMD_DONE)
		cmd_free(next);
}

/* Once the first acts settled: the rebuilt apps, then the reply. */
static void
cmd_apply_settled(struct cmd_ctx *ctx)
{
	if (cJSON_GetObjectItem(ctx->plan, "_rebuild") != NULL)
		cmd_apply_rebuilt(ctx);
	else
		cmd_apply_done(ctx);
}

/* Replaces the configuration of every instance of a by c's, restarted. */
static void
cmd_apply_change(struct app *a, const struct app_conf *c)
{
	for (; a != NULL; a = app_next_same(a)) {
		conf_free(&a->conf);
		app_conf_copy(&a->conf, c);
		app_save(a);
		cmd_apply_restart(a);
	}
}

/* Deletes every instance of a, waited for by ctx. */
static void
cmd_apply_delete(struct cmd_ctx *ctx, struct app *a)
{
	struct app	*next;

	for (; a != NULL; a = next) {
		next = app_next_same(a);
		cmd_add_id(ctx, a->id);
		app_delete(a);
	}
}

/*
 * The plan of f against the daemon's apps, into ctx->plan; -1 after an
 * error (an app of the file is being deleted).
 */
static int
cmd_apply_plan(struct cmd_ctx *ctx, const struct cmd_start_file *f,
    bool prune)
{
	cJSON		*created, *changed, *unchanged, *deleted, *keys, *o;
	struct app	*a;
	size_t		 i;

	ctx->plan = cJSON_CreateObject();
	created = cJSON_AddArrayToObject(ctx->plan, "created");
	changed = cJSON_AddArrayToObject(ctx->plan, "changed");
	unchanged = cJSON_AddArrayToObject(ctx->plan, "unchanged");
	deleted = cJSON_AddArrayToObject(ctx->plan, "deleted");
	for (i = 0; i < f->n; i++) {
		if ((a = app_find_name(f->confs[i].name)) == NULL) {
			cJSON_AddItemToArray(created,
			    cJSON_CreateString(f->confs[i].name));
			continue;
		}
		if (app_deleting(a)) {
			cmd_error(ctx, "%s is being deleted", a->conf.name);
			return (-1);
		}
		keys = conf_diff(&a->conf, &f->confs[i]);
		if (cJSON_GetArraySize(keys) == 0) {
			cJSON_Delete(keys);
			cJSON_AddItemToArray(unchanged,
			    cJSON_CreateString(f->confs[i].name));
			continue;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", f->confs[i].name);
		cJSON_AddItemToObject(o, "keys", keys);
		cJSON_AddItemToArray(changed, o);
	}
	if (!prune)
		return (0);
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->instance <= 0 && !cmd_apply_in_file(f, a->conf.name))
			cJSON_AddItemToArray(deleted,
			    cJSON_CreateString(a->conf.name));
	}
	return (0);
}

/* Carries the plan out; the reply waits for every app it touched. */
static enum cmd_retval
cmd_apply_act(struct cmd_ctx *ctx, struct cmd_start_file *f,
    const cJSON *list)
{
	const cJSON	*e, *o, *eb;
	cJSON		*rebuild = NULL;
	struct app	*a;
	size_t		 i;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(ctx->plan, "changed")) {
		a = app_find_name(json_str(e, "name"));
		for (i = 0; i < f->n; i++) {
			if (strcmp(f->confs[i].name, a->conf.name) == 0)
				break;
		}
		if (!cmd_apply_rebuilds(cJSON_GetObjectItem(e, "keys"))) {
			cmd_apply_change(a, &f->confs[i]);
			continue;
		}
		/* The file's object, created again once the old is gone. */
		if (rebuild == NULL)
			rebuild = cJSON_AddArrayToObject(ctx->plan,
			    "_rebuild");
		o = cJSON_GetArrayItem(list, (int)i);
		cJSON_AddItemToArray(rebuild, cJSON_Duplicate(o, true));
		cmd_apply_delete(ctx, a);
	}
	if (rebuild != NULL && (eb = cJSON_GetObjectItemCaseSensitive(
	    ctx->args, PROTO_ARG_ENV_BASE)) != NULL)
		cJSON_AddItemToObject(ctx->plan, "_env_base",
		    cJSON_Duplicate(eb, true));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(ctx->plan, "deleted"))
		cmd_apply_delete(ctx, app_find_name(e->valuestring));
	/* New apps created and started; present ones noted, waited for. */
	if (f->n > 0)
		cmd_start_file_create(ctx, f);
	return (cmd_wait_settled(ctx, cmd_apply_settled));
}

enum cmd_retval
cmd_apply(struct cmd_ctx *ctx)
{
	struct cmd_start_file	 f;
	const cJSON		*list, *prune, *dry;

	list = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_APPS);
	prune = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_PRUNE);
	dry = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_DRY_RUN);
	if (!cJSON_IsArray(list)) {
		cmd_error(ctx, "apps: must be an array");
		return (CMD_DONE);
	}
	if ((prune != NULL && !cJSON_IsBool(prune)) ||
	    (dry != NULL && !cJSON_IsBool(dry))) {
		cmd_error(ctx, "prune, dry_run: must be true or false");
		return (CMD_DONE);
	}
	memset(&f, 0, sizeof f);
	/* An empty file is no error here: with prune it deletes all. */
	if (cJSON_GetArraySize(list) > 0 &&
	    cmd_start_file_check(ctx, list, &f) == -1)
		return (CMD_DONE);
	if (cmd_apply_plan(ctx, &f, cJSON_IsTrue(prune)) == -1 ||
	    cJSON_IsTrue(dry)) {
		cmd_start_file_free(&f);
		if (!ctx->replied) {
			cJSON_AddTrueToObject(ctx->plan, "dry_run");
			cmd_ok(ctx, ctx->plan);
			ctx->plan = NULL;
		}
		return (CMD_DONE);
	}
	return (cmd_apply_act(ctx, &f, list));
}
