/*
 * The app registry: the list of apps in id order, creation (log files,
 * id), lookup, waiting for an app to settle, and the end of an app's life.
 * What happens to an app afterwards is app_event() (app-event.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "logf.h"
#include "proc.h"
#include "state.h"
#include "xmem.h"

struct app_list		 apps = TAILQ_HEAD_INITIALIZER(apps);
uv_loop_t		*app_loop;
static const struct paths *app_paths;
static int		 app_next_id;
static int		 app_n;

uint64_t
app_now(void)
{
	return (uv_hrtime() / 1000000);
}

void
app_init(uv_loop_t *loop, const struct paths *p)
{
	app_loop = loop;
	app_paths = p;
}

int
app_count(void)
{
	return (app_n);
}

struct app *
app_find_id(int id)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->id == id)
			return (a);
	}
	return (NULL);
}

struct app *
app_find_name(const char *name)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(a->conf.name, name) == 0)
			return (a);
	}
	return (NULL);
}

/* Writes the app's runtime state file. */
void
app_save(const struct app *a)
{
	state_save(a->id, &a->conf, &a->run);
}

/*
 * The file name an app name gives: letters, digits, '.', '_', '-' and
 * UTF-8 kept, a space made '_', any other byte %XX. Names that give the
 * same file name (My API, My_API) are told apart by the id of the later
 * one: NAME-ID.
 */
static void
app_log_base(const char *name, int id, char *buf, size_t len)
{
	const unsigned char	*p;
	struct app		*a;
	char			 out[sizeof app_paths->logs +
				     4 * OPM_NAME_MAX + 48];
	size_t			 n = 0;

	for (p = (const unsigned char *)name; *p != '\0' && n + 4 < len; p++) {
		if (isalnum(*p) || *p >= 0x80 || strchr("._-", *p) != NULL)
			buf[n++] = *p;
		else if (*p == ' ')
			buf[n++] = '_';
		else
			n += snprintf(buf + n, len - n, "%%%02X", *p);
	}
	buf[n] = '\0';
	snprintf(out, sizeof out, "%s/%s-out.log", app_paths->logs, buf);
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->out != NULL && strcmp(logf_path(a->out), out) == 0) {
			snprintf(buf + n, len - n, "-%d", id);
			break;
		}
	}
}

static struct logfile *
app_open_log(const struct app_conf *c, const char *base, const char *kind)
{
	struct logfile	*lf;
	char	path[sizeof app_paths->logs + 4 * OPM_NAME_MAX + 48];

	snprintf(path, sizeof path, "%s/%s-%s.log", app_paths->logs, base,
	    kind);
	if ((lf = logf_open(path, c->name, kind)) != NULL)
		logf_configure(lf, c->log_time, c->log_max_size, c->log_keep);
	return (lf);
}

bool
app_desired_running(const struct app *a)
{
	switch (a->run.state) {
	case APP_STOPPED:
		return (false);
	case APP_STOPPING:
		return (a->run.start_after);
	default:
		/* errored too: it was meant to run, so try again. */
		return (true);
	}
}

/*
 * A new app, stopped; takes ownership of conf. Its runtime state is written
 * by the caller: for an app taken over, a state file saying "stopped, no
 * pid" written before the real one would lose the running process if we
 * died in between.
 */
struct app *
app_new(struct app_conf *conf, int want_id, char *cause, size_t clen)
{
	struct app	*a = xcalloc(1, sizeof *a), *prev;
	char		 base[4 * OPM_NAME_MAX + 16];
	int		 id;

	id = want_id >= 0 && app_find_id(want_id) == NULL ? want_id :
	    app_next_id;
	app_log_base(conf->name, id, base, sizeof base);
	a->out = app_open_log(conf, base, "out");
	a->err = app_open_log(conf, base, "err");
	if (a->out == NULL || a->err == NULL) {
		snprintf(cause, clen, "cannot open the log files in %s: %s",
		    app_paths->logs, strerror(errno));
		if (a->out != NULL)
			logf_unref(a->out);
		if (a->err != NULL)
			logf_unref(a->err);
		free(a);
		return (NULL);
	}
	a->conf = *conf;
	memset(conf, 0, sizeof *conf);
	a->id = id;
	if (id >= app_next_id)
		app_next_id = id + 1;
	sup_init(&a->run);
	a->pidfd = -1;
	a->exec.fd = -1;
	a->exec.gofd = -1;
	TAILQ_INIT(&a->waiters);
	uv_timer_init(app_loop, &a->timer);
	a->timer.data = a;
	/* Kept in id order, whatever order they were adopted in. */
	TAILQ_FOREACH(prev, &apps, entry) {
		if (prev->id > a->id)
			break;
	}
	if (prev != NULL)
		TAILQ_INSERT_BEFORE(prev, a, entry);
	else
		TAILQ_INSERT_TAIL(&apps, a, entry);
	app_n++;
	log_info("%s: created (id %d)", a->conf.name, a->id);
	return (a);
}

struct app *
app_create(struct app_conf *conf, int want_id, char *cause, size_t clen)
{
	struct app	*a;

	if ((a = app_new(conf, want_id, cause, clen)) != NULL)
		app_save(a);
	return (a);
}

/* Tells those waiting now; a callback may wait again, for the next step. */
void
app_notify(struct app *a)
{
	TAILQ_HEAD(, app_waiter) now = TAILQ_HEAD_INITIALIZER(now);
	struct app_waiter	*w;

	TAILQ_CONCAT(&now, &a->waiters, entry);
	while ((w = TAILQ_FIRST(&now)) != NULL) {
		TAILQ_REMOVE(&now, w, entry);
		w->cb(w->arg);
		free(w);
	}
}

void
app_wait(struct app *a, void (*cb)(void *), void *arg)
{
	struct app_waiter	*w = xcalloc(1, sizeof *w);

	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&a->waiters, w, entry);
}

static void
app_free_cb(uv_handle_t *h)
{
	struct app	*a = h->data;

	conf_free(&a->conf);
	xfreev(a->argv);
	free(a);
}

/* Unlinks a stopped app and frees it once its timer is closed. */
void
app_destroy(struct app *a)
{
	log_info("%s: deleted (id %d)", a->conf.name, a->id);
	state_remove(a->id);
	app_exec_close(a);
	TAILQ_REMOVE(&apps, a, entry);
	app_n--;
	app_notify(a);
	logf_unref(a->out);
	logf_unref(a->err);
	uv_close((uv_handle_t *)&a->timer, app_free_cb);
}

void
app_delete(struct app *a)
{
	app_event(a, EV_DELETE);
}

int
app_signal(struct app *a, int sig)
{
	if (!sup_running(a->run.state) || a->run.pgid <= 1) {
		errno = ESRCH;
		return (-1);
	}
	return (proc_signal_group(a->run.pgid, sig));
}

void
app_reset(struct app *a)
{
	a->run.restarts = 0;
	a->run.fails = 0;
	app_save(a);
}

struct logfile *
app_logfile(const char *path)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(logf_path(a->out), path) == 0)
			return (a->out);
		if (strcmp(logf_path(a->err), path) == 0)
			return (a->err);
	}
	return (NULL);
}
