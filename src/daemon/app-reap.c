/*
 * The ends of apps' processes. Our children are reaped with waitpid(-1)
 * from one idle handle started by SIGCHLD (the daemon is a subreaper, so
 * orphans of apps come here too); adopted processes are not our children
 * and their end is seen on a pidfd, with no exit status. Each end becomes
 * one event for the state machine: EV_EXIT when the process group is empty,
 * EV_LEADER_EXIT while it is not, EV_SPAWN_FAIL when the exec failed.
 * The commands of health checks are the daemon's children too: their end
 * goes to probe.c.
 */
#include <sys/wait.h>

#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "handle.h"
#include "hooks.h"
#include "log.h"
#include "probe.h"
#include "proc.h"
#include "xmem.h"

/*
 * Group liveness, and of the app's processes outside it (app-tree.c); an
 * adopted app's members are not our children, and their zombies wait for
 * someone else to reap them.
 */
bool
app_group_alive(const struct app *a)
{
	if (app_tree_alive(a))
		return (true);
	return (a->run.adopted ? proc_group_alive_nz(a->run.pgid) :
	    proc_group_alive(a->run.pgid));
}


/* The main process is gone; its exit status is already recorded. */
void
app_gone(struct app *a)
{
	pid_t	old = a->run.pid;

	a->run.pid = 0;
	app_pid_sync(a);
	if (a->pidpoll != NULL) {
		uv_close((uv_handle_t *)a->pidpoll, handle_free);
		a->pidpoll = NULL;
	}
	if (a->pidfd != -1)
		close(a->pidfd);
	a->pidfd = -1;
	if (app_tree_leader_gone(a, old)) {
		app_event(a, EV_FOLLOW);
		return;
	}
	if (app_group_alive(a)) {
		app_event(a, EV_LEADER_EXIT);
		return;
	}
	a->run.pgid = 0;
	app_event(a, EV_EXIT);
}

/* The main process of a exited with status. */
static void
app_exited(struct app *a, int status)
{
	struct app_run	*r = &a->run;

	/* The child is gone, so its verdict is in the pipe by now. */
	app_exec_check(a);
	if (a->exec.failed) {
		a->exec.failed = false;
		r->pid = 0;
		app_pid_sync(a);
		if (a->pidfd != -1)
			close(a->pidfd);
		a->pidfd = -1;
		r->pgid = 0;
		app_event(a, EV_SPAWN_FAIL);
		return;
	}
	r->has_exit = true;
	r->exit_unknown = false;
	if (WIFSIGNALED(status)) {
		r->exit_code = -1;
		r->exit_signal = WTERMSIG(status);
	} else {
		r->exit_code = WEXITSTATUS(status);
		r->exit_signal = 0;
	}
	log_info("%s: pid %d %s %d", a->label, (int)r->pid,
	    r->exit_signal ? "killed by signal" : "exited with code",
	    r->exit_signal ? r->exit_signal : r->exit_code);
	app_gone(a);
}

/* An adopted process ended: not our child, so no exit status. */
void
app_exited_unknown(struct app *a, const char *why)
{
	a->run.has_exit = true;
	a->run.exit_unknown = true;
	a->run.exit_code = -1;
	a->run.exit_signal = 0;
	log_info("%s: pid %d %s", a->label, (int)a->run.pid, why);
	app_gone(a);
}

static void
app_pidpoll_cb(uv_poll_t *h, int status, int events)
{
	struct app	*a = h->data;

	(void)status;
	(void)events;
	if (a->run.pid > 0)
		app_exited_unknown(a, "exited (adopted: status unknown)");
}

/* Watches the pidfd of an adopted process for its end. */
void
app_pidpoll_start(struct app *a)
{
	a->pidpoll = xcalloc(1, sizeof *a->pidpoll);
	uv_poll_init(app_loop, a->pidpoll, a->pidfd);
	a->pidpoll->data = a;
	uv_poll_start(a->pidpoll, UV_READABLE, app_pidpoll_cb);
}

static uv_idle_t	app_reap_idle;
static bool		app_reap_idle_init;

/*
 * Reaps exited children in batches of 16, one batch per turn of the loop,
 * from an idle handle (which also makes that turn poll without waiting).
 * Each exit may respawn an app, and apps keep exiting while we spawn: an
 * unbounded loop here would never give timers, requests and log pipes a
 * turn. Two libuv 1.44 traps make the obvious ways unbounded: reaping in
 * the SIGCHLD callback (libuv reads its signal pipe in a loop while it
 * comes back full, and every batch's spawns fill it again), and
 * re-arming a 0 ms timer (run again in the same timer phase). Under a
 * restart storm either one kept the loop from ever polling.
 */
static void
app_reap_idle_cb(uv_idle_t *h)
{
	struct app	*a, *next;
	pid_t		 pid;
	int		 status, n = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (hooks_reaped(pid, status))
			;
		else if ((a = app_find_pid(pid)) != NULL)
			app_exited(a, status);
		/* A health check's command (probe.c) is no app's. */
		else if (!probe_reaped(pid, status))
			log_debug("reaped pid %d (not an app's main process)",
			    (int)pid);
		/* The rest next turn, within the turn's budget (app-event.c). */
		if (++n == 16 || app_turn_spent())
			break;
	}
	if (pid <= 0)
		uv_idle_stop(h);
	/* A member reaped here may have been the last of a stopping group. */
	TAILQ_FOREACH_SAFE(a, &apps, entry, next) {
		if (sup_waits_group(&a->run) && !app_group_alive(a)) {
			a->run.pgid = 0;
			app_event(a, EV_EXIT);
		}
	}
	TAILQ_FOREACH_SAFE(a, &app_hidden, entry, next) {
		if (sup_waits_group(&a->run) && !app_group_alive(a)) {
			a->run.pgid = 0;
			app_event(a, EV_EXIT);
		}
	}
}

void
app_reap(void)
{
	if (!app_reap_idle_init) {
		uv_idle_init(app_loop, &app_reap_idle);
		uv_unref((uv_handle_t *)&app_reap_idle);
		app_reap_idle_init = true;
	}
	uv_idle_start(&app_reap_idle, app_reap_idle_cb);
}
