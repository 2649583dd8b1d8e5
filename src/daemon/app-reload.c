/*
 * The rolling reload of one app (one instance): its new process starts on
 * the same listening sockets while the old one serves, and replaces it once
 * ready; then the old one is stopped. For that while an app owns two
 * processes, and each has a record of its own, struct app, so that the one
 * state machine (src/process/sup.c) decides over both, each with its own
 * timer, pidfd, exec verdict and readiness:
 *
 *	listed	the record in the app list (targets, list, dump, state file)
 *	hidden	in app_hidden: the new process until it is ready (its run
 *		record has successor set: a failed start is final), then the
 *		old one while it stops (a delete: it is freed once stopped)
 *
 * The two are each other's peer. The hidden one has the listed one's id,
 * and borrows its sockets, log files and notify socket; the swap moves the
 * new process's record into the list in the old one's place, and hands it
 * the sockets and the notify socket. The hidden record has no state file:
 * the listed one's carries its pid, process group and start time
 * (peer_pid...), written in the same file as the listed process, so one
 * rename records the swap. A successor daemon (after a crash, or a re-exec)
 * never resumes a reload: it stops the recorded peer once its pid is
 * verified (app_reload_adopt_peer). Before the swap that is the new
 * process: the old one serves on; after it, the old one: the new serves.
 *
 * A stop or delete of the listed record ends a successor too; a crash of
 * the old process during the reload is an ordinary crash (the table's
 * cells restart it), and the swap replaces whatever runs then.
 */
#include <sys/syscall.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "handle.h"
#include "log.h"
#include "logf.h"
#include "proc.h"
#include "state.h"
#include "xmem.h"

/* One reload of one app, from its start to its end. */
struct app_reload_op {
	int		  id;		/* of the listed record */
	bool		  swapped;	/* the old one now is the hidden one */
	pid_t		  oldpid;
	void		(*done)(void *, bool, const char *);
	void		 *arg;
	uv_timer_t	 *step;		/* the next look, from the loop */
};

static void	app_reload_look(void *);

struct app *
app_owner(struct app *a)
{
	return (a->hidden ? a->peer : a);
}

void
app_record(const struct app *a, struct app_run *r)
{
	*r = a->run;
	r->peer_pid = r->peer_pgid = 0;
	r->peer_start = 0;
	if (a->peer != NULL && a->peer->run.pid > 0) {
		r->peer_pid = a->peer->run.pid;
		r->peer_pgid = a->peer->run.pgid;
		r->peer_start = a->peer->run.starttime;
	}
}

bool
app_stopping(const struct app *a)
{
	return (a->run.state == APP_STOPPING ||
	    (a->peer != NULL && a->peer->run.state == APP_STOPPING));
}

bool
app_reloading(const struct app *a)
{
	return (a->peer != NULL);
}

/* A hidden record for a's reload: a copy of a, stopped, no process. */
static struct app *
app_reload_new(struct app *a, const char *role)
{
	struct app	*h = xcalloc(1, sizeof *h);

	h->id = a->id;
	h->instance = a->instance;
	snprintf(h->label, sizeof h->label, "%.*s (%s)", OPM_NAME_MAX,
	    a->label, role);
	app_conf_copy(&h->conf, &a->conf);
	h->out = a->out;
	h->err = a->err;
	logf_ref(h->out);
	logf_ref(h->err);
	sup_init(&h->run);
	h->pidfd = -1;
	h->exec.fd = -1;
	h->exec.gofd = -1;
	app_ready_new(h);
	TAILQ_INIT(&h->waiters);
	uv_timer_init(app_loop, &h->timer);
	h->timer.data = h;
	h->hidden = true;
	h->peer = a;
	a->peer = h;
	TAILQ_INSERT_TAIL(&app_hidden, h, entry);
	return (h);
}

static void
app_reload_free(struct app_reload_op *op)
{
	uv_close((uv_handle_t *)op->step, handle_free);
	free(op);
}

static void
app_reload_end(struct app_reload_op *op, bool ok, const char *cause)
{
	op->done(op->arg, ok, cause);
	app_reload_free(op);
}

static void
app_reload_step_cb(uv_timer_t *t)
{
	app_reload_look(t->data);
}

/* Woken by a step of either record: look from the loop, not inside it. */
static void
app_reload_wake(void *arg)
{
	struct app_reload_op	*op = arg;

	uv_timer_start(op->step, app_reload_step_cb, 0, 0);
}

/*
 * The new process is ready: its record takes the old one's place in the
 * list, with its sockets, its notify socket and one more restart; the old
 * one is hidden and deleted (stopped, then freed).
 */
static void
app_reload_swap(struct app *a, struct app *h)
{
	TAILQ_REMOVE(&app_hidden, h, entry);
	TAILQ_INSERT_BEFORE(a, h, entry);
	TAILQ_REMOVE(&apps, a, entry);
	TAILQ_INSERT_TAIL(&app_hidden, a, entry);
	app_index_unlist(a);
	app_index_add(h);
	h->hidden = false;
	a->hidden = true;
	h->lfds = a->lfds;
	a->lfds = NULL;
	app_ready_handoff(a, h);
	h->run.successor = false;
	/* A restart the user asked for, counted as restart counts it. */
	h->run.restarts = a->run.restarts + 1;
	memcpy(h->run.restarts_by, a->run.restarts_by,
	    sizeof h->run.restarts_by);
	h->run.restarts_by[CAUSE_USER]++;
	strlcpy(h->label, a->label, sizeof h->label);
	snprintf(a->label, sizeof a->label, "%.*s (old)", OPM_NAME_MAX,
	    h->label);
	log_info("%s: reloaded: pid %d replaces pid %d", h->label,
	    (int)h->run.pid, (int)a->run.pid);
	/* One rename records both processes in their new roles. */
	app_save(h);
	TAILQ_CONCAT(&h->waiters, &a->waiters, entry);
	app_event(a, EV_DELETE);
}

/* Where the reload is: wait on, swap, or end. */
static void
app_reload_look(void *arg)
{
	struct app_reload_op	*op = arg;
	struct app		*a = app_find_id(op->id), *h;
	char			 cause[320];

	h = a != NULL ? a->peer : NULL;
	if (op->swapped) {
		/* Done once the old process is gone. */
		if (h != NULL) {
			app_wait(h, app_reload_wake, op);
			return;
		}
		app_reload_end(op, true, NULL);
		return;
	}
	if (h == NULL || !h->run.successor) {
		snprintf(cause, sizeof cause, "the new process was stopped: "
		    "%s", a != NULL ? "the app was stopped" : "the app was "
		    "deleted");
		app_reload_end(op, false, cause);
		return;
	}
	/* Not proven yet, or still stopping after its failure. */
	if (h->run.state == APP_LAUNCHING || h->run.state == APP_STOPPING ||
	    (h->run.state == APP_ONLINE && (h->exec.poll != NULL ||
	    h->exec.failed))) {
		app_wait(h, app_reload_wake, op);
		return;
	}
	if (h->run.state == APP_ONLINE) {
		op->swapped = true;
		app_reload_swap(a, h);
		app_reload_look(op);
		return;
	}
	snprintf(cause, sizeof cause, "%s; pid %d keeps serving",
	    h->run.reason, (int)a->run.pid);
	log_warnx("%s: reload failed: %s", a->label, cause);
	app_event(h, EV_DELETE);
	app_reload_end(op, false, cause);
}

int
app_reload_begin(struct app *a, void (*done)(void *, bool, const char *),
    void *arg, char *cause, size_t clen)
{
	struct app_reload_op	*op;
	struct app		*h;

	if (a->peer != NULL || a->hidden) {
		snprintf(cause, clen, "%s is being reloaded", a->label);
		return (-1);
	}
	op = xcalloc(1, sizeof *op);
	op->id = a->id;
	op->oldpid = a->run.pid;
	op->done = done;
	op->arg = arg;
	op->step = xcalloc(1, sizeof *op->step);
	uv_timer_init(app_loop, op->step);
	op->step->data = op;
	h = app_reload_new(a, "new");
	h->run.successor = true;
	log_info("%s: reload: starting a new process next to pid %d",
	    a->label, (int)a->run.pid);
	app_event(h, EV_START);
	/* Its first step may be final already (cannot execute). */
	app_reload_wake(op);
	return (0);
}

void
app_reload_step(struct app *a, enum sup_event ev, enum app_state from)
{
	/* The reload looks at every step of its hidden record. */
	if (a->hidden) {
		if (a->run.state != from)
			app_notify(a);
		return;
	}
	if (a->peer == NULL || !a->peer->run.successor)
		return;
	if ((ev == EV_STOP || ev == EV_DELETE) && !app_deleting(a->peer)) {
		log_info("%s: the reload's new process is stopped too",
		    a->label);
		app_event(a->peer, EV_DELETE);
	}
}

void
app_reload_adopt_peer(struct app *a, const struct app_run *r, bool ours)
{
	struct proc_ent	 e;
	struct app	*h;
	pid_t		 pid = r->peer_pid;
	int		 fd;

	if (pid <= 0 || a->peer != NULL)
		return;
	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		log_info("%s: the other process of an unfinished reload "
		    "(pid %d) is gone", a->label, (int)pid);
		return;
	}
	if (state_starttime(pid) != r->peer_start) {
		close(fd);
		log_info("%s: pid %d of an unfinished reload was recycled: "
		    "not touched", a->label, (int)pid);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	h = app_reload_new(a, "unfinished reload");
	/* A restore of what was recorded, as app_adopt does. */
	h->run.state = APP_ONLINE;
	h->run.pid = pid;
	app_pid_sync(h);
	h->run.pgid = r->peer_pgid > 1 ? r->peer_pgid : pid;
	h->run.starttime = r->peer_start;
	h->run.started = app_now();
	h->pidfd = fd;
	h->run.adopted = !ours || proc_stat_ent(pid, &e) == -1 ||
	    e.ppid != getpid();
	if (h->run.adopted)
		app_pidpoll_start(h);
	log_warnx("%s: a reload was under way when the daemon went; pid %d, "
	    "the other process, is stopped (pid %d serves)", a->label,
	    (int)pid, (int)a->run.pid);
	app_event(h, EV_DELETE);
}
