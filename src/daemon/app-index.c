/*
 * Lookups of apps by id, name and main pid, in constant time: with 10,000
 * apps a walk of the list per lookup made creating them quadratic, and
 * every reaped child looked its app up the same way. The list (apps, in id
 * order) stays the one owner; these tables only point into it. The pid
 * table is a cache checked on every hit (the app's pid must still be the
 * one asked for) and backed by a walk of the list on a miss, so that a
 * pid set where app_pid_sync is not called costs time, never a wrong
 * answer. A reload's hidden record (app_hidden) is in the pid table only.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "logf.h"
#include "xmem.h"

#define APP_HASH	8192	/* buckets of the name and pid tables */

static struct app	**app_byid;	/* indexed by id; NULL: none */
static size_t		  app_byid_cap;
static struct app	 *app_byname[APP_HASH];
static struct app	 *app_bypid[APP_HASH];
static struct app	 *app_byout[APP_HASH];	/* by logf_path(out) */
static size_t		  app_nkeyed;

static size_t
app_name_hash(const char *s)
{
	size_t	h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return (h % APP_HASH);
}

static size_t
app_pid_hash(pid_t pid)
{
	return ((size_t)pid % APP_HASH);
}

/* Takes a into the id and name tables (it has both from app_new on). */
void
app_index_add(struct app *a)
{
	size_t	h, cap;

	if ((size_t)a->id >= app_byid_cap) {
		cap = app_byid_cap ? app_byid_cap : 256;
		while (cap <= (size_t)a->id)
			cap *= 2;
		app_byid = xreallocarray(app_byid, cap, sizeof *app_byid);
		memset(app_byid + app_byid_cap, 0,
		    (cap - app_byid_cap) * sizeof *app_byid);
		app_byid_cap = cap;
	}
	app_byid[a->id] = a;
	h = app_name_hash(a->conf.name);
	a->name_next = app_byname[h];
	app_byname[h] = a;
	h = app_name_hash(logf_path(a->out));
	a->out_next = app_byout[h];
	app_byout[h] = a;
	if (app_log_keyed(&a->conf))
		app_nkeyed++;
}

static void
app_pid_unlink(struct app *a)
{
	struct app	**p;

	if (a->pid_key <= 0)
		return;
	for (p = &app_bypid[app_pid_hash(a->pid_key)]; *p != NULL;
	    p = &(*p)->pid_next) {
		if (*p == a) {
			*p = a->pid_next;
			break;
		}
	}
	a->pid_key = 0;
}

/*
 * Drops a from the id, name and log tables: it is no longer listed (a
 * reload hid it), though its process may still run.
 */
void
app_index_unlist(struct app *a)
{
	struct app	**p;

	if ((size_t)a->id >= app_byid_cap || app_byid[a->id] != a)
		return;
	app_byid[a->id] = NULL;
	for (p = &app_byname[app_name_hash(a->conf.name)]; *p != NULL;
	    p = &(*p)->name_next) {
		if (*p == a) {
			*p = a->name_next;
			break;
		}
	}
	for (p = &app_byout[app_name_hash(logf_path(a->out))]; *p != NULL;
	    p = &(*p)->out_next) {
		if (*p == a) {
			*p = a->out_next;
			break;
		}
	}
	if (app_log_keyed(&a->conf))
		app_nkeyed--;
}

/* Drops a from every table (app_destroy). */
void
app_index_del(struct app *a)
{
	app_index_unlist(a);
	app_pid_unlink(a);
}

struct app *
app_find_out(const char *path, const char *skip)
{
	struct app	*a;

	for (a = app_byout[app_name_hash(path)]; a != NULL; a = a->out_next) {
		if (strcmp(logf_path(a->out), path) == 0 &&
		    (skip == NULL || strcmp(a->conf.name, skip) != 0))
			return (a);
	}
	return (NULL);
}

size_t
app_count_keyed(void)
{
	return (app_nkeyed);
}

void
app_pid_sync(struct app *a)
{
	size_t	h;

	if (a->pid_key == a->run.pid)
		return;
	app_pid_unlink(a);
	if (a->run.pid <= 0)
		return;
	h = app_pid_hash(a->run.pid);
	a->pid_key = a->run.pid;
	a->pid_next = app_bypid[h];
	app_bypid[h] = a;
}

struct app *
app_find_pid(pid_t pid)
{
	struct app	*a;

	if (pid <= 0)
		return (NULL);
	for (a = app_bypid[app_pid_hash(pid)]; a != NULL; a = a->pid_next) {
		if (a->pid_key == pid && a->run.pid == pid)
			return (a);
	}
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->run.pid == pid) {
			app_pid_sync(a);
			return (a);
		}
	}
	/* A reload's other process (app-reload.c). */
	TAILQ_FOREACH(a, &app_hidden, entry) {
		if (a->run.pid == pid) {
			app_pid_sync(a);
			return (a);
		}
	}
	return (NULL);
}

struct app *
app_find_id(int id)
{
	if (id < 0 || (size_t)id >= app_byid_cap)
		return (NULL);
	return (app_byid[id]);
}

/* The first app (lowest id) called name after the id 'after', or NULL. */
static struct app *
app_name_after(const char *name, int after)
{
	struct app	*a, *best = NULL;

	for (a = app_byname[app_name_hash(name)]; a != NULL;
	    a = a->name_next) {
		if (a->id > after && (best == NULL || a->id < best->id) &&
		    strcmp(a->conf.name, name) == 0)
			best = a;
	}
	return (best);
}

struct app *
app_find_name(const char *name)
{
	return (app_name_after(name, -1));
}

struct app *
app_find_instance(const char *name, int k)
{
	struct app	*a;

	for (a = app_byname[app_name_hash(name)]; a != NULL;
	    a = a->name_next) {
		if (a->instance == k && strcmp(a->conf.name, name) == 0)
			return (a);
	}
	return (NULL);
}

struct app *
app_next_same(const struct app *a)
{
	return (app_name_after(a->conf.name, a->id));
}

int
app_count_name(const char *name)
{
	struct app	*a;
	int		 n = 0;

	for (a = app_byname[app_name_hash(name)]; a != NULL;
	    a = a->name_next) {
		if (strcmp(a->conf.name, name) == 0)
			n++;
	}
	return (n);
}
