/*
 * Watch (issue 15 item 1): restarts an app when its files change. One
 * inotify instance serves the whole daemon, read on a uv_poll_t (libuv's
 * fs-event handle is not recursive on Linux and drops IN_Q_OVERFLOW), with
 * its own map of watch descriptors: a directory watched for several apps
 * (instances share their cwd) is one descriptor with one reference per app
 * and root. Trees are watched whole, new directories are followed (and
 * scanned, for files made before their watch was), and directories that
 * leave are forgotten; a lost queue is a rescan and a change.
 *
 * A change waits for the tree to be quiet for watch_delay (a trailing
 * debounce, capped: src/process/watch.c), on a timer that exists only
 * while a change is pending, then restarts the app through app_trigger()
 * with CAUSE_WATCH. Nothing here runs while nothing changes: no timer, no
 * polling. The watches are derived from the configuration and never
 * saved: they are made when the app starts (or is adopted) and removed
 * when it is stopped, errored or deleted (app_watch_sync()).
 */
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/tree.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "handle.h"
#include "log.h"
#include "logf.h"
#include "watch.h"
#include "xmem.h"

/* RB_GENERATE_STATIC marks what a file may leave unused with it. */
#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

/* A file changed, appeared or left; a directory appeared or left. */
#define AW_MASK	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* A watched root: a directory, or one file of it (only: its name). */
struct aw_root {
	char			*dir;
	char			*only;
};

struct app_watch {
	struct app		*app;
	struct aw_root		*roots;
	size_t			 nroots;
	char			**skip;		/* paths skipped, with all below */
	uv_timer_t		*timer;		/* only while a change waits */
	uint64_t		 first;		/* ms of the first waiting change */
	uint64_t		 last;		/* ... and of the last one */
	char			 what[256];	/* the last change, for the log */
	unsigned		 ndirs;		/* directories watched */
	char			 problem[192];	/* a limit reached; "" */
};

struct aw_ref {
	struct app_watch	*w;
	unsigned		 root;
};

/* One watch descriptor: a directory and who watches it. */
struct aw_dir {
	int			 wd;
	char			*path;
	struct aw_ref		*refs;
	size_t			 nrefs;
	RB_ENTRY(aw_dir)	 entry;
};

static int
aw_dir_cmp(const struct aw_dir *a, const struct aw_dir *b)
{
	return (a->wd < b->wd ? -1 : a->wd > b->wd);
}

RB_HEAD(aw_dirs, aw_dir);
RB_GENERATE_STATIC(aw_dirs, aw_dir, entry, aw_dir_cmp)

static struct aw_dirs	 aw_dirs = RB_INITIALIZER(&aw_dirs);
static int		 aw_fd = -1;
static uv_poll_t	*aw_poll;
static const struct paths *aw_paths;

static void	aw_change(struct app_watch *, const char *abs);

void
app_watch_init(const struct paths *p)
{
	aw_paths = p;
}

/* The descriptor's directory, or NULL. */
static struct aw_dir *
aw_find(int wd)
{
	struct aw_dir	key;

	key.wd = wd;
	return (RB_FIND(aw_dirs, &aw_dirs, &key));
}

/* Forgets d, whose watch the kernel removed or we did. */
static void
aw_dir_free(struct aw_dir *d)
{
	size_t	i;

	for (i = 0; i < d->nrefs; i++)
		d->refs[i].w->ndirs--;
	RB_REMOVE(aw_dirs, &aw_dirs, d);
	free(d->refs);
	free(d->path);
	free(d);
}

/* Drops w's references to d; its watch goes with the last one. */
static void
aw_dir_unref(struct aw_dir *d, const struct app_watch *w)
{
	size_t	i, n = 0;

	for (i = 0; i < d->nrefs; i++) {
		if (d->refs[i].w == w)
			d->refs[i].w->ndirs--;
		else
			d->refs[n++] = d->refs[i];
	}
	d->nrefs = n;
	if (n > 0)
		return;
	inotify_rm_watch(aw_fd, d->wd);
	RB_REMOVE(aw_dirs, &aw_dirs, d);
	free(d->refs);
	free(d->path);
	free(d);
}

/* The problem of w, once in the log; info shows it as the note. */
static void
aw_problem(struct app_watch *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
aw_problem(struct app_watch *w, const char *fmt, ...)
{
	va_list	ap;

	if (w->problem[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(w->problem, sizeof w->problem, fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", w->app->label, w->problem);
}

static void	aw_read_cb(uv_poll_t *, int, int);

/* The daemon's inotify instance, made on first use; -1 when it cannot be. */
static int
aw_open(struct app_watch *w)
{
	if (aw_fd != -1)
		return (0);
	if ((aw_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		aw_problem(w, "watch: no inotify instance (%s%s); not watching",
		    strerror(errno), errno == EMFILE ? ": over "
		    "fs.inotify.max_user_instances" : "");
		return (-1);
	}
	aw_poll = xcalloc(1, sizeof *aw_poll);
	uv_poll_init(app_loop, aw_poll, aw_fd);
	uv_poll_start(aw_poll, UV_READABLE, aw_read_cb);
	return (0);
}

/* Whether abs is one of w's skipped paths or below one (logs: rotated). */
static bool
aw_skipped(const struct app_watch *w, const char *abs)
{
	size_t	i, n;

	for (i = 0; w->skip[i] != NULL; i++) {
		n = strlen(w->skip[i]);
		if (strncmp(abs, w->skip[i], n) == 0 && (abs[n] == '\0' ||
		    abs[n] == '/' || abs[n] == '.'))
			return (true);
	}
	return (false);
}

/* abs relative to root r of w ("" for the root itself). */
static const char *
aw_rel(const struct app_watch *w, unsigned r, const char *abs)
{
	const char	*dir = w->roots[r].dir;
	size_t		 n = strlen(dir);

	if (strncmp(abs, dir, n) != 0)
		return (abs);
	if (abs[n] == '/')
		return (abs + n + 1);
	return (abs[n] == '\0' || n == 1 ? abs + n : abs);
}

/* Whether a change of abs under root r means nothing to w. */
static bool
aw_ignored(const struct app_watch *w, unsigned r, const char *abs)
{
	const char	*rel = aw_rel(w, r, abs);

	return (aw_skipped(w, abs) || (*rel != '\0' &&
	    watch_ignored(rel, w->app->conf.ignore_watch)));
}

/* Watches directory path for w's root r; -1 when it cannot be. */
static int
aw_add(struct app_watch *w, unsigned r, const char *path)
{
	struct aw_dir	*d;
	size_t		 i;
	int		 wd;

	if ((wd = inotify_add_watch(aw_fd, path, AW_MASK)) == -1) {
		if (errno == ENOSPC)
			aw_problem(w, "watch: the limit of inotify watches is "
			    "reached (fs.inotify.max_user_watches); %u "
			    "directories watched, changes elsewhere are "
			    "missed", w->ndirs);
		else if (errno == ENOMEM)
			aw_problem(w, "watch: no memory for more inotify "
			    "watches; %u directories watched", w->ndirs);
		else if (errno != ENOENT && errno != ENOTDIR)
			log_debug("%s: inotify_add_watch %s: %s", w->app->label,
			    path, strerror(errno));
		return (-1);
	}
	if ((d = aw_find(wd)) == NULL) {
		d = xcalloc(1, sizeof *d);
		d->wd = wd;
		d->path = xstrdup(path);
		RB_INSERT(aw_dirs, &aw_dirs, d);
	}
	for (i = 0; i < d->nrefs; i++) {
		if (d->refs[i].w == w && d->refs[i].root == r)
			return (0);
	}
	d->refs = xreallocarray(d->refs, d->nrefs + 1, sizeof *d->refs);
	d->refs[d->nrefs].w = w;
	d->refs[d->nrefs++].root = r;
	w->ndirs++;
	return (0);
}

/*
 * Watches the tree at path for w's root r, ignored parts left out, and
 * symbolic links not followed. fresh: the directory appeared after the
 * start, so every file already in it is a change.
 */
static void
aw_add_tree(struct app_watch *w, unsigned r, const char *path, bool fresh)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*dir;
	char		 sub[PATH_MAX];
	bool		 isdir;

	if (aw_add(w, r, path) == -1 || w->roots[r].only != NULL)
		return;
	if ((dir = opendir(path)) == NULL)
		return;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", strcmp(path, "/") == 0 ?
		    "" : path, e->d_name) >= (int)sizeof sub)
			continue;
		if (aw_ignored(w, r, sub))
			continue;
		if (e->d_type == DT_UNKNOWN) {
			if (lstat(sub, &st) == -1)
				continue;
			isdir = S_ISDIR(st.st_mode);
		} else
			isdir = e->d_type == DT_DIR;
		if (isdir)
			aw_add_tree(w, r, sub, fresh);
		else if (fresh)
			aw_change(w, sub);
	}
	closedir(dir);
}

/* Forgets w's watches of the directory abs and of everything below it. */
static void
aw_forget_tree(struct app_watch *w, const char *abs)
{
	struct aw_dir	*d, *next;
	size_t		 n = strlen(abs), i;

	RB_FOREACH_SAFE(d, aw_dirs, &aw_dirs, next) {
		if (strncmp(d->path, abs, n) != 0 || (d->path[n] != '\0' &&
		    d->path[n] != '/'))
			continue;
		for (i = 0; i < d->nrefs && d->refs[i].w != w; i++)
			;
		if (i < d->nrefs)
			aw_dir_unref(d, w);
	}
}

/* Drops every watch of w. */
static void
aw_unref_all(struct app_watch *w)
{
	struct aw_dir	*d, *next;
	size_t		 i;

	RB_FOREACH_SAFE(d, aw_dirs, &aw_dirs, next) {
		for (i = 0; i < d->nrefs && d->refs[i].w != w; i++)
			;
		if (i < d->nrefs)
			aw_dir_unref(d, w);
	}
}

/* Every root of w watched (again). */
static void
aw_add_roots(struct app_watch *w)
{
	unsigned	r;

	for (r = 0; r < w->nroots; r++)
		aw_add_tree(w, r, w->roots[r].dir, false);
}

static void
aw_timer_cb(uv_timer_t *t)
{
	struct app_watch	*w = t->data;
	struct app		*a = w->app;
	uint64_t		 now = app_now(), due;
	char			 reason[320];

	due = watch_due(w->first, w->last, now, a->conf.watch_delay);
	if (due > 0) {
		uv_timer_start(t, aw_timer_cb, due, 0);
		return;
	}
	uv_close((uv_handle_t *)t, handle_free);
	w->timer = NULL;
	snprintf(reason, sizeof reason, "watch: %s", w->what);
	/* The last use of w: the transition may remove the watches. */
	app_trigger(a, CAUSE_WATCH, reason);
}

/*
 * A change of abs (what says it for the log, or NULL: "abs changed"):
 * the restart waits for the tree to be quiet. A stop under way ignores
 * it: the process that follows reads the files as they are then.
 */
static void
aw_note(struct app_watch *w, const char *what)
{
	uint64_t	now = app_now();

	if (w->app->run.state == APP_STOPPING)
		return;
	strlcpy(w->what, what, sizeof w->what);
	w->last = now;
	if (w->timer != NULL)
		return;
	w->first = now;
	w->timer = xcalloc(1, sizeof *w->timer);
	uv_timer_init(app_loop, w->timer);
	w->timer->data = w;
	uv_timer_start(w->timer, aw_timer_cb, w->app->conf.watch_delay, 0);
}

static void
aw_change(struct app_watch *w, const char *abs)
{
	const char	*cwd = w->app->conf.cwd, *show = abs;
	char		 what[256];
	size_t		 n;

	/* Shown relative to the cwd where it is below it. */
	if (cwd != NULL && (n = strlen(cwd)) > 1 &&
	    strncmp(abs, cwd, n) == 0 && abs[n] == '/')
		show = abs + n + 1;
	snprintf(what, sizeof what, "%s changed", show);
	aw_note(w, what);
}

/* One event of the inotify queue. */
static void
aw_event(const struct inotify_event *ev)
{
	struct aw_dir	*d;
	struct aw_ref	*refs;
	struct app_watch *w;
	char		 abs[PATH_MAX];
	size_t		 n, i;
	unsigned	 r;

	if ((d = aw_find(ev->wd)) == NULL)
		return;
	if (ev->mask & IN_IGNORED) {
		aw_dir_free(d);
		return;
	}
	if (ev->len == 0)
		return;
	if (snprintf(abs, sizeof abs, "%s/%s", strcmp(d->path, "/") == 0 ?
	    "" : d->path, ev->name) >= (int)sizeof abs)
		return;
	/* A copy: following or forgetting a directory changes d's list. */
	n = d->nrefs;
	refs = xreallocarray(NULL, n, sizeof *refs);
	memcpy(refs, d->refs, n * sizeof *refs);
	for (i = 0; i < n; i++) {
		w = refs[i].w;
		r = refs[i].root;
		if (w->roots[r].only != NULL &&
		    strcmp(ev->name, w->roots[r].only) != 0)
			continue;
		if (aw_ignored(w, r, abs))
			continue;
		if (!(ev->mask & IN_ISDIR)) {
			aw_change(w, abs);
			continue;
		}
		/* A new directory alone is no change; what is in it is. */
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			aw_add_tree(w, r, abs, true);
		if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
			aw_forget_tree(w, abs);
			aw_change(w, abs);
		}
	}
	free(refs);
}

/* The queue overflowed: events were lost, so every tree is read again. */
static void
aw_overflow(void)
{
	struct app	*a;

	log_warnx("watch: inotify queue overflow; rescanning every watched "
	    "tree");
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->watch == NULL)
			continue;
		aw_unref_all(a->watch);
		aw_add_roots(a->watch);
		aw_note(a->watch, "events lost (inotify queue overflow)");
	}
}

static void
aw_read_cb(uv_poll_t *p, int status, int events)
{
	char				 buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*at;

	(void)p;
	(void)events;
	if (status < 0)
		return;
	for (;;) {
		if ((n = read(aw_fd, buf, sizeof buf)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: read", __func__);
			if (errno != EINTR)
				return;
			continue;
		}
		for (at = buf; at < buf + n;
		    at += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)at;
			if (ev->mask & IN_Q_OVERFLOW)
				aw_overflow();
			else
				aw_event(ev);
		}
	}
}

/* Adds path to the NULL-terminated vector *v of n entries. */
static void
aw_push(char ***v, size_t *n, const char *path)
{
	if (path == NULL || *path != '/')
		return;
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(path);
	(*v)[*n] = NULL;
}

/* Adds the root path (real, or a problem) to w. */
static void
aw_root_add(struct app_watch *w, const char *path)
{
	struct stat	 st;
	char		 real[PATH_MAX], *slash;
	struct aw_root	*r;

	if (realpath(path, real) == NULL || stat(real, &st) == -1) {
		aw_problem(w, "watch: %s: %s", path, strerror(errno));
		return;
	}
	w->roots = xreallocarray(w->roots, w->nroots + 1, sizeof *w->roots);
	r = &w->roots[w->nroots++];
	r->only = NULL;
	if (S_ISDIR(st.st_mode) || (slash = strrchr(real, '/')) == NULL) {
		r->dir = xstrdup(real);
		return;
	}
	/* A file: its directory, for that name only. */
	r->only = xstrdup(slash + 1);
	*slash = '\0';
	r->dir = xstrdup(slash == real ? "/" : real);
}

/* Watches a's files: its roots, skipping the daemon's files and its logs. */
static void
aw_setup(struct app *a)
{
	struct app_watch	*w = xcalloc(1, sizeof *w);
	const char		*cwd = a->conf.cwd != NULL ? a->conf.cwd : "/";
	char			*p;
	size_t			 i, n = 0;

	w->app = a;
	a->watch = w;
	aw_push(&w->skip, &n, aw_paths->home);
	aw_push(&w->skip, &n, aw_paths->runtime);
	aw_push(&w->skip, &n, logf_path(a->out));
	aw_push(&w->skip, &n, logf_path(a->err));
	aw_push(&w->skip, &n, a->conf.log_file);
	if (w->skip == NULL)
		w->skip = xcalloc(1, sizeof *w->skip);
	if (a->conf.watch[0] == NULL)
		aw_root_add(w, cwd);
	for (i = 0; a->conf.watch[i] != NULL; i++) {
		if (a->conf.watch[i][0] == '/')
			aw_root_add(w, a->conf.watch[i]);
		else {
			xasprintf(&p, "%s/%s", cwd, a->conf.watch[i]);
			aw_root_add(w, p);
			free(p);
		}
	}
	if (w->nroots == 0 || aw_open(w) == -1)
		return;
	aw_add_roots(w);
	log_info("%s: watching %u directories", a->label, w->ndirs);
}

/* Removes every watch of a and forgets its pending change. */
void
app_watch_free(struct app *a)
{
	struct app_watch	*w = a->watch;
	size_t			 i;

	if (w == NULL)
		return;
	aw_unref_all(w);
	if (w->timer != NULL)
		uv_close((uv_handle_t *)w->timer, handle_free);
	for (i = 0; i < w->nroots; i++) {
		free(w->roots[i].dir);
		free(w->roots[i].only);
	}
	free(w->roots);
	xfreev(w->skip);
	free(w);
	a->watch = NULL;
}

void
app_watch_sync(struct app *a)
{
	/* A reload's hidden record: the listed one watches for both. */
	bool	want = a->conf.watch != NULL && !a->hidden &&
		    a->run.state != APP_STOPPED && a->run.state != APP_ERRORED;

	if (want && a->watch == NULL)
		aw_setup(a);
	else if (!want && a->watch != NULL)
		app_watch_free(a);
}

const char *
app_watch_problem(const struct app *a)
{
	return (a->watch != NULL && a->watch->problem[0] != '\0' ?
	    a->watch->problem : NULL);
}

cJSON *
app_watch_json(const struct app *a)
{
	cJSON	*o;

	if (a->watch == NULL)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "directories", a->watch->ndirs);
	cJSON_AddBoolToObject(o, "pending", a->watch->timer != NULL);
	if (a->watch->problem[0] != '\0')
		cJSON_AddStringToObject(o, "problem", a->watch->problem);
	else
		cJSON_AddNullToObject(o, "problem");
	return (o);
}
