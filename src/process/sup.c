/*
 * The restart policy, whole, in one table: sup_table[state][event] says for
 * every pair what happens, "nothing" included, in the manner of
 * s6-supervise's actions[state][event]. A cell is a next state, the actions
 * the caller carries out (app-event.c), the effects on the runtime record
 * and a reason; where the answer depends on counters, the clock or the
 * policy, the cell names a guard that picks one of the cells below it. This
 * file is the only writer of the state field.
 *
 * Definitions (README.md, "Restart policy"):
 * - an app is online once its program is executed (the exec verdict),
 *   or with a ready key once it is ready (EV_READY); not ready within
 *   listen_timeout, it is stopped and that is a failed start;
 * - with a ready key, an exit before ready is a failed start too;
 * - a start "fails" when the process exits before min_uptime;
 * - failures in a row back off exponentially from max(100 ms,
 *   restart_delay) up to backoff_max, and after max_restarts restarts that
 *   all failed the app is errored, whatever it did before (the PM2 hole:
 *   an app that ran for hours and now dies at once on every start ends too);
 * - an app that ran past min_uptime and then exits is restarted after
 *   restart_delay (0: at once), and its failure count starts again;
 * - restarts counts automatic and manual restarts, not a start from stopped;
 * - a stop is done when the main process is reaped and its group is empty;
 * - an automatic restart that finds no descriptors or memory backs off like
 *   a failed start (not the program's fault); a start the user asked for
 *   fails at once, so that the user sees why;
 * - a rolling reload's new process (successor) is online once ready, or
 *   without a ready key once up min_uptime; an exit before that, or not
 *   ready in time, is final: errored, never retried (the old process
 *   keeps serving and the reload reports the failure);
 * - a start whose dependencies (depends_on) are not met waits, with no
 *   timer, until they are (EV_START) or cannot be (EV_DEP_FAIL: errored);
 *   app-deps.c decides which and writes the reason first;
 * - a restart trigger (watch, memory, cron, health: EV_TRIGGER) restarts
 *   a running app gracefully and counts it under its cause; a memory
 *   trigger before min_uptime (or before ready) is a failed start, so
 *   that an app too big to start ends errored; a watch trigger also
 *   starts an app waiting for its backoff at once;
 * - a job (cron_mode: run) that exits 0 is done until its next time,
 *   whatever the policy: restart always is on-failure for it.
 * - with watch, a failed start neither backs off nor ends errored: the
 *   app waits, with no timer, for the next change of its files (a watch
 *   trigger, which starts it) or for the user; max_restarts does not
 *   apply, since no start happens without a change (edit, save, up).
 */
#include <string.h>

#include "sup.h"

#define SUP_SAME	-1	/* next: the state does not change */

/* What the timer is armed for (with ACT_TIMER). */
enum sup_timer {
	T_NONE,
	T_MIN_UPTIME,
	T_KILL_TIMEOUT,
	T_RECHECK,		/* 1 s: SIGKILL again, look at the group */
	T_BACKOFF,		/* sup_backoff() of the new fails */
	T_RESTART_DELAY,
};

/* Effects on the runtime record, applied here. */
#define FX_FAILS_RESET	0x001
#define FX_FAILS_INC	0x002
#define FX_AFTER_CLEAR	0x004	/* start_after = count_after = false */
#define FX_START_AFTER	0x008	/* start_after = true */
#define FX_RESTART_AFTER 0x010	/* start_after = count_after = true */
#define FX_DELETE_AFTER	0x020
#define FX_LEADER_GONE	0x040
#define FX_RESPAWN	0x080	/* this spawn is automatic: a lack of
				   resources backs off (EV_SPAWN_LACK) */
#define FX_CAUSE	0x100	/* the reason is the failure's own cause,
				   already in the record */
#define FX_DEP_WAIT	0x200	/* dep_wait = true (cleared by leaving
				   waiting) */
#define FX_FAIL_AFTER	0x400	/* fail_after = true: the stop ends a
				   failed start (not ready in time) */
#define FX_WATCH_WAIT	0x800	/* watch_wait = true (cleared by leaving
				   waiting) */

struct sup_cell;
typedef const struct sup_cell *(*sup_guard)(const struct app_run *,
    const struct sup_in *);

struct sup_cell {
	int		 next;		/* enum app_state, or SUP_SAME */
	sup_guard	 guard;		/* picks the cell that applies */
	unsigned	 actions;	/* added to the picked cell's */
	unsigned	 fx;
	enum sup_timer	 timer;
	const char	*reason;	/* NULL: not logged, reason kept */
};

/* The cells a guard can pick, and those shared by several table entries. */
static const struct sup_cell
    c_nothing = { SUP_SAME, NULL, 0, 0, T_NONE, NULL },
    c_start = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER,
	FX_FAILS_RESET | FX_AFTER_CLEAR, T_MIN_UPTIME, "start requested" },
    c_start_after = { SUP_SAME, NULL, 0, FX_START_AFTER, T_NONE,
	"start requested; after the stop" },
    c_restart_again = { SUP_SAME, NULL, 0, FX_RESTART_AFTER, T_NONE, NULL },
    c_stop = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_AFTER_CLEAR, T_KILL_TIMEOUT, "stop requested" },
    c_stop_idle = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"stop requested" },
    c_stop_again = { SUP_SAME, NULL, 0, FX_AFTER_CLEAR, T_NONE, NULL },
    c_restart = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_RESTART_AFTER, T_KILL_TIMEOUT, "restart requested" },
    c_restart_idle = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER |
	ACT_COUNT, FX_FAILS_RESET | FX_AFTER_CLEAR, T_MIN_UPTIME,
	"restart requested" },
    c_delete = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_AFTER_CLEAR | FX_DELETE_AFTER, T_KILL_TIMEOUT, "stop requested" },
    c_delete_waiting = { APP_STOPPED, NULL, ACT_TIMER_STOP | ACT_DESTROY, 0,
	T_NONE, "stop requested" },
    c_delete_again = { SUP_SAME, NULL, 0, FX_AFTER_CLEAR | FX_DELETE_AFTER,
	T_NONE, NULL },
    c_delete_idle = { SUP_SAME, NULL, ACT_DESTROY, 0, T_NONE, NULL },
    c_up = { APP_ONLINE, NULL, 0, FX_FAILS_RESET, T_NONE,
	"up for min_uptime" },
    /* Online once executed; min_uptime then only ends the failures. */
    c_exec_ok = { APP_ONLINE, NULL, 0, 0, T_NONE, "program executed" },
    c_uptime = { SUP_SAME, NULL, 0, FX_FAILS_RESET, T_NONE, NULL },
    /* Readiness: launching until ready, min_uptime only ends failures. */
    c_exec_wait = { SUP_SAME, NULL, ACT_READY_WAIT, 0, T_NONE,
	"program executed; waiting until it is ready" },
    c_ready = { APP_ONLINE, NULL, 0, 0, T_NONE, "ready" },
    c_ready_up = { APP_ONLINE, NULL, 0, FX_FAILS_RESET, T_NONE, "ready" },
    c_ready_timeout = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_AFTER_CLEAR | FX_FAIL_AFTER, T_KILL_TIMEOUT,
	"not ready within listen_timeout; stopping it" },
    c_unready_wait = { APP_WAITING, NULL, ACT_TIMER,
	FX_FAILS_INC | FX_AFTER_CLEAR, T_BACKOFF,
	"not ready within listen_timeout; backing off" },
    c_unready_too_many = { APP_ERRORED, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_AFTER_CLEAR, T_NONE,
	"not ready within listen_timeout; failed too many starts in a row" },
    c_watchdog = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_RESTART_AFTER, T_KILL_TIMEOUT,
	"watchdog: no WATCHDOG=1 within watchdog_sec; restarting" },
    c_respawn_delayed = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER |
	ACT_COUNT, FX_AFTER_CLEAR | FX_RESPAWN, T_MIN_UPTIME,
	"restarting after delay" },
    c_leader_gone = { SUP_SAME, NULL, 0, FX_LEADER_GONE, T_NONE, NULL },
    c_follow = { SUP_SAME, NULL, 0, FX_CAUSE, T_NONE,
	"followed the daemonized child" },
    c_kill_rest = { SUP_SAME, NULL, ACT_KILL_REST, 0, T_NONE, NULL },
    c_exec_fail = { APP_ERRORED, NULL, ACT_TIMER_STOP,
	FX_AFTER_CLEAR | FX_CAUSE, T_NONE, "cannot execute the program" },
    /* g_exit */
    c_exit_code = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"exited with a stop exit code" },
    c_exit_never = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"exited; restart is never" },
    c_exit_clean = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"exited cleanly; restart is on-failure" },
    c_exit_job = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"exited cleanly; the job is done until its next time" },
    c_exit_too_many = { APP_ERRORED, NULL, ACT_TIMER_STOP, FX_FAILS_INC,
	T_NONE, "failed too many starts in a row" },
    c_exit_early = { APP_WAITING, NULL, ACT_TIMER, FX_FAILS_INC, T_BACKOFF,
	"exited before min_uptime; backing off" },
    c_exit_respawn = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER |
	ACT_COUNT, FX_FAILS_RESET | FX_AFTER_CLEAR | FX_RESPAWN, T_MIN_UPTIME,
	"exited; restarting" },
    c_exit_delay = { APP_WAITING, NULL, ACT_TIMER, FX_FAILS_RESET,
	T_RESTART_DELAY, "exited; restarting after restart_delay" },
    /* g_stop_done */
    c_restarted = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER | ACT_COUNT,
	FX_FAILS_RESET | FX_AFTER_CLEAR | FX_RESPAWN, T_MIN_UPTIME,
	"restarted" },
    c_started_after = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER,
	FX_FAILS_RESET | FX_AFTER_CLEAR | FX_RESPAWN, T_MIN_UPTIME,
	"started after the stop" },
    c_stopped = { APP_STOPPED, NULL, ACT_TIMER_STOP, 0, T_NONE, "stopped" },
    c_deleted = { APP_STOPPED, NULL, ACT_TIMER_STOP | ACT_DESTROY, 0,
	T_NONE, "stopped" },
    /* g_stop_timer: escalate, then look again now and then */
    c_kill = { SUP_SAME, NULL, ACT_SIG_KILL | ACT_TIMER, 0, T_RECHECK,
	"kill_timeout expired; SIGKILL" },
    c_kill_again = { SUP_SAME, NULL, ACT_SIG_KILL | ACT_TIMER, 0, T_RECHECK,
	NULL },
    /* g_lack */
    c_lack_wait = { APP_WAITING, NULL, ACT_TIMER,
	FX_FAILS_INC | FX_AFTER_CLEAR | FX_CAUSE, T_BACKOFF,
	"cannot start now; retrying" },
    c_lack_too_many = { APP_ERRORED, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_AFTER_CLEAR | FX_CAUSE, T_NONE,
	"failed too many starts in a row" },
    /* Start order: held, started once met, errored if it cannot be. */
    c_hold = { APP_WAITING, NULL, ACT_TIMER_STOP, FX_DEP_WAIT | FX_CAUSE,
	T_NONE, "waiting for its dependencies" },
    c_start_deps = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER,
	FX_FAILS_RESET | FX_AFTER_CLEAR, T_MIN_UPTIME, "dependencies met" },
    c_dep_fail = { APP_ERRORED, NULL, ACT_TIMER_STOP, FX_CAUSE, T_NONE,
	"a dependency failed" },
    /* A rolling reload's new process: proven, or given up for good. */
    c_succ_exec = { SUP_SAME, NULL, 0, 0, T_NONE,
	"program executed; online once up min_uptime" },
    c_succ_exit = { APP_ERRORED, NULL, ACT_TIMER_STOP, 0, T_NONE,
	"exited before it was ready; the reload is abandoned" },
    c_succ_unready = { APP_ERRORED, NULL, ACT_TIMER_STOP, FX_AFTER_CLEAR,
	T_NONE, "not ready within listen_timeout; the reload is abandoned" },
    c_succ_stopped = { APP_ERRORED, NULL, ACT_TIMER_STOP, FX_AFTER_CLEAR,
	T_NONE, "stopped before it took the old process's place; the reload "
	"is abandoned" },
    /* Restart triggers: the reason is the trigger's, in the record. */
    c_trigger = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_RESTART_AFTER | FX_CAUSE, T_KILL_TIMEOUT, "restart triggered" },
    c_trigger_fail = { APP_STOPPING, NULL, ACT_SIG_STOP | ACT_TIMER,
	FX_AFTER_CLEAR | FX_FAIL_AFTER | FX_CAUSE, T_KILL_TIMEOUT,
	"restart triggered; a failed start" },
    c_trigger_idle = { APP_LAUNCHING, NULL, ACT_SPAWN | ACT_TIMER |
	ACT_COUNT, FX_FAILS_RESET | FX_AFTER_CLEAR | FX_RESPAWN | FX_CAUSE,
	T_MIN_UPTIME, "restart triggered" },
    c_failed_wait = { APP_WAITING, NULL, ACT_TIMER,
	FX_FAILS_INC | FX_AFTER_CLEAR, T_BACKOFF,
	"failed start; backing off" },
    c_failed_too_many = { APP_ERRORED, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_AFTER_CLEAR, T_NONE,
	"failed too many starts in a row" },
    /* Watch: a failed start waits for a change, with no timer. */
    c_exit_watch = { APP_WAITING, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_WATCH_WAIT, T_NONE,
	"crashed; waiting for a file change" },
    c_unready_watch = { APP_WAITING, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_AFTER_CLEAR | FX_WATCH_WAIT, T_NONE,
	"not ready within listen_timeout; waiting for a file change" },
    c_failed_watch = { APP_WAITING, NULL, ACT_TIMER_STOP,
	FX_FAILS_INC | FX_AFTER_CLEAR | FX_WATCH_WAIT, T_NONE,
	"failed start; waiting for a file change" };

static bool
sup_stop_code(const struct app_conf *c, int code)
{
	size_t	i;

	for (i = 0; i < c->nstop_codes; i++) {
		if (c->stop_codes[i] == code)
			return (true);
	}
	return (false);
}

/* The program exited on its own: the restart policy. */
static const struct sup_cell *
g_exit(const struct app_run *r, const struct sup_in *in)
{
	const struct app_conf	*c = in->conf;
	int			 code = r->has_exit ? r->exit_code : 0;
	int			 sig = r->has_exit ? r->exit_signal : 0;

	/* A reload's new process never gets a second chance. */
	if (r->successor)
		return (&c_succ_exit);
	if (sig == 0 && sup_stop_code(c, code))
		return (&c_exit_code);
	if (c->cron_mode == CRON_MODE_RUN && sig == 0 && code == 0)
		return (&c_exit_job);
	if (c->restart == RESTART_NEVER)
		return (&c_exit_never);
	if (c->restart == RESTART_ON_FAILURE && sig == 0 && code == 0)
		return (&c_exit_clean);
	/* Not ready yet: it never started. */
	if (in->now - r->started < c->min_uptime ||
	    (r->state == APP_LAUNCHING && c->ready != NULL)) {
		if (c->watch != NULL)
			return (&c_exit_watch);
		return (r->fails + 1 > c->max_restarts ? &c_exit_too_many :
		    &c_exit_early);
	}
	return (c->restart_delay == 0 ? &c_exit_respawn : &c_exit_delay);
}

/* A stop is done: what was asked meanwhile happens now; a delete wins. */
static const struct sup_cell *
g_stop_done(const struct app_run *r, const struct sup_in *in)
{
	(void)in;
	if (r->delete_after)
		return (&c_deleted);
	if (r->successor)
		return (r->fail_after ? &c_succ_unready : &c_succ_stopped);
	if (r->start_after)
		return (r->count_after ? &c_restarted : &c_started_after);
	if (r->fail_after && in->conf->watch != NULL)
		return (r->cause != CAUSE_CRASH ? &c_failed_watch :
		    &c_unready_watch);
	if (r->fail_after && r->cause != CAUSE_CRASH)
		return (r->fails + 1 > in->conf->max_restarts ?
		    &c_failed_too_many : &c_failed_wait);
	if (r->fail_after)
		return (r->fails + 1 > in->conf->max_restarts ?
		    &c_unready_too_many : &c_unready_wait);
	return (&c_stopped);
}

/*
 * The exec verdict: online, or launching until ready; a reload's new
 * process without a ready key, until up min_uptime.
 */
static const struct sup_cell *
g_exec_ok(const struct app_run *r, const struct sup_in *in)
{
	if (in->conf->ready != NULL)
		return (&c_exec_wait);
	return (r->successor ? &c_succ_exec : &c_exec_ok);
}

/* min_uptime while launching: online, unless it waits to be ready. */
static const struct sup_cell *
g_launch_timer(const struct app_run *r, const struct sup_in *in)
{
	(void)r;
	return (in->conf->ready != NULL ? &c_nothing : &c_up);
}

/* Ready: online; past min_uptime, its failures end as well. */
static const struct sup_cell *
g_ready(const struct app_run *r, const struct sup_in *in)
{
	return (in->now - r->started >= in->conf->min_uptime ? &c_ready_up :
	    &c_ready);
}

/* The kill timeout, or a look at a group whose leader is gone. */
static const struct sup_cell *
g_stop_timer(const struct app_run *r, const struct sup_in *in)
{
	/* A group that emptied without a SIGCHLD we could see. */
	if (r->leader_gone && !in->group_alive)
		return (g_stop_done(r, in));
	return (r->killed ? &c_kill_again : &c_kill);
}

/* A start or restart while stopping: after it, unless a delete is under
 * way (it wins: the app must not live on, flagged for deletion). */
static const struct sup_cell *
g_start_stopping(const struct app_run *r, const struct sup_in *in)
{
	if (r->delete_after)
		return (&c_nothing);
	return (in->event == EV_RESTART ? &c_restart_again : &c_start_after);
}

/* A spawn found no descriptors or memory. */
static const struct sup_cell *
g_lack(const struct app_run *r, const struct sup_in *in)
{
	if (!r->respawn || r->successor)
		return (&c_exec_fail);
	return (r->fails + 1 > in->conf->max_restarts ? &c_lack_too_many :
	    &c_lack_wait);
}

/* Waiting: for the backoff timer, or held for its dependencies. */
static const struct sup_cell *
g_wait_start(const struct app_run *r, const struct sup_in *in)
{
	(void)in;
	return (r->dep_wait ? &c_start_deps : &c_start);
}

/* Held, or waiting for a change: no timer of its own is due. */
static const struct sup_cell *
g_wait_timer(const struct app_run *r, const struct sup_in *in)
{
	(void)in;
	return (r->dep_wait || r->watch_wait ? &c_nothing :
	    &c_respawn_delayed);
}

/* Held again: the reason is already updated (app-deps.c). */
static const struct sup_cell *
g_wait_hold(const struct app_run *r, const struct sup_in *in)
{
	(void)in;
	return (r->dep_wait ? &c_nothing : &c_hold);
}

static const struct sup_cell *
g_wait_dep_fail(const struct app_run *r, const struct sup_in *in)
{
	(void)in;
	return (r->dep_wait ? &c_dep_fail : &c_nothing);
}

/* A trigger while running: a restart, or a failed start (memory). */
static const struct sup_cell *
g_trigger(const struct app_run *r, const struct sup_in *in)
{
	if (in->cause == CAUSE_MEMORY && (in->now - r->started <
	    in->conf->min_uptime || (r->state == APP_LAUNCHING &&
	    in->conf->ready != NULL)))
		return (&c_trigger_fail);
	return (&c_trigger);
}

/*
 * A trigger while waiting: only a change of watched files starts it, from
 * its backoff or from waiting for that change (watch_wait).
 */
static const struct sup_cell *
g_trigger_wait(const struct app_run *r, const struct sup_in *in)
{
	if (r->dep_wait || in->cause != CAUSE_WATCH)
		return (&c_nothing);
	return (&c_trigger_idle);
}

/* The cells that only name a guard. */
static const struct sup_cell
    c_g_exit = { SUP_SAME, g_exit, 0, 0, T_NONE, NULL },
    c_g_exit_rest = { SUP_SAME, g_exit, ACT_KILL_REST, 0, T_NONE, NULL },
    c_g_stop_done = { SUP_SAME, g_stop_done, 0, 0, T_NONE, NULL },
    c_g_stop_timer = { SUP_SAME, g_stop_timer, 0, 0, T_NONE, NULL },
    c_g_lack = { SUP_SAME, g_lack, 0, 0, T_NONE, NULL },
    c_g_start_stopping = { SUP_SAME, g_start_stopping, 0, 0, T_NONE, NULL },
    c_g_wait_start = { SUP_SAME, g_wait_start, 0, 0, T_NONE, NULL },
    c_g_wait_timer = { SUP_SAME, g_wait_timer, 0, 0, T_NONE, NULL },
    c_g_wait_hold = { SUP_SAME, g_wait_hold, 0, 0, T_NONE, NULL },
    c_g_wait_dep_fail = { SUP_SAME, g_wait_dep_fail, 0, 0, T_NONE, NULL },
    c_g_exec_ok = { SUP_SAME, g_exec_ok, 0, 0, T_NONE, NULL },
    c_g_launch_timer = { SUP_SAME, g_launch_timer, 0, 0, T_NONE, NULL },
    c_g_ready = { SUP_SAME, g_ready, 0, 0, T_NONE, NULL },
    c_g_trigger = { SUP_SAME, g_trigger, 0, 0, T_NONE, NULL },
    c_g_trigger_wait = { SUP_SAME, g_trigger_wait, 0, 0, T_NONE, NULL };

/*
 * Every (state, event). A user event in a state where it means nothing is
 * NOTHING (start of an online app: never a second copy); so are events
 * that cannot reach a state (an exit with no process, a spawn failure
 * anywhere but launching), so that a stale one changes nothing.
 */
static const struct sup_cell *const sup_table[APP_NSTATES][SUP_NEVENTS] = {
	[APP_LAUNCHING] = {
		[EV_START] = &c_nothing,
		[EV_STOP] = &c_stop,
		[EV_RESTART] = &c_restart,
		[EV_DELETE] = &c_delete,
		[EV_EXIT] = &c_g_exit,
		[EV_LEADER_EXIT] = &c_g_exit_rest,
		[EV_TIMER] = &c_g_launch_timer,
		[EV_SPAWN_FAIL] = &c_exec_fail,
		[EV_SPAWN_LACK] = &c_g_lack,
		[EV_FOLLOW] = &c_follow,
		[EV_EXEC_OK] = &c_g_exec_ok,
		[EV_HOLD] = &c_nothing,
		[EV_DEP_FAIL] = &c_nothing,
		[EV_READY] = &c_g_ready,
		[EV_READY_TIMEOUT] = &c_ready_timeout,
		/* Not armed before ready. */
		[EV_WATCHDOG] = &c_nothing,
		[EV_TRIGGER] = &c_g_trigger,
	},
	[APP_ONLINE] = {
		[EV_START] = &c_nothing,
		[EV_STOP] = &c_stop,
		[EV_RESTART] = &c_restart,
		[EV_DELETE] = &c_delete,
		[EV_EXIT] = &c_g_exit,
		[EV_LEADER_EXIT] = &c_g_exit_rest,
		[EV_TIMER] = &c_uptime,
		/* The exec's verdict can come after min_uptime. */
		[EV_SPAWN_FAIL] = &c_exec_fail,
		[EV_SPAWN_LACK] = &c_nothing,
		[EV_FOLLOW] = &c_follow,
		[EV_EXEC_OK] = &c_nothing,
		[EV_HOLD] = &c_nothing,
		[EV_DEP_FAIL] = &c_nothing,
		/* READY=1 again (after RELOADING=1): it stays online. */
		[EV_READY] = &c_nothing,
		[EV_READY_TIMEOUT] = &c_nothing,
		[EV_WATCHDOG] = &c_watchdog,
		[EV_TRIGGER] = &c_g_trigger,
	},
	[APP_WAITING] = {
		[EV_START] = &c_g_wait_start,
		[EV_STOP] = &c_stop_idle,
		[EV_RESTART] = &c_restart_idle,
		[EV_DELETE] = &c_delete_waiting,
		[EV_EXIT] = &c_nothing,
		[EV_LEADER_EXIT] = &c_kill_rest,
		[EV_TIMER] = &c_g_wait_timer,
		[EV_SPAWN_FAIL] = &c_exec_fail,
		[EV_SPAWN_LACK] = &c_nothing,
		[EV_FOLLOW] = &c_kill_rest,
		[EV_EXEC_OK] = &c_nothing,
		[EV_HOLD] = &c_g_wait_hold,
		[EV_DEP_FAIL] = &c_g_wait_dep_fail,
		[EV_READY] = &c_nothing,
		[EV_READY_TIMEOUT] = &c_nothing,
		[EV_WATCHDOG] = &c_nothing,
		[EV_TRIGGER] = &c_g_trigger_wait,
	},
	[APP_STOPPING] = {
		[EV_START] = &c_g_start_stopping,
		[EV_STOP] = &c_stop_again,
		[EV_RESTART] = &c_g_start_stopping,
		[EV_DELETE] = &c_delete_again,
		[EV_EXIT] = &c_g_stop_done,
		[EV_LEADER_EXIT] = &c_leader_gone,
		[EV_TIMER] = &c_g_stop_timer,
		/* Its exec failed: the process is gone, so is the stop. */
		[EV_SPAWN_FAIL] = &c_g_stop_done,
		[EV_SPAWN_LACK] = &c_nothing,
		/* Not sent while stopping; the leader is gone all the same. */
		[EV_FOLLOW] = &c_leader_gone,
		[EV_EXEC_OK] = &c_nothing,
		[EV_HOLD] = &c_nothing,
		[EV_DEP_FAIL] = &c_nothing,
		[EV_READY] = &c_nothing,
		[EV_READY_TIMEOUT] = &c_nothing,
		[EV_WATCHDOG] = &c_nothing,
		[EV_TRIGGER] = &c_nothing,
	},
	[APP_STOPPED] = {
		[EV_START] = &c_start,
		[EV_STOP] = &c_nothing,
		[EV_RESTART] = &c_restart_idle,
		[EV_DELETE] = &c_delete_idle,
		[EV_EXIT] = &c_nothing,
		[EV_LEADER_EXIT] = &c_kill_rest,
		[EV_TIMER] = &c_nothing,
		[EV_SPAWN_FAIL] = &c_exec_fail,
		[EV_SPAWN_LACK] = &c_nothing,
		[EV_FOLLOW] = &c_kill_rest,
		[EV_EXEC_OK] = &c_nothing,
		[EV_HOLD] = &c_hold,
		[EV_DEP_FAIL] = &c_dep_fail,
		[EV_READY] = &c_nothing,
		[EV_READY_TIMEOUT] = &c_nothing,
		[EV_WATCHDOG] = &c_nothing,
		[EV_TRIGGER] = &c_nothing,
	},
	[APP_ERRORED] = {
		[EV_START] = &c_start,
		/* Stopped by the user: saved as stopped, not as wanted. */
		[EV_STOP] = &c_stop_idle,
		[EV_RESTART] = &c_restart_idle,
		[EV_DELETE] = &c_delete_idle,
		[EV_EXIT] = &c_nothing,
		[EV_LEADER_EXIT] = &c_kill_rest,
		[EV_TIMER] = &c_nothing,
		[EV_SPAWN_FAIL] = &c_exec_fail,
		[EV_SPAWN_LACK] = &c_nothing,
		[EV_FOLLOW] = &c_kill_rest,
		[EV_EXEC_OK] = &c_nothing,
		[EV_HOLD] = &c_hold,
		[EV_DEP_FAIL] = &c_dep_fail,
		[EV_READY] = &c_nothing,
		[EV_READY_TIMEOUT] = &c_nothing,
		[EV_WATCHDOG] = &c_nothing,
		[EV_TRIGGER] = &c_nothing,
	},
};

uint64_t
sup_backoff(const struct app_conf *c, unsigned fails)
{
	uint64_t	d = c->restart_delay > 100 ? c->restart_delay : 100;
	unsigned	i;

	for (i = 1; i < fails && d < c->backoff_max; i++)
		d *= 2;
	return (d < c->backoff_max ? d : c->backoff_max);
}

static uint64_t
sup_timer_ms(enum sup_timer t, const struct app_run *r,
    const struct app_conf *c)
{
	switch (t) {
	case T_MIN_UPTIME:
		return (c->min_uptime);
	case T_KILL_TIMEOUT:
		return (c->kill_timeout);
	case T_RECHECK:
		return (1000);
	case T_BACKOFF:
		return (sup_backoff(c, r->fails));
	case T_RESTART_DELAY:
		return (c->restart_delay);
	default:
		return (0);
	}
}

void
sup_init(struct app_run *r)
{
	memset(r, 0, sizeof *r);
	r->state = APP_STOPPED;
}

/* The cause of the restart sequence an event begins, if it begins one. */
static void
sup_set_cause(struct app_run *r, const struct sup_in *in)
{
	switch (in->event) {
	case EV_RESTART:
		r->cause = CAUSE_USER;
		break;
	case EV_TRIGGER:
		r->cause = in->cause;
		break;
	case EV_WATCHDOG:
		r->cause = CAUSE_WATCHDOG;
		break;
	case EV_READY_TIMEOUT:
		r->cause = CAUSE_CRASH;
		break;
	case EV_EXIT:
	case EV_LEADER_EXIT:
		if (r->state == APP_LAUNCHING || r->state == APP_ONLINE)
			r->cause = CAUSE_CRASH;
		break;
	default:
		break;
	}
}

void
sup_step(struct app_run *r, const struct sup_in *in, struct sup_out *out)
{
	const struct sup_cell	*t = sup_table[r->state][in->event], *c = t;
	unsigned		 fx;

	if (t->guard != NULL)
		c = t->guard(r, in);
	if (c != &c_nothing)
		sup_set_cause(r, in);
	fx = c->fx;
	out->from = r->state;
	out->actions = t->actions | c->actions;
	if (fx & FX_FAILS_RESET)
		r->fails = 0;
	if (fx & FX_FAILS_INC)
		r->fails++;
	if (fx & FX_AFTER_CLEAR)
		r->start_after = r->count_after = false;
	if (fx & FX_AFTER_CLEAR)
		r->fail_after = false;
	if (fx & FX_FAIL_AFTER)
		r->fail_after = true;
	/* The user's start or restart, or the watchdog's, wins over it. */
	if (fx & (FX_START_AFTER | FX_RESTART_AFTER))
		r->fail_after = false;
	if (fx & FX_START_AFTER)
		r->start_after = true;
	if (fx & FX_RESTART_AFTER)
		r->start_after = r->count_after = true;
	if (fx & FX_DELETE_AFTER)
		r->delete_after = true;
	if (fx & FX_LEADER_GONE)
		r->leader_gone = true;
	if (fx & FX_DEP_WAIT) {
		r->dep_wait = true;
		r->watch_wait = false;
	}
	if (fx & FX_WATCH_WAIT)
		r->watch_wait = true;
	if (c->actions & ACT_SPAWN)
		r->respawn = (fx & FX_RESPAWN) != 0;
	if (c->next != SUP_SAME)
		r->state = c->next;
	if (r->state != APP_WAITING)
		r->dep_wait = r->watch_wait = false;
	out->timer_ms = (out->actions & ACT_TIMER) ?
	    sup_timer_ms(c->timer, r, in->conf) : 0;
	out->reason = NULL;
	if (c->reason != NULL && (fx & FX_CAUSE))
		out->reason = r->reason;
	else if (c->reason != NULL) {
		strlcpy(r->reason, c->reason, sizeof r->reason);
		out->reason = c->reason;
	}
}

bool
sup_waits_group(const struct app_run *r)
{
	return (r->state == APP_STOPPING && r->leader_gone);
}

static const char *const sup_state_names[APP_NSTATES] = {
	"launching", "online", "waiting", "stopping", "stopped", "errored"
};

const char *
sup_state_name(enum app_state s)
{
	return (sup_state_names[s]);
}

int
sup_state_from_name(const char *name)
{
	int	i;

	for (i = 0; i < APP_NSTATES; i++) {
		if (strcmp(sup_state_names[i], name) == 0)
			return (i);
	}
	return (-1);
}

const char *
sup_event_name(enum sup_event e)
{
	static const char *const names[SUP_NEVENTS] = { "start", "stop",
	    "restart", "delete", "exit", "leader-exit", "timer", "spawn-fail",
	    "spawn-lack", "follow", "exec-ok", "hold", "dep-fail", "ready",
	    "ready-timeout", "watchdog", "trigger" };

	return (names[e]);
}

const char *
sup_cause_name(enum restart_cause c)
{
	static const char *const names[SUP_NCAUSES] = { "user", "crash",
	    "watchdog", "watch", "memory", "cron", "health" };

	return ((unsigned)c < SUP_NCAUSES ? names[c] : "unknown");
}

bool
sup_running(enum app_state s)
{
	return (s == APP_LAUNCHING || s == APP_ONLINE || s == APP_STOPPING);
}
