/*
 * app_event(): the one place that carries out the state machine's actions.
 * sup_step() (src/process/sup.c) decides, from its table, and is the only
 * writer of the state field; this file logs each transition as "name: from
 * -> to (reason)", sends the signals, arms the timer, spawns and saves the
 * record. Exit status only ever comes from waitpid() in the reaper
 * (app-reap.c), on the one loop, so a stop can never be mistaken for a
 * crash (docs/LESSONS.md 4).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "events.h"
#include "log.h"
#include "parse.h"
#include "proc.h"

/*
 * App timers get APP_TURN_BUDGET_NS of each turn of the loop. Under a crash
 * loop of 1000 apps every backoff timer is overdue at once, and one timer
 * phase spawning them all (a fork is about 1 ms at 1000 apps) kept
 * requests waiting for hundreds of ms: `opm ping` p99 was 234 ms
 * (bench/crashloop.sh). A timer that fires after the budget is spent waits
 * on app_late for the next turns, served from an idle handle (a 0 ms timer
 * would run again in the same timer phase: app-reap.c), so every turn
 * polls requests and pipes in between. The same restarts happen, in the
 * same order, a few ms later.
 */
#define APP_TURN_BUDGET_NS	(5 * 1000000ULL)

static TAILQ_HEAD(, app) app_late = TAILQ_HEAD_INITIALIZER(app_late);
static uv_idle_t	 app_late_idle;
static uv_check_t	 app_turn_check;
static bool		 app_late_init;
static unsigned long	 app_turn, app_turn_seen;
static uint64_t		 app_turn_t0;

static void	app_late_cb(uv_idle_t *);

/* A turn of the loop ends: the next one's budget starts afresh. */
static void
app_turn_cb(uv_check_t *h)
{
	(void)h;
	app_turn++;
}

bool
app_turn_spent(void)
{
	if (!app_late_init) {
		uv_idle_init(app_loop, &app_late_idle);
		uv_check_init(app_loop, &app_turn_check);
		uv_check_start(&app_turn_check, app_turn_cb);
		/* Never a reason to wake up or to stay up. */
		uv_unref((uv_handle_t *)&app_turn_check);
		app_late_init = true;
	}
	if (app_turn != app_turn_seen) {
		app_turn_seen = app_turn;
		app_turn_t0 = uv_hrtime();
		return (false);
	}
	return (uv_hrtime() - app_turn_t0 > APP_TURN_BUDGET_NS);
}

static void
app_timer_fire(struct app *a)
{
	a->run.timer_due = 0;
	app_event(a, EV_TIMER);
}

static void
app_timer_cb(uv_timer_t *t)
{
	struct app	*a = t->data;

	if (!a->late && app_turn_spent()) {
		a->late = true;
		TAILQ_INSERT_TAIL(&app_late, a, late_entry);
		uv_idle_start(&app_late_idle, app_late_cb);
		return;
	}
	app_timer_fire(a);
}

/* Timers that fired late, in their order, within this turn's budget. */
static void
app_late_cb(uv_idle_t *h)
{
	struct app	*a;
	bool		 first = true;

	while ((a = TAILQ_FIRST(&app_late)) != NULL) {
		/* One a turn at least, whatever the timers took. */
		if (app_turn_spent() && !first)
			return;
		first = false;
		app_timer_unlate(a);
		app_timer_fire(a);
	}
	uv_idle_stop(h);
}

/* a's timer is re-armed, stopped or gone: a late firing is void. */
void
app_timer_unlate(struct app *a)
{
	if (!a->late)
		return;
	a->late = false;
	TAILQ_REMOVE(&app_late, a, late_entry);
}

/* (Re)arms the app's one timer; its due time goes into the record. */
void
app_timer_arm(struct app *a, uint64_t ms)
{
	app_timer_unlate(a);
	uv_timer_start(&a->timer, app_timer_cb, ms, 0);
	a->run.timer_due = app_now() + ms;
}

void
app_signal_group(struct app *a, int sig)
{
	if (a->run.pgid <= 1)
		return;
	/* While the leader is unreaped its pid cannot be reused. */
	if (proc_signal_group(a->run.pgid, sig) == -1 && errno != ESRCH)
		log_warn("%s: kill(-%d, %d)", a->label,
		    (int)a->run.pgid, sig);
}

/* sig to the group and to the app's processes outside it; says so. */
static void
app_signal_tree(struct app *a, int sig, bool again)
{
	int	n;

	app_signal_group(a, sig);
	if ((n = app_tree_signal(a, sig)) == 0)
		return;
	if (again) {
		snprintf(a->note, sizeof a->note, "%d processes outside its "
		    "process group survived SIGKILL", n);
		log_warnx("%s: %s", a->label, a->note);
	} else if (sig != SIGCONT) {
		snprintf(a->note, sizeof a->note, "%s also sent to %d "
		    "processes that left its process group", parse_signame(sig),
		    n);
		log_info("%s: %s", a->label, a->note);
	}
}

/* The signals of out, in the order a stop needs them. */
static void
app_signals(struct app *a, unsigned actions)
{
	/* Its tree now: children that left the group are found by parent. */
	if (actions & (ACT_SIG_STOP | ACT_SIG_KILL))
		app_tree_scan(a, false, NULL);
	/* PM2's shutdown_with_message: 'shutdown' on Node's channel. */
	if ((actions & ACT_SIG_STOP) && a->conf.shutdown_with_message &&
	    app_ready_send(a, "\"shutdown\"\n") == 0) {
		log_info("%s: sent 'shutdown' on Node's channel", a->label);
		app_signal_tree(a, SIGCONT, false);
	} else if (actions & ACT_SIG_STOP) {
		app_signal_tree(a, a->conf.stop_signal, false);
		app_signal_tree(a, SIGCONT, false);
	}
	if (actions & ACT_SIG_KILL) {
		app_prod_kill(a);
		app_signal_tree(a, SIGKILL, a->run.killed);
		a->run.killed = true;
	}
	/* Before any spawn: leftovers would run next to the new process. */
	if ((actions & ACT_KILL_REST) && (a->run.pgid > 1 || a->nkin > 0)) {
		log_info("%s: killing what is left of its processes (group "
		    "%d, %zu outside it)", a->label, (int)a->run.pgid,
		    a->nkin);
		app_signal_tree(a, SIGKILL, false);
		a->run.pgid = 0;
		app_tree_forget(a);
	}
}

static void	app_step(struct app *, enum sup_event, enum restart_cause);

void
app_event(struct app *a, enum sup_event ev)
{
	app_step(a, ev, CAUSE_USER);
}

void
app_trigger(struct app *a, enum restart_cause cause, const char *reason)
{
	strlcpy(a->run.reason, reason, sizeof a->run.reason);
	app_step(a, EV_TRIGGER, cause);
}

static void
app_step(struct app *a, enum sup_event ev, enum restart_cause cause)
{
	struct sup_in	in;
	struct sup_out	out;
	char		name[OPM_NAME_MAX + 1];
	int		r;
	bool		gone = a->run.leader_gone;
	bool		again = a->run.count_after || a->run.fail_after;

	in.event = ev;
	in.now = app_now();
	/* Observed only where the table looks at it: cheap otherwise. */
	in.group_alive = sup_waits_group(&a->run) && app_group_alive(a);
	in.cause = cause;
	in.conf = &a->conf;
	sup_step(&a->run, &in, &out);
	if (out.reason != NULL)
		log_info("%s: %s -> %s (%s)", a->label,
		    sup_state_name(out.from), sup_state_name(a->run.state),
		    out.reason);
	/* An exit once (not again when a stopping group empties). */
	if ((ev == EV_EXIT || ev == EV_LEADER_EXIT) && sup_running(out.from) &&
	    !(out.from == APP_STOPPING && gone))
		events_exit(a, out.from != APP_STOPPING ? "crash" : again ?
		    sup_cause_name(a->run.cause) : NULL);
	/* A stop or delete during a reload ends its new process too. */
	if (a->peer != NULL)
		app_reload_step(a, ev, out.from);

	if (out.actions & ACT_TIMER_STOP) {
		uv_timer_stop(&a->timer);
		app_timer_unlate(a);
		a->run.timer_due = 0;
	}
	app_signals(a, out.actions);
	if (out.actions & ACT_COUNT) {
		a->run.restarts++;
		a->run.restarts_by[a->run.cause]++;
		events_restart(a);
	}
	if (a->run.state != out.from)
		events_transition(a, out.from, out.reason);
	/* No process, no group: nothing may be signalled by a stale id. */
	if (!sup_running(a->run.state)) {
		a->run.pgid = 0;
		app_tree_forget(a);
	}
	if (out.actions & ACT_SPAWN)
		a->note[0] = '\0';
	/*
	 * Spawn before arming the timer, so that min_uptime runs from the
	 * real start. A spawn that fails is one more event, from launching.
	 */
	if ((out.actions & ACT_SPAWN) && (r = app_spawn(a)) != 0)
		app_event(a, r == -2 ? EV_SPAWN_LACK : EV_SPAWN_FAIL);
	else if (out.actions & ACT_TIMER)
		app_timer_arm(a, out.timer_ms);
	if (out.actions & ACT_READY_WAIT)
		app_ready_wait(a);
	app_ready_sync(a, out.from);
	app_memory_sync(a, out.from);
	app_health_sync(a, out.from);
	if (out.actions & ACT_DESTROY) {
		events_deleted(a);
		strlcpy(name, a->conf.name, sizeof name);
		app_destroy(a);
		app_deps_changed(name);
		return;
	}
	app_watch_sync(a);
	/*
	 * Apps held on this one look again (app-deps.c) before its waiters
	 * are told, so that a start's reply waits for the dependents it
	 * starts too.
	 */
	if (a->run.state != out.from)
		app_deps_changed(a->conf.name);
	events_ready_sync(a);
	/*
	 * Waiters wait for the end of a stop, or for the exec's verdict, or
	 * for readiness.
	 */
	if ((out.from == APP_STOPPING || out.from == APP_LAUNCHING) &&
	    a->run.state != out.from)
		app_notify(a);
	app_save(a);
	/* A new process runs only once a successor daemon can find it. */
	if (a->exec.gofd != -1) {
		proc_release(a->exec.gofd);
		a->exec.gofd = -1;
	}
}
