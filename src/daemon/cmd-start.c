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
#include "deps.h"
#include "dotenv.h"
#include "interp.h"
#include "json.h"
#include "log.h"
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
	if (eb != NULL && c->inherit_env && (c->env_base =
	    conf_env_share(json_strv(eb, OPM_ENV_MAX, &why))) == NULL) {
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
void
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
	struct app	*a = NULL;
	cJSON		*out;
	size_t		 i, bad = 0;

	for (i = 0; ctx->created && i < ctx->nids; i++) {
		if ((a = app_find_id(ctx->ids[i])) != NULL &&
		    a->run.state == APP_ERRORED && a->run.fails == 0)
			bad++;
	}
	/* Errored without a failed start: it cannot execute. */
	if (ctx->created && ctx->nids > 0 && bad == ctx->nids) {
		/* Nothing is created from a program that cannot run. */
		cmd_error(ctx, "%s: %s", a->conf.name, a->run.reason);
		for (i = 0; i < ctx->nids; i++)
			app_delete(app_find_id(ctx->ids[i]));
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
	if (a->run.state == APP_STOPPED || a->run.state == APP_ERRORED ||
	    (a->run.state == APP_WAITING && a->run.dep_wait)) {
		/* Held when its dependencies are not met (app-deps.c). */
		app_start(a);
		return ("started");	/* "failed" comes from cmd_start_done */
	}
	if (a->run.state == APP_STOPPING) {
		app_event(a, EV_START);
		return ("starts once stopped");
	}
	return (a->run.state == APP_ONLINE ? "already online" :
	    "already starting");
}

/* Problems of depends_on found by deps_check, one line each in cause. */
struct cmd_start_deps {
	char	*cause;
	size_t	 clen;
};

static void
cmd_start_deps_line(void *arg, size_t i, const char *why)
{
	struct cmd_start_deps	*d = arg;
	size_t			 n = strlen(d->cause);

	(void)i;
	snprintf(d->cause + n, d->clen - n, "%s%s", n > 0 ? "; " : "", why);
}

/*
 * depends_on of one new app c against the daemon's apps: -1 and cause when
 * it names itself or no app, or closes a cycle.
 */
static int
cmd_start_deps_one(const struct app_conf *c, char *cause, size_t clen)
{
	struct cmd_start_deps	  d = { cause, clen };
	const struct app_conf	**v;
	struct app		 *a;
	bool			 *check;
	size_t			  n = 0;

	if (c->ndeps == 0)
		return (0);
	v = xcalloc(app_count() + 1, sizeof *v);
	check = xcalloc(app_count() + 1, sizeof *check);
	v[n] = c;
	check[n++] = true;
	TAILQ_FOREACH(a, &apps, entry)
		v[n++] = &a->conf;
	cause[0] = '\0';
	n = deps_check(v, check, n, cmd_start_deps_line, &d);
	free(v);
	free(check);
	return (n > 0 ? -1 : 0);
}

/*
 * Notes every instance of the new app a (all of them when it has
 * instances) as created, started unless autostart is false.
 */
static void
cmd_start_created(struct cmd_ctx *ctx, struct app *a)
{
	for (; a != NULL; a = app_next_same(a)) {
		if (a->conf.autostart)
			app_start(a);
		cmd_start_note(ctx, a, "created");
	}
}

/*
 * Creates and starts c (ownership taken), every instance of it. -1 after
 * replying an error; the reply for a started app waits for its exec
 * verdict (cmd_start_done). An app of that name with the same program is
 * started instead, every instance of it.
 */
static int
cmd_start_create(struct cmd_ctx *ctx, struct app_conf *c)
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
			return (-1);
		}
		conf_free(c);
		if (app_deleting(a)) {
			cmd_error(ctx, "%s is being deleted", a->conf.name);
			return (-1);
		}
		for (; a != NULL; a = app_next_same(a))
			cmd_start_note(ctx, a, cmd_start_existing(a));
		return (0);
	}
	total = cmd_apps_bytes();
	if (app_check_program(c, cause, sizeof cause) == -1 ||
	    cmd_start_deps_one(c, cause, sizeof cause) == -1 ||
	    cmd_apps_room_all(&total, c, cause, sizeof cause) == -1) {
		cmd_error(ctx, "%s", cause);
		conf_free(c);
		return (-1);
	}
	if ((a = app_create_group(c, NULL, 0, cause, sizeof cause)) == NULL) {
		cmd_error(ctx, "%s", cause);
		conf_free(c);
		return (-1);
	}
	/* One that cannot run is dropped by cmd_start_done. */
	ctx->created = true;
	cmd_start_created(ctx, a);
	return (0);
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

/* A problem of depends_on in an app file: the app and the file index. */
struct cmd_start_fdeps {
	struct cmd_start_problems	 *p;
	const struct app_conf		**v;
	const size_t			 *fidx;
	bool				 *had;	/* app i has a problem */
};

static void
cmd_start_fdeps_line(void *arg, size_t k, const char *why)
{
	struct cmd_start_fdeps	*d = arg;
	size_t			 i = d->fidx[k];

	cmd_start_problem(d->p, i, d->v[k]->name, why);
	if (!d->had[i]) {
		d->had[i] = true;
		d->p->bad++;
	}
}

/*
 * depends_on of the new apps of a file (confs[0..n), ok[i]: parsed),
 * checked against the file and the daemon's apps together: an app of the
 * file that exists already counts as it is, not as the file says.
 */
static void
cmd_start_file_deps(struct cmd_start_problems *p, struct app_conf *confs,
    const bool *ok, size_t n, bool *had)
{
	struct cmd_start_fdeps	  d;
	const struct app_conf	**v;
	struct app		 *a;
	size_t			 *fidx, i, k = 0;
	bool			 *check, any = false;

	for (i = 0; i < n; i++)
		any = any || confs[i].ndeps > 0;
	if (!any)
		return;
	v = xcalloc(n + app_count() + 1, sizeof *v);
	fidx = xcalloc(n + app_count() + 1, sizeof *fidx);
	check = xcalloc(n + app_count() + 1, sizeof *check);
	for (i = 0; i < n; i++) {
		if (confs[i].name[0] == '\0' ||
		    app_find_name(confs[i].name) != NULL)
			continue;
		fidx[k] = i;
		check[k] = ok[i];
		v[k++] = &confs[i];
	}
	TAILQ_FOREACH(a, &apps, entry) {
		fidx[k] = SIZE_MAX;
		v[k++] = &a->conf;
	}
	d.p = p;
	d.v = v;
	d.fidx = fidx;
	d.had = had;
	deps_check(v, check, k, cmd_start_fdeps_line, &d);
	free(v);
	free(fidx);
	free(check);
}

/*
 * The names of an app file seen so far, a hash set (open addressing, at
 * most half full): comparing each name with every earlier one made 10,000
 * apps cost 50 million comparisons.
 */
struct cmd_start_names {
	const char	**slot;
	size_t		  cap;
};

static struct cmd_start_names *
cmd_start_names_new(size_t n)
{
	struct cmd_start_names	*s = xcalloc(1, sizeof *s);

	for (s->cap = 16; s->cap < 2 * n; s->cap *= 2)
		;
	s->slot = xcalloc(s->cap, sizeof *s->slot);
	return (s);
}

static void
cmd_start_names_free(struct cmd_start_names *s)
{
	free(s->slot);
	free(s);
}

/* Adds name (kept by the caller); false when it was there already. */
static bool
cmd_start_names_add(struct cmd_start_names *s, const char *name)
{
	size_t		 h = 5381;
	const char	*p;

	for (p = name; *p != '\0'; p++)
		h = h * 33 + (unsigned char)*p;
	for (h &= s->cap - 1; s->slot[h] != NULL; h = (h + 1) & (s->cap - 1)) {
		if (strcmp(s->slot[h], name) == 0)
			return (false);
	}
	s->slot[h] = name;
	return (true);
}

/*
 * An app file is applied whole or not at all: every app is parsed and
 * checked first (names unique in the file and free of a leading '-', and
 * for each app not already present, cmd_start_check), and any problem
 * refuses the request with every problem listed, one line each. Apps
 * already present by name are left alone.
 *
 * Long because every check shares the parsed configurations and must free
 * them on every path. On success f holds them and the sockets bound for
 * new apps, for cmd_start_file_create (or cmd_start_file_free).
 */
int
cmd_start_file_check(struct cmd_ctx *ctx, const cJSON *list,
    struct cmd_start_file *f)
{
	struct cmd_start_problems	 p = { NULL, 0, 0 };
	struct app_conf			*confs;
	const cJSON			*e;
	char				 cause[4096];
	size_t				 n = 0, i, j, before;
	size_t				 total = cmd_apps_bytes();
	bool				*ok, *had, keyed;
	size_t				*kidx, nkidx = 0, k;
	struct cmd_start_names		*seen;
	int				**lfds;

	memset(f, 0, sizeof *f);
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
		cmd_error(ctx, "apps: must be a non-empty array");
		return (-1);
	}
	confs = xcalloc(cJSON_GetArraySize(list), sizeof *confs);
	kidx = xcalloc(cJSON_GetArraySize(list), sizeof *kidx);
	seen = cmd_start_names_new((size_t)cJSON_GetArraySize(list));
	ok = xcalloc(cJSON_GetArraySize(list), sizeof *ok);
	had = xcalloc(cJSON_GetArraySize(list), sizeof *had);
	cJSON_ArrayForEach(e, list) {
		before = p.n;
		if (cmd_start_conf(ctx, e, &confs[n], cause,
		    sizeof cause) == -1) {
			cmd_start_problem(&p, n, confs[n].name, cause);
			p.bad++;
			had[n] = true;
			n++;
			continue;
		}
		ok[n] = true;
		if (!cmd_start_names_add(seen, confs[n].name)) {
			snprintf(cause, sizeof cause, "name: '%s' given twice",
			    confs[n].name);
			cmd_start_problem(&p, n, "", cause);
		}
		/*
		 * Two apps without log paths of their own never clash: an
		 * app without any is checked against those with some only.
		 */
		keyed = app_log_keyed(&confs[n]);
		for (j = 0; j < (keyed ? n : nkidx) && p.n == before; j++) {
			k = keyed ? j : kidx[j];
			if (ok[k] && app_find_name(confs[n].name) == NULL &&
			    app_log_clash(&confs[n], &confs[k], cause,
			    sizeof cause))
				cmd_start_problem(&p, n, confs[n].name, cause);
		}
		if (keyed)
			kidx[nkidx++] = n;
		if (p.n == before && app_find_name(confs[n].name) == NULL) {
			if (app_log_check(&confs[n], cause, sizeof cause) == -1)
				cmd_start_problem(&p, n, confs[n].name, cause);
			cmd_start_check(&p, n, &confs[n]);
			if (p.n == before && cmd_apps_room_all(&total, &confs[n],
			    cause, sizeof cause) == -1)
				cmd_start_problem(&p, n, confs[n].name, cause);
		}
		if (p.n > before) {
			p.bad++;
			had[n] = true;
		}
		n++;
	}
	free(kidx);
	cmd_start_names_free(seen);
	cmd_start_file_deps(&p, confs, ok, n, had);
	/* Last the sockets of new apps: a port in use refuses the file. */
	lfds = xcalloc(n, sizeof *lfds);
	for (i = 0; i < n && p.n == 0; i++) {
		if (app_find_name(confs[i].name) == NULL &&
		    app_listen_bind(&confs[i], &lfds[i], cause,
		    sizeof cause) == -1) {
			cmd_start_problem(&p, i, confs[i].name, cause);
			p.bad++;
		}
	}
	if (p.n > 0) {
		for (i = 0; i < n; i++)
			app_listen_unbind(&confs[i], lfds[i]);
		free(lfds);
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
		free(had);
		return (-1);
	}
	free(ok);
	free(had);
	f->confs = confs;
	f->n = n;
	f->lfds = lfds;
	return (0);
}

void
cmd_start_file_free(struct cmd_start_file *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		app_listen_unbind(&f->confs[i], f->lfds[i]);
		conf_free(&f->confs[i]);
	}
	free(f->confs);
	free(f->lfds);
	memset(f, 0, sizeof *f);
}

void
cmd_start_file_create(struct cmd_ctx *ctx, struct cmd_start_file *f)
{
	struct app_conf	 *confs = f->confs;
	struct app	 *a, **starts;
	char		  cause[4096];
	size_t		  n = f->n, i, j, nstarts = 0;
	int		**lfds = f->lfds;

	/* Created first, then started: dependencies first (app-deps.c). */
	for (i = 0, j = 1; i < n; i++)
		j += confs[i].instances > 0 ? confs[i].instances : 1;
	starts = xcalloc(j, sizeof *starts);
	for (i = 0; i < n; i++) {
		if ((a = app_find_name(confs[i].name)) != NULL) {
			app_listen_unbind(&confs[i], lfds[i]);
			conf_free(&confs[i]);
			for (; a != NULL; a = app_next_same(a))
				cmd_start_note(ctx, a, "exists");
			continue;
		}
		/* Sockets are bound for an app without instances only. */
		if (confs[i].instances == 0)
			a = app_create_bound(&confs[i], -1, -1, lfds[i], cause,
			    sizeof cause);
		else {
			app_listen_unbind(&confs[i], lfds[i]);
			a = app_create_group(&confs[i], NULL, 0, cause,
			    sizeof cause);
		}
		if (a == NULL) {
			/* Not in the reply: at least in the daemon's log. */
			log_warnx("%s: not created: %s", confs[i].name, cause);
			conf_free(&confs[i]);
			continue;
		}
		for (; a != NULL; a = app_next_same(a)) {
			if (a->conf.autostart)
				starts[nstarts++] = a;
			cmd_start_note(ctx, a, "created");
		}
	}
	free(lfds);
	app_start_ordered(starts, nstarts);
	free(starts);
	free(confs);
	memset(f, 0, sizeof *f);
}

static enum cmd_retval
cmd_start_file(struct cmd_ctx *ctx, const cJSON *list)
{
	struct cmd_start_file	f;

	if (cmd_start_file_check(ctx, list, &f) == -1)
		return (CMD_DONE);
	cmd_start_file_create(ctx, &f);
	return (cmd_wait_settled(ctx, cmd_start_done));
}

/* Starts the targets, dependencies first (deps_order). */
static void
cmd_start_targets(struct cmd_ctx *ctx)
{
	const struct app_conf	**v;
	struct app		 *a;
	size_t			 *order, i;

	v = xcalloc(ctx->nids + 1, sizeof *v);
	order = xcalloc(ctx->nids + 1, sizeof *order);
	for (i = 0; i < ctx->nids; i++)
		v[i] = &app_find_id(ctx->ids[i])->conf;
	deps_order(v, ctx->nids, order);
	free(v);
	for (i = 0; i < ctx->nids; i++) {
		/* By id: a start's callbacks may have deleted one. */
		if ((a = app_find_id(ctx->ids[order[i]])) != NULL)
			ctx->actions[order[i]] = cmd_start_existing(a);
		else
			ctx->actions[order[i]] = "started";
	}
	free(order);
}

enum cmd_retval
cmd_start(struct cmd_ctx *ctx)
{
	const cJSON	*t, *obj;
	struct app_conf	 c;
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
		cmd_start_targets(ctx);
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
	if (cmd_start_create(ctx, &c) == -1)
		return (CMD_DONE);
	return (cmd_wait_settled(ctx, cmd_start_done));
}
