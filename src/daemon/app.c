/*
 * The app registry: the list of apps in id order, creation (log files,
 * id), waiting for an app to settle, and the end of an app's life; the
 * lookups are app-index.c.
 * What happens to an app afterwards is app_event() (app-event.c).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dump.h"
#include "log.h"
#include "logf.h"
#include "logsink.h"
#include "proc.h"
#include "state.h"
#include "xmem.h"

struct app_list		 apps = TAILQ_HEAD_INITIALIZER(apps);
struct app_list		 app_hidden = TAILQ_HEAD_INITIALIZER(app_hidden);
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
	app_ready_init(p->runtime);
	app_watch_init(p);
	app_memory_init();
}

int
app_count(void)
{
	return (app_n);
}

/*
 * Writes the app's runtime state file; a reload's hidden record is
 * written into its listed one's (peer_pid), never a file of its own.
 */
void
app_save(const struct app *a)
{
	struct app_run	r;

	if (a->hidden) {
		if (a->peer != NULL)
			app_save(a->peer);
		return;
	}
	app_record(a, &r);
	state_save(a->id, a->instance, &a->conf, &r);
}

/* A log path: a configured one, or the logs directory and a name. */
#define APP_LOGPATH	(sizeof app_paths->logs + 4 * OPM_NAME_MAX + 48)

/*
 * The file name an app name gives: letters, digits, '.', '_', '-' and
 * UTF-8 kept, a space made '_', any other byte %XX.
 */
static void
app_log_name(const char *name, char *buf, size_t len)
{
	const unsigned char	*p;
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
}

/*
 * The base of an app's default log files: NAME, NAME-K for instance K
 * (unless merge_logs: then its instances share NAME's files). Names that
 * give the same file name (My API, My_API) are told apart by the id of
 * the later one: NAME-ID.
 */
static void
app_log_base(const struct app_conf *c, int id, int instance, char *buf,
    size_t len)
{
	char		 out[APP_LOGPATH];
	size_t		 n;

	app_log_name(c->name, buf, len);
	n = strlen(buf);
	if (instance >= 0 && !c->merge_logs)
		n += snprintf(buf + n, len - n, "-%d", instance);
	snprintf(out, sizeof out, "%s/%s-out.log", app_paths->logs, buf);
	/* Instances with merge_logs share their files on purpose. */
	if (app_find_out(out, instance >= 0 && c->merge_logs ? c->name :
	    NULL) != NULL)
		snprintf(buf + n, len - n, "-%d", id);
}

/* The key of an app's log of kind "out", "err" or "all", as configured. */
static const char *
app_log_key(const struct app_conf *c, const char *kind)
{
	return (strcmp(kind, "out") == 0 ? c->out_file :
	    strcmp(kind, "err") == 0 ? c->error_file : c->log_file);
}

/*
 * The path of an app's log of kind "out", "err" or "all" (log_file, both
 * streams): its out_file, error_file or log_file, else the default in
 * OPM_HOME/logs named after base. "" when the app has no log_file. A
 * configured path of instance K >= 0 gets -K before its extension
 * (out.log: out-K.log), as PM2 numbers them.
 */
static void
app_log_path(const struct app_conf *c, const char *base, int instance,
    const char *kind, char *buf, size_t len)
{
	const char	*set = app_log_key(c, kind), *slash, *dot;

	/* log_target without file: no files, the pipes drained. */
	if (!(c->log_target & LOGSINK_FILE)) {
		strlcpy(buf, strcmp(kind, "all") == 0 ? "" : "/dev/null",
		    len);
		return;
	}
	if (set != NULL && *set != '\0' && instance >= 0 &&
	    strcmp(set, "/dev/null") != 0) {
		slash = strrchr(set, '/');
		dot = strrchr(set, '.');
		if (dot == NULL || dot < slash || dot == slash + 1)
			dot = set + strlen(set);
		snprintf(buf, len, "%.*s-%d%s", (int)(dot - set), set,
		    instance, dot);
	} else if (set != NULL && *set != '\0')
		strlcpy(buf, set, len);
	else if (strcmp(kind, "all") == 0 && set == NULL)
		strlcpy(buf, "", len);
	else if (strcmp(kind, "all") == 0)
		snprintf(buf, len, "%s/%s.log", app_paths->logs, base);
	else
		snprintf(buf, len, "%s/%s-%s.log", app_paths->logs, base,
		    kind);
}

/*
 * Whether apps a and b would write one file; the cause names the keys.
 * A file of a's own twice is allowed (out_file = error_file: one file).
 * Two default paths never meet (app_log_base tells them apart).
 */
bool
app_log_clash(const struct app_conf *a, const struct app_conf *b,
    char *cause, size_t clen)
{
	static const char *const kinds[] = { "out", "err", "all" };
	static const char *const keys[] = { "out_file", "error_file",
	    "log_file" };
	char	pa[APP_LOGPATH], pb[APP_LOGPATH];
	char	ba[4 * OPM_NAME_MAX + 16], bb[4 * OPM_NAME_MAX + 16];
	size_t	i, j;

	/* The common case, checked for every pair of 10,000 apps. */
	if (!app_log_keyed(a) && !app_log_keyed(b))
		return (false);
	app_log_name(a->name, ba, sizeof ba);
	app_log_name(b->name, bb, sizeof bb);
	for (i = 0; i < 3; i++) {
		app_log_path(a, ba, -1, kinds[i], pa, sizeof pa);
		if (*pa == '\0' || strcmp(pa, "/dev/null") == 0)
			continue;
		for (j = 0; j < 3; j++) {
			if (app_log_key(a, kinds[i]) == NULL &&
			    app_log_key(b, kinds[j]) == NULL)
				continue;
			app_log_path(b, bb, -1, kinds[j], pb, sizeof pb);
			if (strcmp(pa, pb) != 0)
				continue;
			snprintf(cause, clen, "%s: %s is also the %s of app "
			    "'%s'; two apps cannot write one log file",
			    keys[i], pa, keys[j], b->name);
			return (true);
		}
	}
	return (false);
}

bool
app_log_keyed(const struct app_conf *c)
{
	return (c->out_file != NULL || c->error_file != NULL ||
	    c->log_file != NULL);
}

/* Whether c would write a log file another app writes. */
int
app_log_check(const struct app_conf *c, char *cause, size_t clen)
{
	struct app	*a;

	/* Default paths never meet: no walk of 10,000 apps for nothing. */
	if (!app_log_keyed(c) && app_count_keyed() == 0)
		return (0);
	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(a->conf.name, c->name) != 0 &&
		    app_log_clash(c, &a->conf, cause, clen))
			return (-1);
	}
	return (0);
}

/* The directories of a log path given by the user, as PM2 makes them. */
static void
app_log_mkdir(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			break;
		*p = '/';
	}
	free(dir);
}

/*
 * The log file of another instance of c with this path (merge_logs), or
 * NULL: then each writes a file of its own.
 */
static struct logfile *
app_log_shared(const struct app_conf *c, const char *path)
{
	struct app	*a;

	if (c->instances == 0 || !c->merge_logs ||
	    strcmp(path, "/dev/null") == 0)
		return (NULL);
	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(a->conf.name, c->name) != 0)
			continue;
		if (strcmp(logf_path(a->out), path) == 0)
			return (a->out);
		if (strcmp(logf_path(a->err), path) == 0)
			return (a->err);
	}
	return (NULL);
}

static struct logfile *
app_open_log(const struct app_conf *c, const char *base, int instance,
    const char *label, const char *kind, char *cause, size_t clen)
{
	struct logfile	*lf;
	char		 path[APP_LOGPATH];
	const char	*key;

	app_log_path(c, base, c->merge_logs ? -1 : instance, kind, path,
	    sizeof path);
	if ((lf = app_log_shared(c, path)) != NULL) {
		logf_ref(lf);
		return (lf);
	}
	key = app_log_key(c, kind);
	if (key != NULL && *key != '\0' && strcmp(path, "/dev/null") != 0)
		app_log_mkdir(path);
	/*
	 * A default path is made at the first start: not at all for apps
	 * created stopped (three new inodes an app were most of the time
	 * of creating 10,000 of them).
	 */
	if ((lf = (key != NULL && *key != '\0' ? logf_open : logf_lazy)(path,
	    c->merge_logs ? c->name : label, kind)) == NULL) {
		snprintf(cause, clen, "cannot open the log file %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	logf_configure(lf, c->log_time, c->log_date_format, c->log_max_size,
	    c->log_keep);
	/* log_file copies what the stream files got: not sent twice. */
	if (strcmp(kind, "all") != 0)
		logf_targets(lf, c->log_target, c->name,
		    c->merge_logs ? -1 : instance);
	return (lf);
}

/*
 * Opens the log files of a new app (instance: its number or -1); -1 with
 * a cause. Instances with merge_logs share the first one's files, which
 * already copy to its log_file.
 */
static int
app_open_logs(struct app *a, const struct app_conf *c, const char *base,
    int instance, char *cause, size_t clen)
{
	struct logfile	*all;
	char		 po[APP_LOGPATH], pe[APP_LOGPATH];
	int		 k = c->merge_logs ? -1 : instance;
	bool		 shared;

	if (app_log_check(c, cause, clen) == -1)
		return (-1);
	app_log_path(c, base, k, "out", po, sizeof po);
	app_log_path(c, base, k, "err", pe, sizeof pe);
	shared = app_log_shared(c, po) != NULL;
	if ((a->out = app_open_log(c, base, instance, a->label, "out", cause,
	    clen)) == NULL)
		return (-1);
	/* One file for both streams: one writer, rotated once. */
	if (strcmp(po, pe) == 0 && strcmp(po, "/dev/null") != 0) {
		a->err = a->out;
		logf_ref(a->err);
	} else if ((a->err = app_open_log(c, base, instance, a->label, "err",
	    cause, clen)) == NULL) {
		logf_unref(a->out);
		return (-1);
	}
	if (c->log_file == NULL || shared || !(c->log_target & LOGSINK_FILE))
		return (0);
	if ((all = app_open_log(c, base, instance, a->label, "all", cause,
	    clen)) == NULL) {
		logf_unref(a->out);
		logf_unref(a->err);
		return (-1);
	}
	logf_combine(a->out, all);
	if (a->err != a->out)
		logf_combine(a->err, all);
	logf_unref(all);
	return (0);
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
app_new(struct app_conf *conf, int want_id, int instance, char *cause,
    size_t clen)
{
	struct app	*a = xcalloc(1, sizeof *a), *prev;
	char		 base[4 * OPM_NAME_MAX + 16];
	int		 id;

	id = want_id >= 0 && app_find_id(want_id) == NULL ? want_id :
	    app_next_id;
	a->instance = instance;
	if (instance >= 0)
		snprintf(a->label, sizeof a->label, "%.*s:%d", OPM_NAME_MAX,
		    conf->name, instance);
	else
		strlcpy(a->label, conf->name, sizeof a->label);
	app_log_base(conf, id, instance, base, sizeof base);
	if (app_open_logs(a, conf, base, instance, cause, clen) == -1) {
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
	app_ready_new(a);
	app_health_new(a);
	TAILQ_INIT(&a->waiters);
	uv_timer_init(app_loop, &a->timer);
	a->timer.data = a;
	/* Taken over: its sockets come from the keeper or the re-exec. */
	app_listen_claim(a);
	/*
	 * Kept in id order, whatever order they were adopted in; from the
	 * end, where a new id goes.
	 */
	TAILQ_FOREACH_REVERSE(prev, &apps, app_list, entry) {
		if (prev->id < a->id)
			break;
	}
	if (prev != NULL)
		TAILQ_INSERT_AFTER(&apps, prev, a, entry);
	else
		TAILQ_INSERT_HEAD(&apps, a, entry);
	app_index_add(a);
	app_n++;
	log_info("%s: created (id %d)", a->label, a->id);
	app_cron_sync(a);
	return (a);
}

struct app *
app_create_bound(struct app_conf *conf, int want_id, int instance, int *lfds,
    char *cause, size_t clen)
{
	struct app	*a;

	if ((a = app_new(conf, want_id, instance, cause, clen)) == NULL) {
		app_listen_unbind(conf, lfds);
		return (NULL);
	}
	app_listen_attach(a, lfds);
	app_save(a);
	return (a);
}

/* A new app binds its listening sockets first: a port in use stops it. */
struct app *
app_create(struct app_conf *conf, int want_id, int instance, char *cause,
    size_t clen)
{
	int	*lfds;

	if (app_listen_bind(conf, &lfds, cause, clen) == -1)
		return (NULL);
	return (app_create_bound(conf, want_id, instance, lfds, cause,
	    clen));
}

void
app_conf_copy(struct app_conf *dst, const struct app_conf *c)
{
	struct dump_entry	 e;
	cJSON			*j = dump_entry_json(0, true, c);

	/* Through the dump's own format: nothing can be forgotten. */
	memset(&e, 0, sizeof e);
	dump_entry_parse(&e, j);
	cJSON_Delete(j);
	free(e.ids);
	if (e.error[0] != '\0')
		fatalx("%s: %s: %s", __func__, c->name, e.error);
	*dst = e.conf;
}

struct app *
app_create_group(struct app_conf *conf, const int *ids, size_t nids,
    char *cause, size_t clen)
{
	struct app	*first = NULL, *a, *next;
	struct app_conf	 copy, *c;
	unsigned	 k, n = conf->instances;

	if (n == 0)
		return (app_create(conf, nids > 0 ? ids[0] : -1, -1, cause,
		    clen));
	for (k = 0; k < n; k++) {
		/* The last instance takes conf itself. */
		c = conf;
		if (k + 1 < n) {
			app_conf_copy(&copy, conf);
			c = &copy;
		}
		a = app_create(c, k < nids ? ids[k] : -1, (int)k, cause,
		    clen);
		if (a == NULL) {
			if (c == &copy)
				conf_free(&copy);
			/* None is left: conf stays the caller's. */
			for (a = first; a != NULL; a = next) {
				next = app_next_same(a);
				app_destroy(a);
			}
			return (NULL);
		}
		if (first == NULL)
			first = a;
	}
	return (first);
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
	app_tree_forget(a);
	xfreev(a->argv);
	free(a);
}

/*
 * Unlinks a stopped app and frees it once its timer is closed. A reload's
 * hidden record leaves its listed one (told, as its stop is over) and the
 * state file, sockets and log files, which are the listed one's.
 */
void
app_destroy(struct app *a)
{
	struct app	*o = a->peer;

	app_exec_close(a);
	app_timer_unlate(a);
	app_ready_free(a);
	app_health_free(a);
	app_index_del(a);
	app_watch_free(a);
	if (a->hidden) {
		log_info("%s: gone", a->label);
		TAILQ_REMOVE(&app_hidden, a, entry);
		app_notify(a);
		if (o != NULL) {
			o->peer = NULL;
			app_save(o);
			app_notify(o);
		}
	} else {
		log_info("%s: deleted (id %d)", a->label, a->id);
		state_remove(a->id);
		TAILQ_REMOVE(&apps, a, entry);
		app_n--;
		/* Its reload's other process goes with it. */
		if (o != NULL) {
			o->peer = NULL;
			if (!app_deleting(o))
				app_event(o, EV_DELETE);
		}
		app_notify(a);
		app_listen_close(a);
	}
	logf_unref(a->out);
	logf_unref(a->err);
	/* Empty by now unless its other process still runs in it. */
	app_prod_gone(a);
	uv_close((uv_handle_t *)&a->timer, app_free_cb);
}

bool
app_deleting(const struct app *a)
{
	return (a->run.state == APP_STOPPING && a->run.delete_after);
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
	memset(a->run.restarts_by, 0, sizeof a->run.restarts_by);
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
