/*
 * The processes of an app beyond its main process and its process group:
 * descendants that left the group (setsid(), setpgid()) and orphans of the
 * app handed to the daemon, a child subreaper. cgroups are not available
 * everywhere (cgroup v1 here, docs/LESSONS.md), so they are found in /proc:
 * by parent, by a session one of them leads, and, when the main process
 * has just exited, as the daemon's new children that no other app claims.
 * Each is remembered with its start time, so a recycled pid is never taken
 * for one: every signal goes through a pidfd checked against it.
 *
 * A stop signals them next to the group and is done only once they are
 * gone too; the memory and CPU of list and of max_memory_restart count
 * them (app_tree_stats); a main process that exits 0 leaving exactly one of them, out
 * of its group, hands the app over to it (a program that daemonized).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "hooks.h"
#include "keeper.h"
#include "log.h"
#include "probe.h"
#include "proc.h"
#include "xmem.h"

#define APP_KIN_MAX	4096	/* processes remembered per app */
#define APP_OWN_MAX	65536	/* children of the daemon looked at */

/* Zombies among the processes the last scan found. */
static int	app_tree_dying;

/* Of the app b: its main process, its group, or one of its kin. */
static bool
app_tree_owns(const struct app *b, const struct proc_ent *e)
{
	size_t	i;

	if ((b->run.pid > 0 && e->pid == b->run.pid) ||
	    (b->run.pgid > 1 && e->pgid == b->run.pgid))
		return (true);
	for (i = 0; i < b->nkin; i++) {
		if (b->kin[i].pid == e->pid && b->kin[i].start == e->start)
			return (true);
	}
	return (false);
}

/* Claimed by an app other than a. */
static bool
app_tree_claimed(const struct app *a, const struct proc_ent *e)
{
	const struct app	*b;

	TAILQ_FOREACH(b, &apps, entry) {
		if (b != a && app_tree_owns(b, e))
			return (true);
	}
	/* A reload's other process is no orphan of the app's. */
	TAILQ_FOREACH(b, &app_hidden, entry) {
		if (b != a && app_tree_owns(b, e))
			return (true);
	}
	return (false);
}

/*
 * Where a's processes are certainly found. orphans: the main process has
 * just exited, so its orphans are the daemon's children now; those started
 * after it that no other app claims are taken for its own.
 */
static bool
app_tree_seed(const struct app *a, const struct proc_ent *e, pid_t self,
    pid_t keeper)
{
	if (app_tree_owns(a, e))
		return (true);
	/* A hook runs next to the apps, never as one's (hooks.c). */
	if (hooks_owns(e->pid, e->pgid))
		return (false);
	return (self > 0 && e->ppid == self && e->pid != keeper &&
	    !probe_owns(e->pid) && e->start >= a->run.starttime &&
	    !app_tree_claimed(a, e));
}

/* Marks a's processes in the sorted scan v: the seeds and their trees. */
static void
app_tree_mark(const struct app *a, const struct proc_ent *v, size_t n,
    bool *mark, bool orphans)
{
	const struct proc_ent	*p;
	pid_t			 self, keeper = keeper_pid();
	size_t			 i;
	bool			 more;

	self = orphans && !a->run.adopted ? getpid() : 0;
	for (i = 0; i < n; i++)
		mark[i] = app_tree_seed(a, &v[i], self, keeper);
	do {
		more = false;
		for (i = 0; i < n; i++) {
			if (mark[i])
				continue;
			/* A child of one, or in a session one leads. */
			if (((p = proc_scan_find(v, n, v[i].ppid)) != NULL &&
			    mark[p - v]) || ((p = proc_scan_find(v, n,
			    v[i].sid)) != NULL && mark[p - v] &&
			    p->sid == p->pid))
				mark[i] = more = true;
		}
	} while (more);
}

/*
 * One scan of /proc serves every stop signalled in the same turn of the
 * loop: `opm stop all` with 1000 apps made 1000 scans of every process of
 * the machine (minutes, with thousands of processes). The scan is dropped
 * when the turn ends (a check handle), so a later turn sees new processes.
 */
static struct proc_ent	*app_tree_snap;
static size_t		 app_tree_nsnap;
static uv_check_t	 app_tree_check;
static bool		 app_tree_check_init;

static struct proc_ent	*app_tree_orph;
static size_t		 app_tree_norph;
static bool		 app_tree_orph_valid;

static void
app_tree_check_cb(uv_check_t *h)
{
	free(app_tree_snap);
	app_tree_snap = NULL;
	app_tree_nsnap = 0;
	free(app_tree_orph);
	app_tree_orph = NULL;
	app_tree_norph = 0;
	app_tree_orph_valid = false;
	uv_check_stop(h);
}

/* What this turn cached is dropped when it ends. */
static void
app_tree_turn_end(void)
{
	if (!app_tree_check_init) {
		uv_check_init(app_loop, &app_tree_check);
		uv_unref((uv_handle_t *)&app_tree_check);
		app_tree_check_init = true;
	}
	uv_check_start(&app_tree_check, app_tree_check_cb);
}

/* The scan of this turn, taken now if there is none yet; -1 on error. */
static int
app_tree_snapshot(struct proc_ent **v, size_t *n)
{
	if (app_tree_snap == NULL) {
		if (proc_scan(&app_tree_snap, &app_tree_nsnap) == -1)
			return (-1);
		app_tree_turn_end();
	}
	*v = app_tree_snap;
	*n = app_tree_nsnap;
	return (0);
}

int
app_tree_scan(struct app *a, bool orphans, struct proc_ent *heir)
{
	struct proc_ent	*v;
	size_t		 n, i;
	bool		*mark;
	int		 live = 0;
	/* A scan for a stop's signals may be shared; the others see now. */
	bool		 shared = !orphans && heir == NULL;

	if ((shared ? app_tree_snapshot(&v, &n) : proc_scan(&v, &n)) == -1) {
		log_warn("%s: cannot read /proc", a->label);
		return (-1);
	}
	mark = xcalloc(n ? n : 1, sizeof *mark);
	app_tree_mark(a, v, n, mark, orphans);
	a->nkin = 0;
	app_tree_dying = 0;
	for (i = 0; i < n; i++) {
		if (mark[i] && v[i].zombie)
			app_tree_dying++;
		if (!mark[i] || v[i].zombie || v[i].pid == a->run.pid)
			continue;
		live++;
		if (heir != NULL)
			*heir = v[i];
		/* The group is signalled and watched as a whole. */
		if (a->run.pgid > 1 && v[i].pgid == a->run.pgid)
			continue;
		if (a->nkin == APP_KIN_MAX) {
			log_warnx("%s: over %d processes outside its group; "
			    "pid %d and later ones are not tracked",
			    a->label, APP_KIN_MAX, (int)v[i].pid);
			continue;
		}
		a->kin = xreallocarray(a->kin, a->nkin + 1, sizeof *a->kin);
		a->kin[a->nkin].pid = v[i].pid;
		a->kin[a->nkin++].start = v[i].start;
	}
	free(mark);
	if (!shared)
		free(v);
	return (live);
}

/* Whether a scan at the main process's exit can find anything. */
static bool
app_tree_worth(const struct app *a)
{
	pid_t			*kids, keeper = keeper_pid();
	size_t			 n, i;
	bool			 found = false;

	if (a->nkin > 0 || (a->run.pgid > 1 && proc_group_alive(a->run.pgid)))
		return (true);
	if (a->run.adopted)
		return (false);
	/* Orphans: children of the daemon that are no app's main process. */
	kids = xreallocarray(NULL, APP_OWN_MAX, sizeof *kids);
	n = proc_own_children(kids, APP_OWN_MAX);
	for (i = 0; i < n && !found; i++)
		found = kids[i] != keeper && !hooks_owns(kids[i], 0) &&
		    !probe_owns(kids[i]) && app_find_pid(kids[i]) == NULL;
	free(kids);
	return (found);
}

bool
app_tree_alive(const struct app *a)
{
	size_t	i;

	for (i = 0; i < a->nkin; i++) {
		if (proc_alive_as(a->kin[i].pid, a->kin[i].start))
			return (true);
	}
	return (false);
}

int
app_tree_signal(struct app *a, int sig)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < a->nkin; i++) {
		if (proc_signal_as(a->kin[i].pid, a->kin[i].start, sig) == 0)
			n++;
		else if (errno != ESRCH)
			log_warn("%s: signal %d to pid %d", a->label, sig,
			    (int)a->kin[i].pid);
	}
	return (n);
}

void
app_tree_forget(struct app *a)
{
	free(a->kin);
	a->kin = NULL;
	a->nkin = 0;
}

/*
 * The main process exited 0: is exactly one process of its tree left, our
 * child, in a session of its own (it called setsid: a child that stayed in
 * the app's session is a leftover, killed as systemd's Type=simple does)?
 * A double fork's intermediate may still be on its way out: look again for
 * up to 100 ms. If it is followed and then exits 0 leaving the real daemon,
 * that one is followed in turn.
 */
static bool
app_tree_heir(struct app *a, struct proc_ent *heir)
{
	struct timespec	ts = { 0, 5 * 1000 * 1000 };
	int		i, live;

	if ((a->run.state != APP_LAUNCHING && a->run.state != APP_ONLINE) ||
	    a->run.adopted || a->session <= 1 || !a->run.has_exit || a->run.exit_signal != 0 ||
	    a->run.exit_code != 0)
		return (false);
	for (i = 0; i < 20; i++) {
		/* A member on its way out may have forked the one left. */
		if ((live = app_tree_scan(a, true, heir)) < 0 ||
		    (live == 0 && app_tree_dying == 0))
			return (false);
		if (live == 1 && heir->sid != a->session &&
		    heir->ppid == getpid())
			return (true);
		nanosleep(&ts, NULL);
	}
	return (false);
}

/* The one process left becomes the main process: its pid, its group. */
static void
app_tree_follow(struct app *a, pid_t old, const struct proc_ent *h)
{
	snprintf(a->note, sizeof a->note, "followed daemonized child %d: "
	    "the main process %d exited 0 and left it running", (int)h->pid,
	    (int)old);
	strlcpy(a->run.reason, a->note, sizeof a->run.reason);
	a->run.pid = h->pid;
	a->run.pgid = h->pgid;
	app_pid_sync(a);
	a->run.starttime = h->start;
	a->pidfd = proc_pidfd(h->pid);
	app_tree_forget(a);
}

bool
app_tree_leader_gone(struct app *a, pid_t old)
{
	struct proc_ent	heir;

	if (!app_tree_worth(a))
		return (false);
	if (app_tree_heir(a, &heir)) {
		app_tree_follow(a, old, &heir);
		return (true);
	}
	/* The stray processes a restart or the stop must end. */
	if (app_tree_scan(a, true, NULL) > 0 && a->nkin > 0)
		log_info("%s: %zu processes of its tree left its process "
		    "group", a->label, a->nkin);
	return (false);
}

size_t
app_tree_orphans(struct proc_ent **out)
{
	struct proc_ent		*v;
	pid_t			*kids, keeper = keeper_pid();
	size_t			 n, i, k = 0;
	bool			 mine;

	kids = xreallocarray(NULL, APP_OWN_MAX, sizeof *kids);
	n = proc_own_children(kids, APP_OWN_MAX);
	v = xreallocarray(NULL, n ? n : 1, sizeof *v);
	for (i = 0; i < n; i++) {
		/* The index: a loop over the apps here made list O(N^3). */
		mine = kids[i] == keeper || probe_owns(kids[i]) ||
		    hooks_owns(kids[i], 0) || app_find_pid(kids[i]) != NULL;
		if (!mine && proc_stat_ent(kids[i], &v[k]) == 0 &&
		    !v[k].zombie)
			k++;
	}
	free(kids);
	*out = v;
	return (k);
}

/*
 * The orphans of this turn (app_tree_orph), for list and metrics: one
 * read of the daemon's children serves every app of one reply (a read
 * per app made a list of 1000 apps take seconds). Dropped with the scan
 * at the turn's end, so a later turn sees new processes.
 */
int
app_tree_stats(const struct app *a, struct proc_stats *ps)
{
	if (a->run.pid <= 0) {
		memset(ps, 0, sizeof *ps);
		return (-1);
	}
	if (!app_tree_orph_valid) {
		app_tree_norph = app_tree_orphans(&app_tree_orph);
		app_tree_orph_valid = true;
		app_tree_turn_end();
	}
	return (app_tree_stats_in(a, app_tree_orph, app_tree_norph, ps));
}

int
app_tree_stats_in(const struct app *a, const struct proc_ent *orph,
    size_t n, struct proc_stats *ps)
{
	size_t	i;

	memset(ps, 0, sizeof *ps);
	if (a->run.pid <= 0)
		return (-1);
	proc_stats_add(a->run.pid, ps);
	/* An adopted app's orphans are not ours to see. */
	for (i = 0; i < n && !a->run.adopted; i++) {
		if (app_tree_owns(a, &orph[i]) ||
		    (a->session > 1 && orph[i].sid == a->session))
			proc_stats_add(orph[i].pid, ps);
	}
	return (ps->nprocs > 0 ? 0 : -1);
}

