/*
 * start, in its three forms:
 *   {"target": T, "app": {...}}  start the apps T names if they all exist,
 *                                 else create the app (opm start WORD)
 *   {"app": {...}}                create and start one app
 *   {"apps": [{...}, ...]}        an app file: validated whole, then each
 *                                 app created unless one of that name exists
 * An app whose name exists with the same program is started, never doubled.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "dotenv.h"
#include "interp.h"
#include "json.h"
#include "parse.h"
#include "proc.h"
#include "protocol.h"
#include "xmem.h"

/* The default name: the script's basename (PM2's) made valid. */
static void
cmd_start_name(struct app_conf *c)
{
	char	 word[256];
	size_t	 i;

	interp_name(c, word, sizeof word);
	snprintf(c->name, sizeof c->name, "%.64s", word);
	for (i = 0; c->name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)c->name[i]) &&
		    strchr("._-", c->name[i]) == NULL)
			c->name[i] = '_';
	}
	if (!parse_name_new_ok(c->name)) {
		snprintf(word, sizeof word, "app-%s", c->name);
		snprintf(c->name, sizeof c->name, "%.64s", word);
	}
}

/* Parses one app object; the request's env_base is the default. */
static int
cmd_start_conf(struct cmd_ctx *ctx, const cJSON *obj, struct app_conf *c,
    char *cause, size_t clen)
{
	const cJSON	*eb;
	const char	*why;

	conf_defaults(c);
	if (conf_from_json(c, obj, cause, clen) == -1)
		return (-1);
	if (c->name[0] != '\0' && !parse_name_new_ok(c->name)) {
		snprintf(cause, clen, "name: '%s' must not begin with '-' "
		    "(commands would read it as an option)", c->name);
		return (-1);
	}
	eb = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_ENV_BASE);
	if (eb != NULL && c->inherit_env && (c->env_base = json_strv(eb,
	    OPM_ENV_MAX, &why)) == NULL) {
		snprintf(cause, clen, "env_base: %s", why);
		return (-1);
	}
	if (c->cwd == NULL) {
		snprintf(cause, clen, "cwd: missing");
		return (-1);
	}
	if (c->name[0] == '\0')
		cmd_start_name(c);
	return (0);
}

/* Adds the app object to out with what was done to it. */
static void
cmd_start_result(cJSON *out, struct app *a, const char *action)
{
	cJSON	*o = app_to_json(a, false);

	cJSON_AddStringToObject(o, PROTO_ACTION, action);
	cmd_env_notice(o, a);
	cJSON_AddItemToArray(out, o);
}

/* Remembers a and what was done to it, for the reply once settled. */
static void
cmd_start_note(struct cmd_ctx *ctx, struct app *a, const char *action)
{
	ctx->actions = xreallocarray(ctx->actions, ctx->nids + 1,
	    sizeof *ctx->actions);
	ctx->actions[ctx->nids] = action;
	cmd_add_id(ctx, a->id);
}

/*
 * The reply, once every app started has its exec verdict (and, with a ready
 * key, is ready or failed its start): a program that turned out not to run
 * in the new process (exec or chdir failed there) is "failed", as when it
 * could not be found before the fork; so is an app not ready in time.
 */
static void
cmd_start_done(struct cmd_ctx *ctx)
{
	struct app	*a;
	cJSON		*out;
	size_t		 i;

	/* Errored without a failed start: it cannot execute. */
	if (ctx->created && ctx->nids == 1 &&
	    (a = app_find_id(ctx->ids[0])) != NULL &&
	    a->run.state == APP_ERRORED && a->run.fails == 0) {
		/* Nothing is created from a program that cannot run. */
		cmd_error(ctx, "%s: %s", a->conf.name, a->run.reason);
		app_delete(a);
		return;
	}
	out = cJSON_CreateArray();
	for (i = 0; i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) == NULL)
			continue;
		/* An app only found in place keeps "exists", errored or not. */
		cmd_start_result(out, a, (a->run.state == APP_ERRORED ||
		    app_ready_failed(a)) &&
		    strcmp(ctx->actions[i], "exists") != 0 ?
		    PROTO_ACTION_FAILED : ctx->actions[i]);
	}
	cmd_ok(ctx, out);
}

static const char *
cmd_start_existing(struct app *a)
{
	if (a->run.state == APP_STOPPED || a->run.state == APP_ERRORED) {
		app_event(a, EV_START);
		return ("started");	/* "failed" comes from cmd_start_done */
	}
	if (a->run.state == APP_STOPPING) {
		app_event(a, EV_START);
		return ("starts once stopped");
	}
	return (a->run.state == APP_ONLINE ? "already online" :
	    "already starting");
}

/*
 * Creates and starts c (ownership taken). NULL after replying an error;
 * the reply for a started app waits for its exec verdict (cmd_start_done).
 */
static struct app *
cmd_start_create(struct cmd_ctx *ctx, struct app_conf *c, const char **action)
{
	struct app	*a;
	char		 cause[512];
	size_t		 total;

	if ((a = app_find_name(c->name)) != NULL) {
		if (!conf_same_program(&a->conf, c)) {
			cmd_error(ctx, "app '%s' already exists (id %d) with "
			    "another command; choose another --name",
			    c->name, a->id);
			conf_free(c);
			return (NULL);
		}
		conf_free(c);
		if (app_deleting(a)) {
			cmd_error(ctx, "%s is being deleted", a->conf.name);
			return (NULL);
		}
		*action = cmd_start_existing(a);
		return (a);
	}
	total = cmd_apps_bytes();
	if (app_check_program(c, cause, sizeof cause) == -1 ||
	    cmd_apps_room(&total, c, cause, sizeof cause) == -1) {
		cmd_error(ctx, "%s", cause);
		conf_free(c);
		return (NULL);
	}
	if ((a = app_create(c, -1, cause, sizeof cause)) == NULL) {
		cmd_error(ctx, "%s", cause);
		conf_free(c);
		return (NULL);
	}
	*action = "created";
	if (!a->conf.autostart)
		return (a);
	/* One that cannot run is dropped by cmd_start_done. */
	app_event(a, EV_START);
	return (a);
}

/* Problems of an app file: the first ones reported, the rest counted. */
#define CMD_START_PROBLEMS	20

struct cmd_start_problems {
	char	*text;		/* one line per problem */
	size_t	 n;
	size_t	 bad;		/* apps with a problem */
};

/* Adds each line of cause as one problem of app i. */
static void
cmd_start_problem(struct cmd_start_problems *p, size_t i, const char *name,
    const char *cause)
{
	char	*line;
	size_t	 n;

	do {
		n = strcspn(cause, "\n");
		if (p->n++ < CMD_START_PROBLEMS) {
			xasprintf(&line, "%s%sapp %zu%s%s: %.*s",
			    p->text ? p->text : "", p->text ? "\n" : "", i + 1,
			    *name ? " " : "", name, (int)n, cause);
			free(p->text);
			p->text = line;
		}
		cause += n;
	} while (*cause++ == '\n');
}

/*
 * What can be known of a new app before anything is applied: its cwd is a
 * directory, its program is found, its env file reads. Each problem goes
 * to p; false when there was one.
 */
static bool
cmd_start_check(struct cmd_start_problems *p, size_t i,
    const struct app_conf *c)
{
	char		  cause[640], why[512], **file = NULL;
	size_t		  n = p->n;

	if (proc_cwd_check(c->cwd, cause, sizeof cause) == -1) {
		cmd_start_problem(p, i, c->name, cause);
	} else if (app_check_program(c, cause, sizeof cause) == -1)
		cmd_start_problem(p, i, c->name, cause);
	if (c->env_file != NULL) {
		if (dotenv_read(c->env_file, &file, why, sizeof why) == -1) {
			snprintf(cause, sizeof cause, "env_file: %s", why);
			cmd_start_problem(p, i, c->name, cause);
		} else
			xfreev(file);
	}
	return (p->n == n);
}

/*
 * An app file is applied whole or not at all: every app is parsed and
 * checked first (names unique in the file and free of a leading '-', and
 * for each app not already present, cmd_start_check), and any problem
 * refuses the request with every problem listed, one line each. Apps
 * already present by name are left alone.
 */
static enum cmd_retval
cmd_start_file(struct cmd_ctx *ctx, const cJSON *list)
{
	struct cmd_start_problems	 p = { NULL, 0, 0 };
	struct app_conf			*confs;
	struct app			*a;
	const cJSON			*e;
	char				 cause[4096];
	size_t				 n = 0, i, j, before;
	size_t				 total = cmd_apps_bytes();
	bool				*ok;

	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
		cmd_error(ctx, "apps: must be a non-empty array");
		return (CMD_DONE);
	}
	confs = xcalloc(cJSON_GetArraySize(list), sizeof *confs);
	ok = xcalloc(cJSON_GetArraySize(list), sizeof *ok);
	cJSON_ArrayForEach(e, list) {
		before = p.n;
		if (cmd_start_conf(ctx, e, &confs[n], cause,
		    sizeof cause) == -1) {
			cmd_start_problem(&p, n, confs[n].name, cause);
			p.bad++;
			n++;
			continue;
		}
		ok[n] = true;
		for (j = 0; j < n; j++) {
			if (ok[j] && strcmp(confs[j].name,
			    confs[n].name) == 0) {
				snprintf(cause, sizeof cause, "name: '%s' "
				    "given twice", confs[n].name);
				cmd_start_problem(&p, n, "", cause);
				break;
			}
		}
		for (j = 0; j < n && p.n == before; j++) {
			if (ok[j] && app_find_name(confs[n].name) == NULL &&
			    app_log_clash(&confs[n], &confs[j], cause,
			    sizeof cause))
				cmd_start_problem(&p, n, confs[n].name, cause);
		}
		if (p.n == before && app_find_name(confs[n].name) == NULL) {
			if (app_log_check(&confs[n], cause, sizeof cause) == -1)
				cmd_start_problem(&p, n, confs[n].name, cause);
			cmd_start_check(&p, n, &confs[n]);
			if (p.n == before && cmd_apps_room(&total, &confs[n],
			    cause, sizeof cause) == -1)
				cmd_start_problem(&p, n, confs[n].name, cause);
		}
		if (p.n > before)
			p.bad++;
		n++;
	}
	if (p.n > 0) {
		if (p.n == 1)
			cmd_error(ctx, "%s", p.text);
		else
			cmd_error(ctx, "%s%s\n%zu problem%s in %zu of %zu apps:"
			    " nothing was started", p.text, p.n >
			    CMD_START_PROBLEMS ? "\n(more problems not "
			    "shown)" : "", p.n, p.n == 1 ? "" : "s", p.bad, n);
		for (i = 0; i < n; i++)
			conf_free(&confs[i]);
		free(p.text);
		free(confs);
		free(ok);
		return (CMD_DONE);
	}
	for (i = 0; i < n; i++) {
		if ((a = app_find_name(confs[i].name)) != NULL) {
			conf_free(&confs[i]);
			cmd_start_note(ctx, a, "exists");
			continue;
		}
		if ((a = app_create(&confs[i], -1, cause, sizeof cause)) == NULL)
			continue;
		if (a->conf.autostart)
			app_event(a, EV_START);
		cmd_start_note(ctx, a, "created");
	}
	free(confs);
	free(ok);
	return (cmd_wait_settled(ctx, cmd_start_done));
}

enum cmd_retval
cmd_start(struct cmd_ctx *ctx)
{
	const cJSON	*t, *obj;
	struct app_conf	 c;
	struct app	*a;
	const char	*action;
	char		 cause[4096];
	size_t		 i;

	obj = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_APPS);
	if (obj != NULL)
		return (cmd_start_file(ctx, obj));
	obj = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_APP);
	t = cJSON_GetObjectItemCaseSensitive(ctx->args, PROTO_ARG_TARGET);
	/* Every word must name an app, or it is a program. */
	if (cJSON_IsString(t) && obj != NULL &&
	    !cmd_target_known(t->valuestring))
		t = NULL;
	if (t != NULL) {
		if (cmd_targets(ctx) == -1 || cmd_refuse_deleting(ctx) == -1 ||
		    cmd_env_name(ctx) == -1)
			return (CMD_DONE);
		ctx->actions = xcalloc(ctx->nids, sizeof *ctx->actions);
		for (i = 0; i < ctx->nids; i++)
			ctx->actions[i] = cmd_start_existing(
			    app_find_id(ctx->ids[i]));
		return (cmd_wait_settled(ctx, cmd_start_done));
	}
	if (obj == NULL) {
		cmd_error(ctx, "start: nothing to start");
		return (CMD_DONE);
	}
	if (cmd_start_conf(ctx, obj, &c, cause, sizeof cause) == -1) {
		/* One line: every problem of the app, one after the other. */
		for (i = 0; cause[i] != '\0'; i++) {
			if (cause[i] == '\n')
				cause[i] = ';';
		}
		cmd_error(ctx, "%s", cause);
		conf_free(&c);
		return (CMD_DONE);
	}
	if ((a = cmd_start_create(ctx, &c, &action)) == NULL)
		return (CMD_DONE);
	cmd_start_note(ctx, a, action);
	ctx->created = strcmp(action, "created") == 0;
	return (cmd_wait_settled(ctx, cmd_start_done));
}
