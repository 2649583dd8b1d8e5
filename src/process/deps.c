/*
 * Start order (see include/deps.h): depends_on read and written, the
 * problems and the start order of a set of apps, and the verdict on one
 * dependency. The graph is the apps of a set by name; an edge goes from an
 * app to each app of the set it depends on. One depth-first walk, with an
 * explicit stack (a chain of 10000 apps must not overflow the daemon's),
 * gives both the order (post-order: dependencies first) and the cycles
 * (an edge to an app still on the stack).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "parse.h"
#include "xmem.h"

static const char *const deps_cond_names[] = {
	"started", "ready", "completed"		/* enum deps_cond */
};

const char *
deps_cond_name(enum deps_cond c)
{
	return (deps_cond_names[c]);
}

/* One entry: a name, or an object with app and an optional condition. */
static int
deps_entry(const cJSON *e, struct conf_dep *d, const char **cause)
{
	const cJSON	*k;
	const char	*name = NULL, *cond = "started";
	size_t		 i;

	if (cJSON_IsString(e))
		name = e->valuestring;
	else if (cJSON_IsObject(e)) {
		cJSON_ArrayForEach(k, e) {
			if (strcmp(k->string, "app") == 0 && cJSON_IsString(k))
				name = k->valuestring;
			else if (strcmp(k->string, "condition") == 0 &&
			    cJSON_IsString(k))
				cond = k->valuestring;
			else {
				*cause = "an entry is an app name or {\"app\": "
				    "NAME, \"condition\": started|ready|"
				    "completed}";
				return (-1);
			}
		}
	} else {
		*cause = "an entry is an app name or {\"app\": NAME, "
		    "\"condition\": started|ready|completed}";
		return (-1);
	}
	if (name == NULL || !parse_name_ok(name)) {
		*cause = "an entry names no valid app";
		return (-1);
	}
	for (i = 0; i < sizeof deps_cond_names / sizeof deps_cond_names[0];
	    i++) {
		if (strcmp(cond, deps_cond_names[i]) == 0)
			break;
	}
	if (i == sizeof deps_cond_names / sizeof deps_cond_names[0]) {
		*cause = "condition must be started, ready or completed";
		return (-1);
	}
	strlcpy(d->name, name, sizeof d->name);
	d->cond = (enum deps_cond)i;
	return (0);
}

int
deps_from_json(const cJSON *v, struct conf_dep **deps, size_t *n, char *buf,
    size_t len, const char **cause)
{
	struct conf_dep	*d;
	const cJSON	*e;
	size_t		 i, k = 0;

	if (!cJSON_IsArray(v)) {
		*cause = "must be an array of app names or {\"app\": NAME, "
		    "\"condition\": started|ready|completed}";
		return (-1);
	}
	if (cJSON_GetArraySize(v) > DEPS_MAX) {
		*cause = "more than 64 dependencies";
		return (-1);
	}
	d = xcalloc(cJSON_GetArraySize(v) + 1, sizeof *d);
	cJSON_ArrayForEach(e, v) {
		if (deps_entry(e, &d[k], cause) == -1) {
			free(d);
			return (-1);
		}
		for (i = 0; i < k; i++) {
			if (strcmp(d[i].name, d[k].name) == 0) {
				snprintf(buf, len, "'%s' given twice",
				    d[k].name);
				*cause = buf;
				free(d);
				return (-1);
			}
		}
		k++;
	}
	free(*deps);
	*deps = d;
	*n = k;
	return (0);
}

cJSON *
deps_to_json(const struct conf_dep *d, size_t n)
{
	cJSON	*a = cJSON_CreateArray(), *o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (d[i].cond == DEPS_STARTED) {
			cJSON_AddItemToArray(a, cJSON_CreateString(d[i].name));
			continue;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "app", d[i].name);
		cJSON_AddStringToObject(o, "condition",
		    deps_cond_name(d[i].cond));
		cJSON_AddItemToArray(a, o);
	}
	return (a);
}

bool
deps_can_complete(const struct app_conf *c)
{
	size_t	i;

	if (c->restart != RESTART_ALWAYS)
		return (true);
	for (i = 0; i < c->nstop_codes; i++) {
		if (c->stop_codes[i] == 0)
			return (true);
	}
	return (false);
}

/* The graph of a set: edges as index lists, names found by bsearch. */
struct deps_graph {
	const struct app_conf *const *apps;
	size_t		  n;
	size_t		 *sorted;	/* indices in name order */
	size_t		 *first;	/* n + 1: edges of i in edge[first[i]..] */
	size_t		 *edge;
};

static const struct app_conf *const *deps_sort_apps;

static int
deps_cmp(const void *a, const void *b)
{
	return (strcmp(deps_sort_apps[*(const size_t *)a]->name,
	    deps_sort_apps[*(const size_t *)b]->name));
}

/* The index of the app called name, or SIZE_MAX. */
static size_t
deps_find(const struct deps_graph *g, const char *name)
{
	size_t	lo = 0, hi = g->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, g->apps[g->sorted[mid]]->name);
		if (c == 0)
			return (g->sorted[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (SIZE_MAX);
}

/* Edges to the apps of the set, not to oneself nor to unknown names. */
static void
deps_graph_init(struct deps_graph *g, const struct app_conf *const *apps,
    size_t n)
{
	size_t	i, j, k, m = 0;

	g->apps = apps;
	g->n = n;
	g->sorted = xcalloc(n + 1, sizeof *g->sorted);
	for (i = 0; i < n; i++) {
		g->sorted[i] = i;
		m += apps[i]->ndeps;
	}
	deps_sort_apps = apps;
	qsort(g->sorted, n, sizeof *g->sorted, deps_cmp);
	g->first = xcalloc(n + 1, sizeof *g->first);
	g->edge = xcalloc(m + 1, sizeof *g->edge);
	for (i = 0, m = 0; i < n; i++) {
		g->first[i] = m;
		for (k = 0; k < apps[i]->ndeps; k++) {
			j = deps_find(g, apps[i]->deps[k].name);
			if (j != SIZE_MAX && j != i)
				g->edge[m++] = j;
		}
	}
	g->first[n] = m;
}

static void
deps_graph_free(struct deps_graph *g)
{
	free(g->sorted);
	free(g->first);
	free(g->edge);
}

/*
 * The walk: order[] gets the post-order; cycle(arg, stack, len) is called
 * for each edge that closes one, stack[0] being the app it closes on.
 */
static size_t
deps_walk(const struct deps_graph *g, size_t *order,
    void (*cycle)(void *, const size_t *, size_t), void *arg)
{
	enum { WHITE, GREY, BLACK }	*color;
	size_t				*stack, *next, *pos;
	size_t				 root, top, u, v, out = 0, ncycles = 0;

	color = xcalloc(g->n + 1, sizeof *color);
	stack = xcalloc(g->n + 1, sizeof *stack);
	next = xcalloc(g->n + 1, sizeof *next);
	pos = xcalloc(g->n + 1, sizeof *pos);
	for (root = 0; root < g->n; root++) {
		if (color[root] != WHITE)
			continue;
		top = 0;
		stack[top++] = root;
		color[root] = GREY;
		pos[root] = 0;
		next[root] = g->first[root];
		while (top > 0) {
			u = stack[top - 1];
			if (next[u] == g->first[u + 1]) {
				color[u] = BLACK;
				order[out++] = u;
				top--;
				continue;
			}
			v = g->edge[next[u]++];
			if (color[v] == WHITE) {
				color[v] = GREY;
				pos[v] = top;
				next[v] = g->first[v];
				stack[top++] = v;
			} else if (color[v] == GREY) {
				ncycles++;
				if (cycle != NULL)
					cycle(arg, stack + pos[v], top - pos[v]);
			}
		}
	}
	free(color);
	free(stack);
	free(next);
	free(pos);
	return (ncycles);
}

size_t
deps_order(const struct app_conf *const *apps, size_t n, size_t *order)
{
	struct deps_graph	g;
	size_t			c;

	deps_graph_init(&g, apps, n);
	c = deps_walk(&g, order, NULL, NULL);
	deps_graph_free(&g);
	return (c);
}

struct deps_report {
	const struct app_conf *const *apps;
	const bool	 *check;
	bool		 *reported;	/* in a cycle already named */
	void		(*problem)(void *, size_t, const char *);
	void		 *arg;
	size_t		  n;
};

/* A cycle through a checked app whose apps are not all named yet. */
static void
deps_report_cycle(void *arg, const size_t *c, size_t len)
{
	struct deps_report	*r = arg;
	char			 text[1024];
	size_t			 i, who = SIZE_MAX, fresh = 0, at;

	for (i = 0; i < len; i++) {
		if (r->check[c[i]] && who == SIZE_MAX)
			who = c[i];
		if (!r->reported[c[i]])
			fresh++;
	}
	if (who == SIZE_MAX || fresh == 0)
		return;
	at = strlcpy(text, "depends_on: cycle ", sizeof text);
	for (i = 0; i <= len && at < sizeof text; i++)
		at += snprintf(text + at, sizeof text - at, "%s%s",
		    r->apps[c[i % len]]->name, i < len ? " -> " : "");
	for (i = 0; i < len; i++)
		r->reported[c[i]] = true;
	r->problem(r->arg, who, text);
	r->n++;
}

size_t
deps_check(const struct app_conf *const *apps, const bool *check, size_t n,
    void (*problem)(void *, size_t, const char *), void *arg)
{
	struct deps_graph	 g;
	struct deps_report	 r = { apps, check, NULL, problem, arg, 0 };
	const struct conf_dep	*d;
	size_t			 i, k, j, *order;
	char			 text[512];

	deps_graph_init(&g, apps, n);
	for (i = 0; i < n; i++) {
		for (k = 0; check[i] && k < apps[i]->ndeps; k++) {
			d = &apps[i]->deps[k];
			j = deps_find(&g, d->name);
			if (strcmp(d->name, apps[i]->name) == 0)
				snprintf(text, sizeof text, "depends_on: '%s' "
				    "is the app itself", d->name);
			else if (j == SIZE_MAX)
				snprintf(text, sizeof text, "depends_on: "
				    "unknown app '%s' (neither in the file nor "
				    "an app of the daemon)", d->name);
			else if (d->cond == DEPS_COMPLETED &&
			    !deps_can_complete(apps[j]))
				snprintf(text, sizeof text, "depends_on: '%s' "
				    "never completes: its restart is always "
				    "(set restart on-failure or never, or "
				    "autorestart false)", d->name);
			else
				continue;
			problem(arg, i, text);
			r.n++;
		}
	}
	r.reported = xcalloc(n + 1, sizeof *r.reported);
	order = xcalloc(n + 1, sizeof *order);
	deps_walk(&g, order, deps_report_cycle, &r);
	free(order);
	free(r.reported);
	deps_graph_free(&g);
	return (r.n);
}

/* Why a dependency that ended errored or exited cannot hold. */
static enum deps_verdict
deps_failed(const struct conf_dep *d, const struct app_run *r, char *why,
    size_t len)
{
	if (r->state == APP_ERRORED)
		snprintf(why, len, "dependency %s is errored (%s)", d->name,
		    r->reason);
	else if (r->exit_unknown)
		snprintf(why, len, "dependency %s exited while no daemon ran "
		    "(exit status unknown)", d->name);
	else if (r->exit_signal != 0)
		snprintf(why, len, "dependency %s was ended by %s", d->name,
		    parse_signame(r->exit_signal));
	else
		snprintf(why, len, "dependency %s exited with code %d",
		    d->name, r->exit_code);
	return (DEPS_FAILED);
}

enum deps_verdict
deps_verdict(const struct conf_dep *d, const struct app_run *r, char *why,
    size_t len)
{
	if (r == NULL) {
		snprintf(why, len, "dependency %s does not exist", d->name);
		return (DEPS_FAILED);
	}
	snprintf(why, len, "%s (%s)", d->name, deps_cond_name(d->cond));
	switch (d->cond) {
	case DEPS_READY:
		/*
		 * An app with a ready key is launching until it is ready
		 * (src/process/sup.c), so online is ready; without one, online
		 * is running, as for started.
		 */
		/* FALLTHROUGH */
	case DEPS_STARTED:
		if (r->state == APP_ONLINE)
			return (DEPS_MET);
		if (r->state == APP_ERRORED)
			return (deps_failed(d, r, why, len));
		return (DEPS_WAIT);
	case DEPS_COMPLETED:
		if (r->state == APP_ERRORED)
			return (deps_failed(d, r, why, len));
		if (r->state != APP_STOPPED || !r->has_exit)
			return (DEPS_WAIT);
		if (!r->exit_unknown && r->exit_signal == 0 &&
		    r->exit_code == 0)
			return (DEPS_MET);
		return (deps_failed(d, r, why, len));
	}
	return (DEPS_WAIT);
}
