/*
 * scale: the number of instances of an app, as PM2's scale sets it: N, or
 * +N / -N (delta). New instances take the next numbers and are started;
 * removed ones are the highest numbers, stopped then deleted. Every
 * instance's configuration says the new count (instances: N), saved in
 * its runtime state; opm save puts it in the dump. Scaling to 0 is
 * refused (PM2 would delete the app: opm delete says so plainly).
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

/* Remembers a and what scale did to it, for the reply. */
static void
cmd_scale_note(struct cmd_ctx *ctx, struct app *a, const char *action)
{
	ctx->actions = xreallocarray(ctx->actions, ctx->nids + 1,
	    sizeof *ctx->actions);
	ctx->actions[ctx->nids] = action;
	cmd_add_id(ctx, a->id);
}

/*
 * The group after scaling, each instance with its action, then the
 * removed ones ({id, name, instance, action: "deleted"}); an error if one
 * survived its stop.
 */
static void
cmd_scale_done(struct cmd_ctx *ctx)
{
	struct app	*a;
	cJSON		*out, *o, *g;
	size_t		 i;

	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (a != NULL && strcmp(ctx->actions[i], "deleted") == 0) {
			cmd_error(ctx, "%s: not deleted: %s", a->label,
			    a->run.reason);
			return;
		}
	}
	out = cJSON_CreateArray();
	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) == NULL)
			continue;
		o = app_to_json(a, false);
		cJSON_AddStringToObject(o, PROTO_ACTION,
		    a->run.state == APP_ERRORED &&
		    strcmp(ctx->actions[i], "created") == 0 ?
		    PROTO_ACTION_FAILED : ctx->actions[i]);
		cJSON_AddItemToArray(out, o);
	}
	while (ctx->gone != NULL &&
	    (g = cJSON_DetachItemFromArray(ctx->gone, 0)) != NULL)
		cJSON_AddItemToArray(out, g);
	cmd_ok(ctx, out);
}

/* The count asked for: instances N, or the current n plus delta. */
static int
cmd_scale_want(struct cmd_ctx *ctx, const struct app *a, int n, int *want)
{
	const cJSON	*v, *d;

	v = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_INSTANCES);
	d = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_DELTA);
	if ((v == NULL) == (d == NULL)) {
		cmd_error(ctx, "scale: give one of instances and delta");
		return (-1);
	}
	if (v != NULL && !json_is_int(v, 0, OPM_INSTANCES_MAX)) {
		cmd_error(ctx, "instances: must be a whole number from 1 to "
		    "%d", OPM_INSTANCES_MAX);
		return (-1);
	}
	if (d != NULL && !json_is_int(d, -OPM_INSTANCES_MAX,
	    OPM_INSTANCES_MAX)) {
		cmd_error(ctx, "delta: must be a whole number from -%d to %d",
		    OPM_INSTANCES_MAX, OPM_INSTANCES_MAX);
		return (-1);
	}
	*want = v != NULL ? (int)v->valuedouble : n + (int)d->valuedouble;
	if (*want < 1) {
		cmd_error(ctx, "scale: %s would have %d instances; it keeps at "
		    "least 1 (opm stop %s stops it, opm delete %s deletes "
		    "it)", a->conf.name, *want, a->conf.name, a->conf.name);
		return (-1);
	}
	if (*want > OPM_INSTANCES_MAX) {
		cmd_error(ctx, "scale: %s would have %d instances (limit %d)",
		    a->conf.name, *want, OPM_INSTANCES_MAX);
		return (-1);
	}
	return (0);
}

/* Adds instances n to want - 1 of a's app, started; -1 after an error. */
static int
cmd_scale_up(struct cmd_ctx *ctx, struct app *a, int n, int want)
{
	struct app_conf	 c;
	struct app	*b;
	char		 cause[512];
	size_t		 total = cmd_apps_bytes();
	int		 k;

	for (k = n; k < want; k++) {
		if (cmd_apps_room(&total, &a->conf, cause,
		    sizeof cause) == -1) {
			cmd_error(ctx, "%s", cause);
			return (-1);
		}
	}
	for (k = n; k < want; k++) {
		app_conf_copy(&c, &a->conf);
		c.instances = (unsigned)want;
		if ((b = app_create(&c, -1, k, cause, sizeof cause)) == NULL) {
			conf_free(&c);
			cmd_error(ctx, "%s", cause);
			return (-1);
		}
		app_event(b, EV_START);
		cmd_scale_note(ctx, b, "created");
	}
	return (0);
}

/* Removes instances want to n - 1 of a's app, the highest first. */
static void
cmd_scale_down(struct cmd_ctx *ctx, const struct app *a, int n, int want)
{
	struct app	*b;
	cJSON		*o;
	int		 k;

	ctx->gone = cJSON_CreateArray();
	for (k = n - 1; k >= want; k--) {
		if ((b = app_find_instance(a->conf.name, k)) == NULL)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", b->id);
		cJSON_AddStringToObject(o, "name", b->conf.name);
		cJSON_AddNumberToObject(o, "instance", k);
		cJSON_AddStringToObject(o, PROTO_ACTION, "deleted");
		cJSON_AddItemToArray(ctx->gone, o);
		cmd_scale_note(ctx, b, "deleted");
		app_delete(b);
	}
}

enum cmd_retval
cmd_scale(struct cmd_ctx *ctx)
{
	const cJSON	*t;
	struct app	*a, *b;
	int		 n, want;

	t = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_TARGET);
	if (!cJSON_IsString(t)) {
		cmd_error(ctx, "scale: target: one app name");
		return (CMD_DONE);
	}
	if ((a = cmd_target_app(t->valuestring)) == NULL) {
		cmd_error(ctx, "unknown app '%.80s'", t->valuestring);
		return (CMD_DONE);
	}
	a = app_find_name(a->conf.name);
	if (a->instance < 0) {
		cmd_error(ctx, "scale: %s was created without instances; "
		    "delete it and start it again with --instances N (or "
		    "instances: N in its app file)", a->conf.name);
		return (CMD_DONE);
	}
	for (b = a; b != NULL; b = app_next_same(b)) {
		if (app_deleting(b)) {
			cmd_error(ctx, "%s is being deleted", b->label);
			return (CMD_DONE);
		}
	}
	n = app_count_name(a->conf.name);
	if (cmd_scale_want(ctx, a, n, &want) == -1)
		return (CMD_DONE);
	/* Those that stay, first: the count they say is the new one. */
	for (b = a; b != NULL; b = app_next_same(b)) {
		if (b->instance >= want)
			continue;
		b->conf.instances = (unsigned)want;
		app_save(b);
		cmd_scale_note(ctx, b, "unchanged");
	}
	if (want > n && cmd_scale_up(ctx, a, n, want) == -1)
		return (CMD_DONE);
	if (want < n)
		cmd_scale_down(ctx, a, n, want);
	return (cmd_wait_settled(ctx, cmd_scale_done));
}
