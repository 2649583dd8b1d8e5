/*
 * The restart policy, whole, in one function. Every state transition of an
 * app is decided here from (state, event, monotonic now, counters, policy);
 * app.c carries the actions out and is the only writer of the state field.
 *
 * Definitions (README.md, "Restart policy"):
 * - a start "fails" when the process exits before min_uptime;
 * - failures in a row back off exponentially from max(100 ms,
 *   restart_delay) up to backoff_max, and after max_restarts restarts that
 *   all failed the app is errored, whatever it did before (the PM2 hole:
 *   an app that ran for hours and now dies at once on every start ends too);
 * - an app that ran past min_uptime and then exits is restarted after
 *   restart_delay (0: at once), and its failure count starts again;
 * - restarts counts automatic and manual restarts, not a start from stopped.
 */
#include "sup.h"

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

uint64_t
sup_backoff(const struct app_conf *c, unsigned fails)
{
	uint64_t	d = c->restart_delay > 100 ? c->restart_delay : 100;
	unsigned	i;

	for (i = 1; i < fails && d < c->backoff_max; i++)
		d *= 2;
	return (d < c->backoff_max ? d : c->backoff_max);
}

static void
sup_spawn(const struct sup_in *in, struct sup_out *out, bool count,
    const char *reason)
{
	out->state = APP_LAUNCHING;
	out->actions = ACT_SPAWN | ACT_TIMER | (count ? ACT_COUNT : 0);
	out->timer_ms = in->conf->min_uptime;
	out->start_after = false;
	out->count_after = false;
	out->reason = reason;
}

static void
sup_exit(const struct sup_in *in, struct sup_out *out)
{
	const struct app_conf	*c = in->conf;
	bool			 clean, deliberate, want;

	clean = in->exit_signal == 0 && in->exit_code == 0;
	deliberate = in->exit_signal == 0 && sup_stop_code(c, in->exit_code);
	switch (c->restart) {
	case RESTART_NEVER:
		want = false;
		break;
	case RESTART_ON_FAILURE:
		want = !clean;
		break;
	default:
		want = true;
		break;
	}
	if (deliberate || !want) {
		out->state = APP_STOPPED;
		out->actions = ACT_TIMER_STOP;
		out->reason = deliberate ? "exited with a stop exit code" :
		    c->restart == RESTART_NEVER ? "exited; restart is never" :
		    "exited cleanly; restart is on-failure";
		return;
	}
	if (in->now - in->started < c->min_uptime) {
		out->fails = in->fails + 1;
		if (out->fails > c->max_restarts) {
			out->state = APP_ERRORED;
			out->actions = ACT_TIMER_STOP;
			out->reason = "failed too many starts in a row";
			return;
		}
		out->state = APP_WAITING;
		out->actions = ACT_TIMER;
		out->timer_ms = sup_backoff(c, out->fails);
		out->reason = "exited before min_uptime; backing off";
		return;
	}
	out->fails = 0;
	if (c->restart_delay == 0) {
		sup_spawn(in, out, true, "exited; restarting");
		return;
	}
	out->state = APP_WAITING;
	out->actions = ACT_TIMER;
	out->timer_ms = c->restart_delay;
	out->reason = "exited; restarting after restart_delay";
}

void
sup_step(const struct sup_in *in, struct sup_out *out)
{
	out->state = in->state;
	out->actions = 0;
	out->timer_ms = 0;
	out->fails = in->fails;
	out->start_after = in->start_after;
	out->count_after = in->count_after;
	out->reason = NULL;

	switch (in->event) {
	case EV_START:
		if (in->state == APP_STOPPED || in->state == APP_ERRORED ||
		    in->state == APP_WAITING) {
			out->fails = 0;
			sup_spawn(in, out, false, "start requested");
		} else if (in->state == APP_STOPPING) {
			/* Start again once the stop is done; not a restart. */
			out->start_after = true;
			out->reason = "start requested; after the stop";
		}
		break;
	case EV_STOP:
		if (in->state == APP_LAUNCHING || in->state == APP_ONLINE) {
			out->state = APP_STOPPING;
			out->actions = ACT_SIG_STOP | ACT_TIMER;
			out->timer_ms = in->conf->kill_timeout;
			out->start_after = false;
			out->count_after = false;
			out->reason = "stop requested";
		} else if (in->state == APP_WAITING) {
			out->state = APP_STOPPED;
			out->actions = ACT_TIMER_STOP;
			out->reason = "stop requested";
		} else if (in->state == APP_STOPPING) {
			out->start_after = false;
			out->count_after = false;
		}
		break;
	case EV_RESTART:
		if (in->state == APP_LAUNCHING || in->state == APP_ONLINE) {
			out->state = APP_STOPPING;
			out->actions = ACT_SIG_STOP | ACT_TIMER;
			out->timer_ms = in->conf->kill_timeout;
			out->start_after = true;
			out->count_after = true;
			out->reason = "restart requested";
		} else if (in->state == APP_STOPPING) {
			out->start_after = true;
			out->count_after = true;
		} else {
			out->fails = 0;
			sup_spawn(in, out, true, "restart requested");
		}
		break;
	case EV_TIMER:
		if (in->state == APP_LAUNCHING) {
			out->state = APP_ONLINE;
			out->fails = 0;
			out->reason = "up for min_uptime";
		} else if (in->state == APP_WAITING)
			sup_spawn(in, out, true, "restarting after delay");
		else if (in->state == APP_STOPPING) {
			/* Escalate, then look again now and then. */
			out->actions = ACT_SIG_KILL | ACT_TIMER;
			out->timer_ms = 1000;
			if (!in->killed)
				out->reason = "kill_timeout expired; SIGKILL";
		}
		break;
	case EV_EXIT:
		if (in->state == APP_STOPPING) {
			if (in->start_after) {
				out->fails = 0;
				sup_spawn(in, out, in->count_after, in->count_after ?
				    "restarted" : "started after the stop");
			} else {
				out->state = APP_STOPPED;
				out->actions = ACT_TIMER_STOP;
				out->reason = "stopped";
			}
		} else if (in->state == APP_LAUNCHING ||
		    in->state == APP_ONLINE)
			sup_exit(in, out);
		break;
	case EV_SPAWN_RETRY:
		/*
		 * Out of descriptors or memory for a while: not the program's
		 * fault, so a failed start with backoff, not errored at once.
		 */
		out->fails = in->fails + 1;
		out->start_after = false;
		out->count_after = false;
		if (out->fails > in->conf->max_restarts) {
			out->state = APP_ERRORED;
			out->actions = ACT_TIMER_STOP;
			out->reason = "failed too many starts in a row";
			break;
		}
		out->state = APP_WAITING;
		out->actions = ACT_TIMER;
		out->timer_ms = sup_backoff(in->conf, out->fails);
		out->reason = "cannot start now; retrying";
		break;
	case EV_SPAWN_FAIL:
		out->state = APP_ERRORED;
		out->actions = ACT_TIMER_STOP;
		out->start_after = false;
		out->count_after = false;
		out->reason = "cannot execute the program";
		break;
	}
}

const char *
sup_state_name(enum app_state s)
{
	static const char *const names[] = { "launching", "online", "waiting",
	    "stopping", "stopped", "errored" };

	return (names[s]);
}

bool
sup_running(enum app_state s)
{
	return (s == APP_LAUNCHING || s == APP_ONLINE || s == APP_STOPPING);
}
