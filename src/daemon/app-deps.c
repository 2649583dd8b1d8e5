/*
 * Start order in the daemon (depends_on; the decisions are deps.c's).
 *
 * A start of an app whose dependencies are not met holds it: `waiting`,
 * no timer, reason "waiting for db (ready)" (EV_HOLD). Every transition of
 * an app looks again at the apps held on it (app_deps_changed, called by
 * app_event: no polling), which start the moment the last condition holds
 * (EV_START) or end errored, reason "not started: dependency db is errored
 * (...)", when one cannot hold any more (EV_DEP_FAIL). A start also starts
 * the dependencies that are stopped or errored (as docker compose up does),
 * so that a start of one app, a restore or a boot never waits for
 * something nobody will start: a one-shot job that completed before the
 * dump was saved runs again before the apps that need it.
 *
 * A stop of a set of apps goes the other way (app_stop_ordered): an app
 * of the set is sent its stop once no app of the set that depends on it
 * is up any more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "deps.h"
#include "log.h"
#include "xmem.h"

/* Pulled dependencies nest at most this deep (a cycle in a dump). */
#define APP_DEPS_PULL_DEPTH	32

static int	app_deps_depth;

/*
 * The verdict on all of a's dependencies, and the reason to show in why.
 * pull: start the dependencies that are stopped or errored first.
 */
static enum deps_verdict
app_deps_verdict(struct app *a, bool pull, char *why, size_t len)
{
	const struct conf_dep	*dep;
	struct app		*d;
	enum deps_verdict	 v, all = DEPS_MET;
	char			 one[sizeof a->run.reason - 16], wait[512] = "";
	size_t			 i;

	for (i = 0; i < a->conf.ndeps; i++) {
		dep = &a->conf.deps[i];
		d = app_find_name(dep->name);
		if (d == a)
			d = NULL;
		v = deps_verdict(dep, d != NULL ? &d->run : NULL, one,
		    sizeof one);
		if (v != DEPS_MET && pull && d != NULL && !app_deleting(d) &&
		    (d->run.state == APP_STOPPED ||
		    d->run.state == APP_ERRORED) &&
		    app_deps_depth < APP_DEPS_PULL_DEPTH) {
			log_info("%s: starting %s, which it depends on",
			    a->conf.name, d->conf.name);
			app_deps_depth++;
			app_start(d);
			app_deps_depth--;
			v = deps_verdict(dep, &d->run, one, sizeof one);
		}
		if (v == DEPS_FAILED) {
			snprintf(why, len, "not started: %s", one);
			return (DEPS_FAILED);
		}
		if (v == DEPS_WAIT) {
			if (wait[0] != '\0')
				strlcat(wait, ", ", sizeof wait);
			strlcat(wait, one, sizeof wait);
			all = DEPS_WAIT;
		}
	}
	if (all == DEPS_WAIT)
		snprintf(why, len, "waiting for %s", wait);
	return (all);
}

/* Held, or to be: a start would spawn it now. */
static bool
app_deps_idle(const struct app *a)
{
	return (a->run.state == APP_STOPPED || a->run.state == APP_ERRORED ||
	    a->run.state == APP_WAITING);
}

/* Feeds a the event its dependencies call for. */
static void
app_deps_apply(struct app *a, enum deps_verdict v, const char *why)
{
	if (v == DEPS_MET) {
		app_event(a, EV_START);
		return;
	}
	/* Held again with a new reason: no transition, saved all the same. */
	strlcpy(a->run.reason, why, sizeof a->run.reason);
	app_event(a, v == DEPS_WAIT ? EV_HOLD : EV_DEP_FAIL);
}

void
app_start(struct app *a)
{
	enum deps_verdict	v;
	char			why[sizeof a->run.reason];

	if (a->conf.ndeps == 0 || !app_deps_idle(a) || app_deleting(a)) {
		app_event(a, EV_START);
		return;
	}
	v = app_deps_verdict(a, true, why, sizeof why);
	app_deps_apply(a, v, why);
}

/* A held app looks at its dependencies again. */
static void
app_deps_recheck(struct app *a)
{
	enum deps_verdict	v;
	char			why[sizeof a->run.reason];

	if (!a->run.dep_wait)
		return;
	v = app_deps_verdict(a, false, why, sizeof why);
	if (v == DEPS_WAIT && strcmp(why, a->run.reason) == 0)
		return;
	app_deps_apply(a, v, why);
}

/* Whether a depends on the app called name. */
static bool
app_deps_on(const struct app *a, const char *name)
{
	size_t	i;

	for (i = 0; i < a->conf.ndeps; i++) {
		if (strcmp(a->conf.deps[i].name, name) == 0)
			return (true);
	}
	return (false);
}

/* The held apps that depend on name (all held apps for NULL) look again. */
static void
app_deps_recheck_held(const char *name)
{
	struct app	*a;
	int		*ids = NULL;
	size_t		 n = 0, i;

	/* By id: starting one may run callbacks that delete another. */
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->run.dep_wait && (name == NULL || app_deps_on(a, name))) {
			ids = xreallocarray(ids, n + 1, sizeof *ids);
			ids[n++] = a->id;
		}
	}
	for (i = 0; i < n; i++) {
		if ((a = app_find_id(ids[i])) != NULL)
			app_deps_recheck(a);
	}
	free(ids);
}

void
app_deps_changed(const char *name)
{
	app_deps_recheck_held(name);
}

void
app_deps_recheck_all(void)
{
	app_deps_recheck_held(NULL);
}

void
app_start_ordered(struct app **v, size_t n)
{
	const struct app_conf	**confs;
	size_t			 *order, i;
	int			 *ids;

	confs = xcalloc(n + 1, sizeof *confs);
	order = xcalloc(n + 1, sizeof *order);
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < n; i++) {
		confs[i] = &v[i]->conf;
		ids[i] = v[i]->id;
	}
	deps_order(confs, n, order);
	free(confs);
	/* By id: a start may run callbacks that delete an app. */
	for (i = 0; i < n; i++) {
		struct app *a = app_find_id(ids[order[i]]);

		if (a != NULL)
			app_start(a);
	}
	free(order);
	free(ids);
}

/*
 * A stop in reverse order: the ids of the set (sorted, as the app list
 * is), which of them were sent their stop, which are waited on, and how
 * many waits are under way.
 */
struct app_stopset {
	int		 *ids;
	size_t		  n;
	struct app	**ptr;		/* ids[i]'s app now, or NULL */
	bool		 *sent;
	bool		 *waited;
	bool		 *blocked;
	int		  pending;
	void		(*done)(void *);
	void		 *arg;
};

struct app_stopwait {
	struct app_stopset	*s;
	size_t			 i;
};

static void	app_stopset_step(struct app_stopset *);

static int
app_stopset_cmp(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x < y ? -1 : x > y);
}

/* The index of id in the set, or -1. */
static ssize_t
app_stopset_index(const struct app_stopset *s, int id)
{
	const int	*p;

	p = bsearch(&id, s->ids, s->n, sizeof *s->ids, app_stopset_cmp);
	return (p != NULL ? p - s->ids : -1);
}

/* ptr[] from the app list, in one walk: both are in id order. */
static void
app_stopset_resolve(struct app_stopset *s)
{
	struct app	*a;
	size_t		 i = 0;

	memset(s->ptr, 0, s->n * sizeof *s->ptr);
	TAILQ_FOREACH(a, &apps, entry) {
		while (i < s->n && s->ids[i] < a->id)
			i++;
		if (i == s->n)
			break;
		if (s->ids[i] == a->id)
			s->ptr[i] = a;
	}
}

/* blocked[i]: an app of the set that is up (it runs or waits to run)
 * depends on ids[i]; it must stop first. */
static void
app_stopset_block(struct app_stopset *s)
{
	struct app	*b, *d;
	size_t		 j, k;
	ssize_t		 i;

	memset(s->blocked, 0, s->n * sizeof *s->blocked);
	for (j = 0; j < s->n; j++) {
		b = s->ptr[j];
		if (b == NULL || b->conf.ndeps == 0 ||
		    b->run.state == APP_STOPPED || b->run.state == APP_ERRORED)
			continue;
		for (k = 0; k < b->conf.ndeps; k++) {
			d = app_find_name(b->conf.deps[k].name);
			if (d != NULL && d != b &&
			    (i = app_stopset_index(s, d->id)) != -1)
				s->blocked[i] = true;
		}
	}
}

static void
app_stopset_free(struct app_stopset *s)
{
	free(s->ids);
	free(s->ptr);
	free(s->sent);
	free(s->waited);
	free(s->blocked);
	free(s);
}

static void
app_stopset_cb(void *arg)
{
	struct app_stopwait	*w = arg;
	struct app_stopset	*s = w->s;
	struct app		*a = app_find_id(s->ids[w->i]);

	s->waited[w->i] = false;
	s->pending--;
	free(w);
	/* Only the stop of a dependent can let another app stop. */
	if (s->pending == 0 || a == NULL || a->conf.ndeps > 0)
		app_stopset_step(s);
	if (s->pending > 0)
		return;
	s->done(s->arg);
	app_stopset_free(s);
}

/* Sends the stops now due, and waits on the apps stopping. */
static void
app_stopset_step(struct app_stopset *s)
{
	struct app_stopwait	*w;
	struct app		*a;
	size_t			 i, sent, left;
	int			 count;
	bool			 ordered = false;

	app_stopset_resolve(s);
	for (i = 0; i < s->n && !ordered; i++)
		ordered = s->ptr[i] != NULL && s->ptr[i]->conf.ndeps > 0;
	do {
		sent = left = 0;
		if (ordered)
			app_stopset_block(s);
		for (i = 0; i < s->n; i++) {
			if (s->sent[i])
				continue;
			if ((a = s->ptr[i]) == NULL) {
				s->sent[i] = true;
				continue;
			}
			if (ordered && s->blocked[i]) {
				left++;
				continue;
			}
			s->sent[i] = true;
			sent++;
			count = app_count();
			app_event(a, EV_STOP);
			/* A reply's callback deleted an app meanwhile. */
			if (app_count() != count)
				app_stopset_resolve(s);
		}
		for (i = 0; i < s->n; i++) {
			if (s->waited[i] || (a = s->ptr[i]) == NULL ||
			    !app_stopping(a))
				continue;
			w = xcalloc(1, sizeof *w);
			w->s = s;
			w->i = i;
			s->waited[i] = true;
			s->pending++;
			app_wait(a, app_stopset_cb, w);
		}
		/* Nothing to wait for, nothing sent: a cycle; stop the rest. */
		if (left > 0 && sent == 0 && s->pending == 0)
			ordered = false;
	} while (left > 0 && s->pending == 0);
}

int
app_stop_ordered(const int *ids, size_t n, void (*done)(void *), void *arg)
{
	struct app_stopset	*s = xcalloc(1, sizeof *s);
	size_t			 i, k = 0;

	s->ids = xcalloc(n + 1, sizeof *s->ids);
	memcpy(s->ids, ids, n * sizeof *ids);
	qsort(s->ids, n, sizeof *s->ids, app_stopset_cmp);
	for (i = 0; i < n; i++) {
		if (k == 0 || s->ids[i] != s->ids[k - 1])
			s->ids[k++] = s->ids[i];
	}
	s->n = k;
	s->ptr = xcalloc(k + 1, sizeof *s->ptr);
	s->sent = xcalloc(k + 1, sizeof *s->sent);
	s->waited = xcalloc(k + 1, sizeof *s->waited);
	s->blocked = xcalloc(k + 1, sizeof *s->blocked);
	s->done = done;
	s->arg = arg;
	app_stopset_step(s);
	if (s->pending > 0)
		return (s->pending);
	app_stopset_free(s);
	return (0);
}
