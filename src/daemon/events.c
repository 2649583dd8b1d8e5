/*
 * Events: what happened to the apps and the daemon, numbered and kept.
 *
 * app_step() (app-event.c) is the one place app events come from: an exit,
 * a counted restart, the state entered, a deletion, a readiness change; the
 * log rotation (logf.c) and the daemon's start, reload and stop add theirs.
 * Each event is one JSON object, printed once: the ring keeps the text of
 * the last EVENTS_RING for replay, followers get the object as it happens.
 *
 * A follower never slows the daemon: its events go to its connection's
 * write queue only while that holds less than EVENTS_WQ unwritten bytes;
 * past that they are counted, and the next event it can take is preceded
 * by a "missed" marker saying how many it lost (the way logf.c skips
 * lines for a slow log follower). seq goes on across a reload (the ring
 * and the counter are in the handover), and starts at 1 with a new daemon.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events.h"
#include "hooks.h"
#include "ipc.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "xmem.h"

struct events_rec {
	uint64_t		 seq;
	char			*name;		/* NULL: the daemon's */
	int			 instance;
	char			*text;		/* the object, one line */
};

struct events_sub {
	struct ipc_client	*client;
	struct events_sel	*sel;
	size_t			 nsel;
	unsigned long		 missed;
	LIST_ENTRY(events_sub)	 entry;
};

static struct events_rec	 events_ring[EVENTS_RING];
static size_t			 events_head;	/* the oldest */
static size_t			 events_n;
static uint64_t			 events_seq;
static LIST_HEAD(, events_sub)	 events_subs =
    LIST_HEAD_INITIALIZER(events_subs);

/* ISO 8601 UTC with milliseconds, as log lines have it. */
static void
events_now(char *buf, size_t len)
{
	struct timeval	tv;
	struct tm	tm;
	size_t		n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

/* A new event: seq, time, app, instance, id, event, reason. */
static cJSON *
events_new(const struct app *a, const char *event, const char *reason)
{
	cJSON	*o = cJSON_CreateObject();
	char	 t[40];

	events_now(t, sizeof t);
	cJSON_AddNumberToObject(o, "seq", (double)++events_seq);
	cJSON_AddStringToObject(o, "time", t);
	if (a != NULL) {
		cJSON_AddStringToObject(o, "app", a->conf.name);
		if (a->instance >= 0)
			cJSON_AddNumberToObject(o, "instance", a->instance);
		else
			cJSON_AddNullToObject(o, "instance");
		cJSON_AddNumberToObject(o, "id", a->id);
	} else {
		cJSON_AddNullToObject(o, "app");
		cJSON_AddNullToObject(o, "instance");
		cJSON_AddNullToObject(o, "id");
	}
	cJSON_AddStringToObject(o, "event", event);
	cJSON_AddStringToObject(o, "reason", reason != NULL ? reason : "");
	return (o);
}

static bool
events_match(const struct events_sel *sel, size_t n, const char *name,
    int instance)
{
	size_t	i;

	if (n == 0)
		return (true);
	if (name == NULL)
		return (false);
	for (i = 0; i < n; i++) {
		if (strcmp(sel[i].name, name) == 0 &&
		    (sel[i].instance < 0 || sel[i].instance == instance))
			return (true);
	}
	return (false);
}

/* The marker a follower gets before the next event after a loss. */
static void
events_send_missed(struct events_sub *s)
{
	cJSON	*m;
	char	 t[40], why[128];

	events_now(t, sizeof t);
	snprintf(why, sizeof why, "%lu events missed: the reader was too "
	    "slow", s->missed);
	m = cJSON_CreateObject();
	cJSON_AddNullToObject(m, "seq");
	cJSON_AddStringToObject(m, "time", t);
	cJSON_AddNullToObject(m, "app");
	cJSON_AddNullToObject(m, "instance");
	cJSON_AddNullToObject(m, "id");
	cJSON_AddStringToObject(m, "event", "missed");
	cJSON_AddStringToObject(m, "reason", why);
	cJSON_AddNumberToObject(m, "missed", (double)s->missed);
	ipc_send(s->client, m);
	cJSON_Delete(m);
	s->missed = 0;
}

/* Keeps o, sends it to its followers, runs the app's hooks; frees o. */
static void
events_post(cJSON *o, struct app *a)
{
	struct events_rec	*r;
	struct events_sub	*s;
	const char		*name = a != NULL ? a->conf.name : NULL;
	int			 inst = a != NULL ? a->instance : -1;

	if (events_n == EVENTS_RING) {
		r = &events_ring[events_head];
		free(r->name);
		free(r->text);
		events_head = (events_head + 1) % EVENTS_RING;
		events_n--;
	}
	r = &events_ring[(events_head + events_n++) % EVENTS_RING];
	r->seq = events_seq;
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->instance = inst;
	if ((r->text = json_text(o)) == NULL)
		r->text = xstrdup("{}");
	LIST_FOREACH(s, &events_subs, entry) {
		if (ipc_gone(s->client) ||
		    !events_match(s->sel, s->nsel, name, inst))
			continue;
		if (ipc_pending(s->client) > EVENTS_WQ) {
			s->missed++;
			continue;
		}
		if (s->missed > 0)
			events_send_missed(s);
		ipc_send(s->client, o);
	}
	if (a != NULL)
		hooks_fire(a, o);
	cJSON_Delete(o);
}

/* exit_code and exit_signal as app objects have them. */
static void
events_add_exit(cJSON *o, const struct app *a)
{
	const struct app_run	*r = &a->run;

	if (r->has_exit && r->exit_signal == 0 && !r->exit_unknown)
		cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (r->has_exit && r->exit_signal != 0)
		cJSON_AddStringToObject(o, "exit_signal",
		    parse_signame(r->exit_signal));
	else
		cJSON_AddNullToObject(o, "exit_signal");
}

void
events_exit(struct app *a, const char *cause)
{
	const struct app_run	*r = &a->run;
	char			 why[96];
	cJSON			*o;

	if (!r->has_exit || r->exit_unknown)
		snprintf(why, sizeof why, "exited (status unknown)");
	else if (r->exit_signal != 0)
		snprintf(why, sizeof why, "killed by signal %s",
		    parse_signame(r->exit_signal));
	else
		snprintf(why, sizeof why, "exited with code %d",
		    r->exit_code);
	o = events_new(a, "exit", why);
	if (cause != NULL)
		cJSON_AddStringToObject(o, "cause", cause);
	else
		cJSON_AddNullToObject(o, "cause");
	events_add_exit(o, a);
	events_post(o, a);
}

void
events_restart(struct app *a)
{
	cJSON	*o;
	char	 why[64];

	snprintf(why, sizeof why, "restart %u (%s)", a->run.restarts,
	    sup_cause_name(a->run.cause));
	o = events_new(a, "restart", why);
	cJSON_AddStringToObject(o, "cause", sup_cause_name(a->run.cause));
	cJSON_AddNumberToObject(o, "restarts", a->run.restarts);
	events_post(o, a);
}

void
events_transition(struct app *a, enum app_state from, const char *reason)
{
	cJSON	*o;

	o = events_new(a, sup_state_name(a->run.state), reason != NULL ?
	    reason : a->run.reason);
	cJSON_AddStringToObject(o, "from", sup_state_name(from));
	/* Where it ends on an exit: the code says why. */
	if (a->run.state == APP_ERRORED || a->run.state == APP_STOPPED ||
	    a->run.state == APP_WAITING)
		events_add_exit(o, a);
	events_post(o, a);
}

void
events_deleted(struct app *a)
{
	events_post(events_new(a, "deleted", "deleted"), a);
}

void
events_ready_sync(struct app *a)
{
	bool	ready = app_ready_is(a);
	int	now = ready ? 2 : 1, was = a->obs.ready;

	a->obs.ready = now;
	/* Unknown (a new or adopted app): nothing to compare with. */
	if (was == 0 || was == now)
		return;
	/* Leaving online says it already: "unready" is for online apps. */
	if (!ready && a->run.state != APP_ONLINE)
		return;
	events_post(events_new(a, ready ? "ready" : "unready", ready ?
	    "ready" : a->ready.stopping ? "STOPPING=1" : "RELOADING=1"), a);
}

void
events_rotate(const char *label, const char *stream, const char *path)
{
	struct app	*a;
	cJSON		*o;

	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(a->label, label) == 0)
			break;
	}
	/* merge_logs: the file of every instance, named by the app. */
	if (a == NULL && (a = app_find_name(label)) == NULL)
		return;
	o = events_new(a, "log_rotate", "log file rotated");
	cJSON_AddStringToObject(o, "stream", stream);
	cJSON_AddStringToObject(o, "path", path);
	events_post(o, a);
}

void
events_daemon(const char *event, const char *reason)
{
	events_post(events_new(NULL, event, reason), NULL);
}

uint64_t
events_last_seq(void)
{
	return (events_seq);
}

cJSON *
events_list(const struct events_sel *sel, size_t n, uint64_t since,
    size_t limit)
{
	const struct events_rec	*r;
	cJSON			*arr = cJSON_CreateArray(), *o;
	size_t			 i, first = 0, count = 0;
	char			 cause[64];

	for (i = 0; i < events_n; i++) {
		r = &events_ring[(events_head + i) % EVENTS_RING];
		if (r->seq > since && events_match(sel, n, r->name,
		    r->instance))
			count++;
	}
	if (limit > 0 && count > limit)
		first = count - limit;
	count = 0;
	for (i = 0; i < events_n; i++) {
		r = &events_ring[(events_head + i) % EVENTS_RING];
		if (r->seq <= since || !events_match(sel, n, r->name,
		    r->instance) || count++ < first)
			continue;
		if ((o = json_parse(r->text, strlen(r->text), cause,
		    sizeof cause)) != NULL && cJSON_IsObject(o) &&
		    cJSON_GetObjectItem(o, "seq") != NULL)
			cJSON_AddItemToArray(arr, o);
		else
			cJSON_Delete(o);
	}
	return (arr);
}

static void
events_sub_close_cb(struct ipc_client *c, void *arg)
{
	struct events_sub	*s = arg;

	LIST_REMOVE(s, entry);
	free(s->sel);
	free(s);
	ipc_unref(c);
}

void
events_follow(struct ipc_client *c, const struct events_sel *sel, size_t n)
{
	struct events_sub	*s = xcalloc(1, sizeof *s);

	s->client = c;
	if (n > 0) {
		s->sel = xreallocarray(NULL, n, sizeof *sel);
		memcpy(s->sel, sel, n * sizeof *sel);
	}
	s->nsel = n;
	ipc_ref(c);
	LIST_INSERT_HEAD(&events_subs, s, entry);
	ipc_add_close_cb(c, events_sub_close_cb, s);
}

cJSON *
events_handover(void)
{
	const struct events_rec	*r;
	cJSON			*h = cJSON_CreateObject(), *arr, *e;
	size_t			 i;

	cJSON_AddNumberToObject(h, "seq", (double)events_seq);
	arr = cJSON_AddArrayToObject(h, "ring");
	for (i = 0; i < events_n; i++) {
		r = &events_ring[(events_head + i) % EVENTS_RING];
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "seq", (double)r->seq);
		if (r->name != NULL)
			cJSON_AddStringToObject(e, "name", r->name);
		cJSON_AddNumberToObject(e, "instance", r->instance);
		cJSON_AddStringToObject(e, "text", r->text);
		cJSON_AddItemToArray(arr, e);
	}
	return (h);
}

void
events_takeover(const cJSON *h)
{
	const cJSON		*e, *v;
	struct events_rec	*r;

	if (!cJSON_IsObject(h))
		return;
	v = cJSON_GetObjectItem(h, "seq");
	if (json_is_int(v, 0, 9007199254740991LL))
		events_seq = (uint64_t)v->valuedouble;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(h, "ring")) {
		if (events_n == EVENTS_RING || json_str(e, "text") == NULL ||
		    !json_is_int(cJSON_GetObjectItem(e, "seq"), 1,
		    (long long)events_seq) ||
		    !json_is_int(cJSON_GetObjectItem(e, "instance"), -1,
		    INT32_MAX))
			continue;
		r = &events_ring[(events_head + events_n++) % EVENTS_RING];
		r->seq = (uint64_t)cJSON_GetObjectItem(e, "seq")->valuedouble;
		r->name = json_str(e, "name") != NULL ?
		    xstrdup(json_str(e, "name")) : NULL;
		r->instance = (int)cJSON_GetObjectItem(e,
		    "instance")->valuedouble;
		r->text = xstrdup(json_str(e, "text"));
	}
}
