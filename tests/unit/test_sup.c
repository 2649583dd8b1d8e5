/*
 * The supervision state machine, driven with a fake monotonic clock: every
 * cell of its table (test_every_cell, test_walk_every_cell), the stories
 * users live through, and the backoff schedule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <cmocka.h>

#include "sup.h"

struct fake {
	struct app_conf	conf;
	struct app_run	run;		/* what sup_step() decides over */
	enum app_state	state;		/* copies of run, after each step */
	uint64_t	now;
	unsigned	fails;
	unsigned	restarts;
	bool		start_after;
	bool		count_after;
	bool		lack;		/* the next spawn finds no fds */
	bool		destroyed;
	unsigned	spawns;
	unsigned	last_actions;
	uint64_t	timer;
};

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof *f);
	conf_defaults(&f->conf);
	sup_init(&f->run);
	f->state = f->run.state;
	f->now = 1000000;
}

/* Feeds one event and carries out the actions the way app-event.c does. */
static void	fake_cause(struct fake *, enum sup_event, int, int,
		    enum restart_cause);

static void
fake_step(struct fake *f, enum sup_event ev, int code, int sig)
{
	fake_cause(f, ev, code, sig, CAUSE_USER);
}

static void
fake_cause(struct fake *f, enum sup_event ev, int code, int sig,
    enum restart_cause cause)
{
	struct sup_in	in = { .event = ev, .now = f->now, .cause = cause,
			    .conf = &f->conf };
	struct sup_out	out;

	if (ev == EV_EXIT || ev == EV_LEADER_EXIT) {
		f->run.has_exit = true;
		f->run.exit_code = code;
		f->run.exit_signal = sig;
	}
	sup_step(&f->run, &in, &out);
	f->last_actions = out.actions;
	if (out.actions & ACT_COUNT) {
		f->run.restarts++;
		f->run.restarts_by[f->run.cause]++;
	}
	if (out.actions & ACT_SIG_KILL)
		f->run.killed = true;
	if (out.actions & ACT_DESTROY)
		f->destroyed = true;
	if ((out.actions & ACT_SPAWN) && f->lack) {
		f->lack = false;
		fake_step(f, EV_SPAWN_LACK, 0, 0);
		return;
	}
	if (out.actions & ACT_TIMER)
		f->timer = out.timer_ms;
	if (out.actions & ACT_SPAWN) {
		f->spawns++;
		f->run.started = f->now;
		f->run.killed = false;
		f->run.leader_gone = false;
	}
	f->state = f->run.state;
	f->fails = f->run.fails;
	f->restarts = f->run.restarts;
	f->start_after = f->run.start_after;
	f->count_after = f->run.count_after;
}

/* An app up past min_uptime crashes; its restart finds no descriptors. */
static void
crash_without_descriptors(struct fake *f)
{
	f->now += f->conf.min_uptime;
	f->lack = true;
	fake_step(f, EV_EXIT, -1, SIGKILL);
}

static void
start_online(struct fake *f)
{
	fake_step(f, EV_START, 0, 0);
	assert_int_equal(f->state, APP_LAUNCHING);
	assert_int_equal(f->timer, f->conf.min_uptime);
	fake_step(f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f->state, APP_ONLINE);
	f->now += f->conf.min_uptime;
	fake_step(f, EV_TIMER, 0, 0);
	assert_int_equal(f->state, APP_ONLINE);
}

/*
 * Online as soon as the program runs (PM2 users see it online at once);
 * min_uptime only decides whether an exit is a failed start, and ends the
 * failures in a row once it has passed.
 */
static void
test_online_at_exec(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.conf.min_uptime = 10000;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	f.now += 50;
	fake_step(&f, EV_EXIT, 1, 0);		/* online, but early */
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.fails, 1);
	f.now += f.timer;
	fake_step(&f, EV_TIMER, 0, 0);		/* respawn */
	assert_int_equal(f.state, APP_LAUNCHING);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.fails, 1);		/* not yet a success */
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.fails, 0);
}

static void
test_start_stop(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	assert_int_equal(f.restarts, 0);	/* a start is not a restart */
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.last_actions & ACT_SIG_STOP);
	assert_int_equal(f.timer, f.conf.kill_timeout);
	f.now += 10;
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPED);
	assert_int_equal(f.restarts, 0);
	assert_int_equal(f.spawns, 1);
}

static void
test_stop_escalates_to_kill(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_STOP, 0, 0);
	f.now += f.conf.kill_timeout;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.last_actions & ACT_SIG_KILL);
	fake_step(&f, EV_EXIT, -1, SIGKILL);
	assert_int_equal(f.state, APP_STOPPED);
	assert_int_equal(f.spawns, 1);
}

static void
test_crash_after_uptime_restarts_at_once(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	f.now += 3600 * 1000;
	fake_step(&f, EV_EXIT, -1, SIGKILL);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_true(f.last_actions & ACT_SPAWN);
	assert_int_equal(f.restarts, 1);
	assert_int_equal(f.fails, 0);
}

static void
test_restart_delay(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.conf.restart_delay = 2000;
	start_online(&f);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.timer, 2000);
	assert_int_equal(f.restarts, 0);
	f.now += 2000;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.restarts, 1);
}

static void
test_crash_loop_ends_errored(void **state)
{
	struct fake	f;
	unsigned	i;

	(void)state;
	fake_init(&f);
	f.conf.max_restarts = 3;
	fake_step(&f, EV_START, 0, 0);
	for (i = 1; i <= 3; i++) {
		f.now += 5;
		fake_step(&f, EV_EXIT, 1, 0);
		assert_int_equal(f.state, APP_WAITING);
		assert_int_equal(f.fails, i);
		assert_int_equal(f.timer, sup_backoff(&f.conf, i));
		f.now += f.timer;
		fake_step(&f, EV_TIMER, 0, 0);
		assert_int_equal(f.state, APP_LAUNCHING);
	}
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.restarts, 3);
	assert_int_equal(f.spawns, 4);
	/* Errored stays errored: stale timers and events do nothing. */
	fake_step(&f, EV_TIMER, 0, 0);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.spawns, 4);
}

static void
test_long_run_then_instant_failures_end_errored(void **state)
{
	struct fake	f;
	unsigned	i;

	(void)state;
	fake_init(&f);
	f.conf.max_restarts = 5;
	start_online(&f);
	f.now += 10 * 3600 * 1000;		/* hours of good service */
	fake_step(&f, EV_EXIT, 1, 0);		/* then a crash: at once */
	assert_int_equal(f.state, APP_LAUNCHING);
	for (i = 0; i < 100 && f.state != APP_ERRORED; i++) {
		f.now += 1;
		fake_step(&f, EV_EXIT, 1, 0);
		if (f.state == APP_WAITING) {
			f.now += f.timer;
			fake_step(&f, EV_TIMER, 0, 0);
		}
	}
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.fails, 6);
	assert_int_equal(f.restarts, 6);	/* 1 after the crash + 5 */
}

static void
test_backoff_schedule(void **state)
{
	struct app_conf	c;

	(void)state;
	conf_defaults(&c);
	assert_int_equal(sup_backoff(&c, 1), 100);
	assert_int_equal(sup_backoff(&c, 2), 200);
	assert_int_equal(sup_backoff(&c, 3), 400);
	assert_int_equal(sup_backoff(&c, 9), 25600);
	assert_int_equal(sup_backoff(&c, 10), 30000);
	assert_int_equal(sup_backoff(&c, 1000), 30000);
	c.restart_delay = 1000;
	assert_int_equal(sup_backoff(&c, 1), 1000);
	assert_int_equal(sup_backoff(&c, 2), 2000);
	c.backoff_max = 1500;
	assert_int_equal(sup_backoff(&c, 2), 1500);
}

static void
test_success_resets_fails(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.fails, 1);
	f.now += f.timer;
	fake_step(&f, EV_TIMER, 0, 0);		/* respawn */
	fake_step(&f, EV_EXEC_OK, 0, 0);	/* online */
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);		/* started */
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.fails, 0);
}

static void
test_policies(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.conf.restart = RESTART_NEVER;
	start_online(&f);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_STOPPED);

	fake_init(&f);
	f.conf.restart = RESTART_ON_FAILURE;
	start_online(&f);
	fake_step(&f, EV_EXIT, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	fake_init(&f);
	f.conf.restart = RESTART_ON_FAILURE;
	start_online(&f);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	fake_init(&f);
	f.conf.restart = RESTART_ON_FAILURE;
	start_online(&f);
	fake_step(&f, EV_EXIT, -1, SIGSEGV);
	assert_int_equal(f.state, APP_LAUNCHING);

	fake_init(&f);
	f.conf.stop_codes[0] = 3;
	f.conf.nstop_codes = 1;
	start_online(&f);
	fake_step(&f, EV_EXIT, 3, 0);
	assert_int_equal(f.state, APP_STOPPED);
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_EXIT, 0, 0);		/* always: even exit 0 */
	assert_int_equal(f.state, APP_LAUNCHING);

	/* A job (cron_mode: run): always is on-failure. */
	fake_init(&f);
	f.conf.cron_mode = CRON_MODE_RUN;
	start_online(&f);
	fake_step(&f, EV_EXIT, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_string_equal(f.run.reason, "exited cleanly; the job is done until "
	    "its next time");
	fake_init(&f);
	f.conf.cron_mode = CRON_MODE_RUN;
	start_online(&f);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	fake_init(&f);
	f.conf.cron_mode = CRON_MODE_RUN;
	f.conf.restart = RESTART_NEVER;
	start_online(&f);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_STOPPED);
}

static void
test_stop_never_counts_as_crash(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_STOP, 0, 0);		/* still launching */
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_int_equal(f.fails, 0);
	assert_int_equal(f.restarts, 0);
	assert_int_equal(f.spawns, 1);
	/* A stop while waiting cancels the pending restart. */
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_WAITING);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_true(f.last_actions & ACT_TIMER_STOP);
	fake_step(&f, EV_TIMER, 0, 0);		/* a stale timer */
	assert_int_equal(f.state, APP_STOPPED);
	assert_int_equal(f.spawns, 1);
}

static void
test_restart(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_RESTART, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.start_after);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.restarts, 1);
	assert_int_equal(f.spawns, 2);
	/* Restart of a stopped app starts it and counts. */
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	fake_step(&f, EV_RESTART, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.restarts, 2);
	/* A stop during a restart cancels the start. */
	fake_step(&f, EV_RESTART, 0, 0);
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPED);
}

static void
test_start_while_stopping(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_START, 0, 0);		/* queued, not dropped */
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.start_after);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.spawns, 2);
	assert_int_equal(f.restarts, 0);	/* a start, not a restart */
	/* restart then start during the stop: still one restart. */
	fake_step(&f, EV_RESTART, 0, 0);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.restarts, 1);
}

static void
test_start_is_idempotent(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_START, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.spawns, 1);
	assert_int_equal(f.last_actions, 0);
	/* Start from errored resets the failure count. */
	fake_init(&f);
	f.conf.max_restarts = 0;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_ERRORED);
	fake_step(&f, EV_START, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.fails, 0);
	assert_int_equal(f.restarts, 0);
}

static void
test_spawn_fail(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_SPAWN_FAIL, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_false(sup_running(f.state));
}

/* A restart with no descriptors left backs off, then gives up in time. */
static void
test_spawn_retry(void **state)
{
	struct fake	f;
	unsigned	i;

	(void)state;
	fake_init(&f);
	f.conf.max_restarts = 3;
	start_online(&f);
	crash_without_descriptors(&f);
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.fails, 1);
	assert_int_equal(f.timer, sup_backoff(&f.conf, 1));
	/* The backoff timer tries again: a spawn. */
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	for (i = 2; i <= 3; i++) {
		fake_step(&f, EV_SPAWN_LACK, 0, 0);
		assert_int_equal(f.state, APP_WAITING);
		assert_int_equal(f.timer, sup_backoff(&f.conf, i));
		fake_step(&f, EV_TIMER, 0, 0);
	}
	fake_step(&f, EV_SPAWN_LACK, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);
	/* A stop while waiting ends it. */
	fake_init(&f);
	start_online(&f);
	crash_without_descriptors(&f);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
}

/* A start the user asked for that finds no descriptors fails at once. */
static void
test_user_start_lack_is_errored(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.lack = true;
	fake_step(&f, EV_START, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.fails, 0);
	assert_true(f.last_actions & ACT_TIMER_STOP);
}

static void
test_delete(void **state)
{
	struct fake	f;

	(void)state;
	/* Online: stopped first, forgotten once the stop is done. */
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_DELETE, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.last_actions & ACT_SIG_STOP);
	assert_false(f.destroyed);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPED);
	assert_true(f.destroyed);
	/* Stopped: at once. */
	fake_init(&f);
	fake_step(&f, EV_DELETE, 0, 0);
	assert_true(f.destroyed);
	/* Waiting: the pending restart is cancelled. */
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXIT, 1, 0);
	fake_step(&f, EV_DELETE, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_true(f.last_actions & ACT_TIMER_STOP);
	assert_true(f.destroyed);
	/* A delete during a restart cancels the start. */
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_RESTART, 0, 0);
	fake_step(&f, EV_DELETE, 0, 0);
	assert_false(f.start_after);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_true(f.destroyed);
	assert_int_equal(f.spawns, 1);
}

/* A start or restart during a delete changes nothing: the delete wins. */
static void
test_delete_wins_over_start(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_DELETE, 0, 0);
	fake_step(&f, EV_START, 0, 0);
	assert_false(f.start_after);
	fake_step(&f, EV_RESTART, 0, 0);
	assert_false(f.start_after);
	assert_int_equal(f.last_actions, 0);
	fake_step(&f, EV_EXIT, -1, SIGKILL);
	assert_true(f.destroyed);
	assert_int_equal(f.spawns, 1);
}

/* An errored app stopped by the user is stopped, and wanted stopped. */
static void
test_stop_errored(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.conf.max_restarts = 0;
	fake_step(&f, EV_START, 0, 0);
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_ERRORED);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_string_equal(f.run.reason, "stop requested");
}

/* The main process daemonized: its child is followed, nothing else. */
static void
test_follow(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	strlcpy(f.run.reason, "followed daemonized child 42",
	    sizeof f.run.reason);
	fake_step(&f, EV_FOLLOW, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.last_actions, 0);
	assert_string_equal(f.run.reason, "followed daemonized child 42");
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.restarts, 0);
	assert_int_equal(f.spawns, 1);
}

/* A stop is done when the leader is reaped and the group is empty. */
static void
test_stop_waits_for_group(void **state)
{
	struct fake	f;
	struct sup_in	in = { .event = EV_TIMER, .conf = &f.conf };
	struct sup_out	out;

	(void)state;
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_LEADER_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPING);
	assert_true(f.run.leader_gone);
	assert_true(sup_waits_group(&f.run));
	assert_int_equal(f.last_actions, 0);
	/* The timer, group still alive: SIGKILL it and look again. */
	in.now = f.now;
	in.group_alive = true;
	sup_step(&f.run, &in, &out);
	assert_int_equal(f.run.state, APP_STOPPING);
	assert_int_equal(out.actions, ACT_SIG_KILL | ACT_TIMER);
	/* The timer, group gone: stopped. */
	in.group_alive = false;
	sup_step(&f.run, &in, &out);
	assert_int_equal(f.run.state, APP_STOPPED);
	assert_string_equal(out.reason, "stopped");
	/* Not stopping: leftovers of a dead leader are killed first. */
	fake_init(&f);
	start_online(&f);
	f.now += 3600 * 1000;
	fake_step(&f, EV_LEADER_EXIT, -1, SIGSEGV);
	assert_true(f.last_actions & ACT_KILL_REST);
	assert_true(f.last_actions & ACT_SPAWN);
	/* An exec that failed while stopping ends the stop. */
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_SPAWN_FAIL, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
}

static char ready_notify[] = "notify";

/*
 * With a ready key: launching until EV_READY, whatever min_uptime says; an
 * exit before it is a failed start; EV_READY_TIMEOUT stops the app and
 * backs off, and after max_restarts of those it is errored.
 */
static void
test_ready(void **state)
{
	struct fake	f;
	unsigned	i;

	(void)state;
	fake_init(&f);
	f.conf.ready = ready_notify;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.last_actions, ACT_READY_WAIT);
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	f.now += 500;
	fake_step(&f, EV_READY, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_string_equal(f.run.reason, "ready");
	fake_step(&f, EV_READY, 0, 0);		/* READY=1 after a reload */
	assert_int_equal(f.state, APP_ONLINE);

	/* An exit past min_uptime but before ready: a failed start. */
	fake_init(&f);
	f.conf.ready = ready_notify;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += 3 * f.conf.min_uptime;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.fails, 1);

	/* Never ready: stopped, backed off, errored after max_restarts. */
	fake_init(&f);
	f.conf.ready = ready_notify;
	f.conf.max_restarts = 2;
	fake_step(&f, EV_START, 0, 0);
	for (i = 1; i <= 3; i++) {
		fake_step(&f, EV_EXEC_OK, 0, 0);
		f.now += f.conf.listen_timeout;
		fake_step(&f, EV_READY_TIMEOUT, 0, 0);
		assert_int_equal(f.state, APP_STOPPING);
		assert_true(f.last_actions & ACT_SIG_STOP);
		assert_true(f.run.fail_after);
		fake_step(&f, EV_EXIT, -1, SIGTERM);
		assert_false(f.run.fail_after);
		assert_int_equal(f.fails, i);
		if (i == 3)
			break;
		assert_int_equal(f.state, APP_WAITING);
		assert_int_equal(f.timer, sup_backoff(&f.conf, i));
		assert_string_equal(f.run.reason,
		    "not ready within listen_timeout; backing off");
		f.now += f.timer;
		fake_step(&f, EV_TIMER, 0, 0);
		assert_int_equal(f.state, APP_LAUNCHING);
	}
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.restarts, 2);

	/* A user's stop during that stop wins: stopped, not waiting. */
	fake_init(&f);
	f.conf.ready = ready_notify;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	fake_step(&f, EV_READY_TIMEOUT, 0, 0);
	fake_step(&f, EV_STOP, 0, 0);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPED);
	assert_int_equal(f.fails, 0);

	/* Ready after min_uptime: its failures end there. */
	fake_init(&f);
	f.conf.ready = ready_notify;
	f.run.fails = 2;
	f.run.state = APP_WAITING;
	fake_step(&f, EV_TIMER, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.fails, 2);
	f.now += 10;
	fake_step(&f, EV_READY, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
	assert_int_equal(f.fails, 0);
}

/* A missed watchdog ping restarts an online app, counted. */
static void
test_watchdog(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.conf.ready = ready_notify;
	f.conf.watchdog_sec = 1000;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_WATCHDOG, 0, 0);	/* not armed yet */
	assert_int_equal(f.state, APP_LAUNCHING);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	fake_step(&f, EV_READY, 0, 0);
	fake_step(&f, EV_WATCHDOG, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	assert_string_equal(f.run.reason,
	    "watchdog: no WATCHDOG=1 within watchdog_sec; restarting");
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.restarts, 1);
	assert_int_equal(f.spawns, 2);
}

/*
 * Restart triggers: graceful restarts counted under their cause; memory
 * right after the start is a failed start; only watch wakes a waiting app.
 */
static void
test_trigger(void **state)
{
	struct fake	f;
	unsigned	i;

	(void)state;
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += 3600 * 1000;
	strlcpy(f.run.reason, "watch: src/a.js changed", sizeof f.run.reason);
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_WATCH);
	assert_int_equal(f.state, APP_STOPPING);
	assert_string_equal(f.run.reason, "watch: src/a.js changed");
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.run.restarts_by[CAUSE_WATCH], 1);
	assert_int_equal(f.run.restarts_by[CAUSE_CRASH], 0);
	/* A crash, then a cron restart: each under its own cause. */
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += 3600 * 1000;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.run.restarts_by[CAUSE_CRASH], 1);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += 3600 * 1000;
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_CRON);
	fake_step(&f, EV_EXIT, 0, 0);
	assert_int_equal(f.run.restarts_by[CAUSE_CRON], 1);
	assert_int_equal(f.restarts, 3);
	/* Triggers do nothing to a stopped or stopping app. */
	fake_step(&f, EV_STOP, 0, 0);
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_HEALTH);
	assert_int_equal(f.state, APP_STOPPING);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_STOPPED);
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_WATCH);
	assert_int_equal(f.state, APP_STOPPED);

	/* Over the memory limit at once, every time: errored, not looping. */
	fake_init(&f);
	f.conf.max_restarts = 3;
	fake_step(&f, EV_START, 0, 0);
	for (i = 0; i < 10 && f.state != APP_ERRORED; i++) {
		fake_step(&f, EV_EXEC_OK, 0, 0);
		f.now += 5;
		strlcpy(f.run.reason, "memory 400M over 300M",
		    sizeof f.run.reason);
		fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_MEMORY);
		assert_int_equal(f.state, APP_STOPPING);
		fake_step(&f, EV_EXIT, -1, SIGTERM);
		if (f.state == APP_WAITING)
			fake_step(&f, EV_TIMER, 0, 0);
	}
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.fails, 4);
	assert_string_equal(f.run.reason, "failed too many starts in a row");

	/* Waiting for its backoff: a cron trigger waits, a watch one starts. */
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_WAITING);
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_CRON);
	assert_int_equal(f.state, APP_WAITING);
	fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_WATCH);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.run.restarts_by[CAUSE_WATCH], 1);
	assert_int_equal(f.fails, 0);
}

/*
 * Watch: a failed start waits for the next change with no timer, instead
 * of backing off, and never ends errored; a change (a watch trigger) or
 * the user starts it. A crash after min_uptime restarts at once as ever.
 */
static void
test_watch_wait(void **state)
{
	static char	*watch[] = { NULL };
	static char	 notify[] = "notify";
	struct fake	 f;
	unsigned	 i;

	(void)state;
	fake_init(&f);
	f.conf.watch = watch;
	f.conf.max_restarts = 3;
	fake_step(&f, EV_START, 0, 0);
	for (i = 0; i < 10; i++) {
		fake_step(&f, EV_EXEC_OK, 0, 0);
		f.now += 5;
		fake_step(&f, EV_EXIT, 1, 0);
		assert_int_equal(f.state, APP_WAITING);
		assert_true(f.run.watch_wait);
		assert_false(f.last_actions & ACT_TIMER);
		assert_true(f.last_actions & ACT_TIMER_STOP);
		assert_string_equal(f.run.reason,
		    "crashed; waiting for a file change");
		assert_int_equal(f.fails, 1);
		/* Nothing else starts it: stale timers, other triggers. */
		f.now += 3600 * 1000;
		fake_step(&f, EV_TIMER, 0, 0);
		fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_CRON);
		fake_step(&f, EV_DEP_FAIL, 0, 0);
		assert_int_equal(f.state, APP_WAITING);
		assert_int_equal(f.spawns, i + 1);
		/* The next change does. */
		strlcpy(f.run.reason, "watch: app.py changed",
		    sizeof f.run.reason);
		fake_cause(&f, EV_TRIGGER, 0, 0, CAUSE_WATCH);
		assert_int_equal(f.state, APP_LAUNCHING);
		assert_false(f.run.watch_wait);
		assert_string_equal(f.run.reason, "watch: app.py changed");
		assert_int_equal(f.run.restarts_by[CAUSE_WATCH], i + 1);
	}
	assert_int_equal(f.run.restarts_by[CAUSE_CRASH], 0);
	/* Up past min_uptime, then a crash: restarted at once. */
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	f.now += 3600 * 1000;
	fake_step(&f, EV_EXIT, -1, SIGSEGV);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_int_equal(f.run.restarts_by[CAUSE_CRASH], 1);
	/* The user's stop and start while it waits for a change. */
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_true(f.run.watch_wait);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_false(f.run.watch_wait);
	fake_step(&f, EV_START, 0, 0);
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_true(f.run.watch_wait);
	fake_step(&f, EV_START, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_false(f.run.watch_wait);
	/* Held for a dependency meanwhile: held, not waiting for a change. */
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	fake_step(&f, EV_HOLD, 0, 0);
	assert_int_equal(f.state, APP_WAITING);
	assert_true(f.run.dep_wait);
	assert_false(f.run.watch_wait);

	/* Not ready within listen_timeout: a failed start, the same. */
	fake_init(&f);
	f.conf.watch = watch;
	f.conf.ready = notify;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += f.conf.listen_timeout;
	fake_step(&f, EV_READY_TIMEOUT, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_WAITING);
	assert_true(f.run.watch_wait);
	assert_false(f.last_actions & ACT_TIMER);
	assert_string_equal(f.run.reason,
	    "not ready within listen_timeout; waiting for a file change");
}

/*
 * Every cell of the table in one context (default policy, no failures, no
 * pending request, up for an hour, the last exit code 1, a user's spawn):
 * the next state and the actions, written out here a second time so that
 * an edit of the table that changes a cell fails here.
 */
/*
 * Start order: a start held for its dependencies waits with no timer, is
 * started by the next start, and ends errored when a dependency fails.
 */
static void
test_held_start(void **state)
{
	struct fake	f;

	(void)state;
	fake_init(&f);
	strlcpy(f.run.reason, "waiting for db (started)", sizeof f.run.reason);
	fake_step(&f, EV_HOLD, 0, 0);
	assert_int_equal(f.state, APP_WAITING);
	assert_true(f.run.dep_wait);
	assert_string_equal(f.run.reason, "waiting for db (started)");
	assert_int_equal(f.last_actions, ACT_TIMER_STOP);
	fake_step(&f, EV_TIMER, 0, 0);		/* a stale timer */
	fake_step(&f, EV_HOLD, 0, 0);		/* held again */
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.spawns, 0);
	fake_step(&f, EV_START, 0, 0);		/* met */
	assert_int_equal(f.state, APP_LAUNCHING);
	assert_false(f.run.dep_wait);
	assert_string_equal(f.run.reason, "dependencies met");
	assert_int_equal(f.spawns, 1);
	assert_int_equal(f.restarts, 0);
	fake_step(&f, EV_DEP_FAIL, 0, 0);	/* running: too late */
	assert_int_equal(f.state, APP_LAUNCHING);

	fake_init(&f);
	fake_step(&f, EV_HOLD, 0, 0);
	strlcpy(f.run.reason, "dependency db is errored", sizeof f.run.reason);
	fake_step(&f, EV_DEP_FAIL, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_false(f.run.dep_wait);
	assert_string_equal(f.run.reason, "dependency db is errored");
	assert_int_equal(f.spawns, 0);
	fake_step(&f, EV_HOLD, 0, 0);		/* started again: held */
	assert_int_equal(f.state, APP_WAITING);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
	assert_false(f.run.dep_wait);

	/* A backoff wait is no hold: its timer respawns, a fail is ignored. */
	fake_init(&f);
	fake_step(&f, EV_START, 0, 0);
	f.now += 5;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_WAITING);
	fake_step(&f, EV_DEP_FAIL, 0, 0);
	assert_int_equal(f.state, APP_WAITING);
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
}

/*
 * A rolling reload's new process (app-reload.c): online only once proven
 * (ready, or up min_uptime without a ready key); an exit before that, or
 * not ready within listen_timeout, leaves it errored with no retry.
 */
static void
test_successor(void **state)
{
	static char	notify[] = "notify";
	struct fake	f;

	(void)state;
	fake_init(&f);
	f.run.successor = true;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);

	/* Exits before min_uptime: errored, not backing off. */
	fake_init(&f);
	f.run.successor = true;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	f.now += 10;
	fake_step(&f, EV_EXIT, 1, 0);
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.spawns, 1);
	assert_string_equal(f.run.reason,
	    "exited before it was ready; the reload is abandoned");
	/* Even a clean exit with a stop code: it never served. */
	fake_init(&f);
	f.run.successor = true;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXIT, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);

	/* With a ready key: not ready in time is stopped, then errored. */
	fake_init(&f);
	f.conf.ready = notify;
	f.run.successor = true;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	assert_int_equal(f.last_actions, ACT_READY_WAIT);
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	fake_step(&f, EV_READY_TIMEOUT, 0, 0);
	assert_int_equal(f.state, APP_STOPPING);
	fake_step(&f, EV_EXIT, -1, SIGTERM);
	assert_int_equal(f.state, APP_ERRORED);
	assert_int_equal(f.spawns, 1);
	assert_int_equal(f.fails, 0);
	/* Ready: online. */
	fake_init(&f);
	f.conf.ready = notify;
	f.run.successor = true;
	fake_step(&f, EV_START, 0, 0);
	fake_step(&f, EV_EXEC_OK, 0, 0);
	fake_step(&f, EV_READY, 0, 0);
	assert_int_equal(f.state, APP_ONLINE);
}

static void
test_every_cell(void **state)
{
#define L	APP_LAUNCHING
#define O	APP_ONLINE
#define W	APP_WAITING
#define G	APP_STOPPING
#define S	APP_STOPPED
#define E	APP_ERRORED
#define SPAWN	(ACT_SPAWN | ACT_TIMER)
#define STOP	(ACT_SIG_STOP | ACT_TIMER)
	static const struct {
		enum app_state	 next;
		unsigned	 actions;
	} want[APP_NSTATES][SUP_NEVENTS] = {
		/* start stop restart delete exit leader-exit timer
		   spawn-fail spawn-lack follow exec-ok hold dep-fail
		   ready ready-timeout watchdog trigger (a watch) */
		[L] = { { L, 0 }, { G, STOP }, { G, STOP }, { G, STOP },
		    { L, SPAWN | ACT_COUNT },
		    { L, SPAWN | ACT_COUNT | ACT_KILL_REST }, { O, 0 },
		    { E, ACT_TIMER_STOP }, { E, ACT_TIMER_STOP }, { L, 0 },
		    { O, 0 }, { L, 0 }, { L, 0 },
		    { O, 0 }, { G, STOP }, { L, 0 },
		    { G, STOP } },
		[O] = { { O, 0 }, { G, STOP }, { G, STOP }, { G, STOP },
		    { L, SPAWN | ACT_COUNT },
		    { L, SPAWN | ACT_COUNT | ACT_KILL_REST }, { O, 0 },
		    { E, ACT_TIMER_STOP }, { O, 0 }, { O, 0 }, { O, 0 },
		    { O, 0 }, { O, 0 },
		    { O, 0 }, { O, 0 }, { G, STOP },
		    { G, STOP } },
		/* Waiting for the backoff here; held: test_held_start. */
		[W] = { { L, SPAWN }, { S, ACT_TIMER_STOP },
		    { L, SPAWN | ACT_COUNT },
		    { S, ACT_TIMER_STOP | ACT_DESTROY }, { W, 0 },
		    { W, ACT_KILL_REST }, { L, SPAWN | ACT_COUNT },
		    { E, ACT_TIMER_STOP }, { W, 0 }, { W, ACT_KILL_REST },
		    { W, 0 }, { W, ACT_TIMER_STOP }, { W, 0 },
		    { W, 0 }, { W, 0 }, { W, 0 },
		    { L, SPAWN | ACT_COUNT } },
		[G] = { { G, 0 }, { G, 0 }, { G, 0 }, { G, 0 },
		    { S, ACT_TIMER_STOP }, { G, 0 },
		    { G, ACT_SIG_KILL | ACT_TIMER }, { S, ACT_TIMER_STOP },
		    { G, 0 }, { G, 0 }, { G, 0 }, { G, 0 }, { G, 0 },
		    { G, 0 }, { G, 0 }, { G, 0 },
		    { G, 0 } },
		[S] = { { L, SPAWN }, { S, 0 }, { L, SPAWN | ACT_COUNT },
		    { S, ACT_DESTROY }, { S, 0 }, { S, ACT_KILL_REST },
		    { S, 0 }, { E, ACT_TIMER_STOP }, { S, 0 },
		    { S, ACT_KILL_REST }, { S, 0 }, { W, ACT_TIMER_STOP },
		    { E, ACT_TIMER_STOP },
		    { S, 0 }, { S, 0 }, { S, 0 },
		    { S, 0 } },
		/* Stop of an errored app: stopped (issue 12 item 16). */
		[E] = { { L, SPAWN }, { S, ACT_TIMER_STOP },
		    { L, SPAWN | ACT_COUNT }, { E, ACT_DESTROY }, { E, 0 },
		    { E, ACT_KILL_REST }, { E, 0 }, { E, ACT_TIMER_STOP },
		    { E, 0 }, { E, ACT_KILL_REST }, { E, 0 },
		    { W, ACT_TIMER_STOP }, { E, ACT_TIMER_STOP },
		    { E, 0 }, { E, 0 }, { E, 0 },
		    { E, 0 } },
	};
	struct app_conf	conf;
	struct app_run	r;
	struct sup_in	in;
	struct sup_out	out;
	int		s, e;

	(void)state;
	conf_defaults(&conf);
	for (s = 0; s < APP_NSTATES; s++) {
		for (e = 0; e < SUP_NEVENTS; e++) {
			sup_init(&r);
			r.state = s;
			r.started = 1000;
			r.has_exit = true;
			r.exit_code = 1;
			in.event = e;
			in.now = 1000 + 3600 * 1000;
			in.group_alive = false;
			in.cause = CAUSE_WATCH;
			in.conf = &conf;
			sup_step(&r, &in, &out);
			if (r.state != want[s][e].next ||
			    out.actions != want[s][e].actions)
				fail_msg("%s x %s: got %s 0x%x, want %s 0x%x",
				    sup_state_name(s), sup_event_name(e),
				    sup_state_name(r.state), out.actions,
				    sup_state_name(want[s][e].next),
				    want[s][e].actions);
			assert_int_equal(out.from, s);
		}
	}
#undef L
#undef O
#undef W
#undef G
#undef S
#undef E
#undef SPAWN
#undef STOP
}

/*
 * The cells watch changes, in the context of an app with watch up for 5 ms
 * (an exit is a failed start), waiting for a change while waiting: the
 * rows of launching, online and waiting written out a second time.
 */
static void
test_every_cell_watch(void **state)
{
#define L	APP_LAUNCHING
#define O	APP_ONLINE
#define W	APP_WAITING
#define G	APP_STOPPING
#define S	APP_STOPPED
#define E	APP_ERRORED
#define SPAWN	(ACT_SPAWN | ACT_TIMER)
#define STOP	(ACT_SIG_STOP | ACT_TIMER)
#define TS	ACT_TIMER_STOP
	static const struct {
		enum app_state	 next;
		unsigned	 actions;
	} want[3][SUP_NEVENTS] = {
		/* start stop restart delete exit leader-exit timer
		   spawn-fail spawn-lack follow exec-ok hold dep-fail
		   ready ready-timeout watchdog trigger (a watch) */
		[L] = { { L, 0 }, { G, STOP }, { G, STOP }, { G, STOP },
		    { W, TS }, { W, TS | ACT_KILL_REST }, { O, 0 },
		    { E, TS }, { E, TS }, { L, 0 },
		    { O, 0 }, { L, 0 }, { L, 0 },
		    { O, 0 }, { G, STOP }, { L, 0 },
		    { G, STOP } },
		[O] = { { O, 0 }, { G, STOP }, { G, STOP }, { G, STOP },
		    { W, TS }, { W, TS | ACT_KILL_REST }, { O, 0 },
		    { E, TS }, { O, 0 }, { O, 0 }, { O, 0 },
		    { O, 0 }, { O, 0 },
		    { O, 0 }, { O, 0 }, { G, STOP },
		    { G, STOP } },
		[W] = { { L, SPAWN }, { S, TS }, { L, SPAWN | ACT_COUNT },
		    { S, TS | ACT_DESTROY }, { W, 0 },
		    { W, ACT_KILL_REST }, { W, 0 },
		    { E, TS }, { W, 0 }, { W, ACT_KILL_REST },
		    { W, 0 }, { W, TS }, { W, 0 },
		    { W, 0 }, { W, 0 }, { W, 0 },
		    { L, SPAWN | ACT_COUNT } },
	};
	static char	*watch[] = { NULL };
	struct app_conf	 conf;
	struct app_run	 r;
	struct sup_in	 in;
	struct sup_out	 out;
	int		 s, e;

	(void)state;
	conf_defaults(&conf);
	conf.watch = watch;
	for (s = 0; s <= W; s++) {
		for (e = 0; e < SUP_NEVENTS; e++) {
			sup_init(&r);
			r.state = s;
			r.started = 1000;
			r.has_exit = true;
			r.exit_code = 1;
			r.watch_wait = s == W;
			in.event = e;
			in.now = 1005;
			in.group_alive = false;
			in.cause = CAUSE_WATCH;
			in.conf = &conf;
			sup_step(&r, &in, &out);
			if (r.state != want[s][e].next ||
			    out.actions != want[s][e].actions)
				fail_msg("watch: %s x %s: got %s 0x%x, want "
				    "%s 0x%x", sup_state_name(s),
				    sup_event_name(e), sup_state_name(r.state),
				    out.actions,
				    sup_state_name(want[s][e].next),
				    want[s][e].actions);
			/* Waiting for a change after a failed start only. */
			if (r.watch_wait != (r.state == W && (s != W ||
			    e != EV_HOLD)))
				fail_msg("watch: %s x %s: watch_wait %d",
				    sup_state_name(s), sup_event_name(e),
				    r.watch_wait);
		}
	}
#undef L
#undef O
#undef W
#undef G
#undef S
#undef E
#undef SPAWN
#undef STOP
#undef TS
}

/* The rules every cell keeps, whatever the counters and flags say. */
static void
check_cell(const struct app_run *before, const struct sup_in *in,
    const struct app_run *r, const struct sup_out *out)
{
	enum app_state	s = before->state, n = r->state;
	enum sup_event	e = in->event;
	unsigned	a = out->actions;
	const char	*where = sup_event_name(e);

	if (out->from != s || n >= APP_NSTATES)
		fail_msg("%s: from or next state wrong", where);
	/* Every transition is logged, and says why. */
	if (n != s && out->reason == NULL)
		fail_msg("%s -> %s on %s: no reason", sup_state_name(s),
		    sup_state_name(n), where);
	if (out->reason == NULL && strcmp(r->reason, before->reason) != 0)
		fail_msg("%s: reason changed silently", where);
	/* A spawn: launching, timed by min_uptime; never a second copy. */
	if (a & ACT_SPAWN) {
		if (n != APP_LAUNCHING || !(a & ACT_TIMER) ||
		    out->timer_ms != in->conf->min_uptime)
			fail_msg("%s: spawn without launching", where);
		if (sup_running(s) && e != EV_EXIT && e != EV_LEADER_EXIT &&
		    e != EV_SPAWN_FAIL && !(e == EV_TIMER &&
		    before->leader_gone && !in->group_alive))
			fail_msg("%s in %s: spawn next to a live process",
			    where, sup_state_name(s));
		if (r->start_after || r->count_after)
			fail_msg("%s: a spawn leaves a request pending", where);
	}
	if ((a & ACT_COUNT) && !(a & ACT_SPAWN))
		fail_msg("%s: counted without a spawn", where);
	/* Entering stopping signals and arms the kill timeout. */
	if (n == APP_STOPPING && s != APP_STOPPING && (a != (ACT_SIG_STOP |
	    ACT_TIMER) || out->timer_ms != in->conf->kill_timeout))
		fail_msg("%s: stopping without the stop signal", where);
	/* Leaving for a state with no process disarms the timer... */
	if (n != s && (n == APP_STOPPED || n == APP_ERRORED) &&
	    !(a & ACT_TIMER_STOP))
		fail_msg("%s: %s with a timer armed", where,
		    sup_state_name(n));
	/*
	 * ... and waiting always has one, but held for its dependencies or
	 * waiting for a change of watched files.
	 */
	if (n == APP_WAITING && n != s && !r->dep_wait && !r->watch_wait &&
	    (a & (ACT_TIMER | ACT_SPAWN)) != ACT_TIMER)
		fail_msg("%s: waiting without its timer", where);
	if (r->dep_wait && (n != APP_WAITING || (a & ACT_TIMER)))
		fail_msg("%s: held with a timer, or outside waiting", where);
	if (r->watch_wait && (n != APP_WAITING || (a & ACT_TIMER) ||
	    r->dep_wait || in->conf->watch == NULL))
		fail_msg("%s: waiting for a change with a timer, held, "
		    "outside waiting or without watch", where);
	/* Waiting for a change: only a change or the user starts it. */
	if (before->watch_wait && s == APP_WAITING && (a & ACT_SPAWN) &&
	    e != EV_START && e != EV_RESTART && !(e == EV_TRIGGER &&
	    in->cause == CAUSE_WATCH))
		fail_msg("%s: spawned while waiting for a change", where);
	/*
	 * With watch, a crash is never a loop and never errored; but a
	 * reload's new process that fails is given up for good all the same.
	 */
	if (in->conf->watch != NULL && !before->successor && (e == EV_EXIT ||
	    e == EV_LEADER_EXIT) && (s == APP_LAUNCHING || s == APP_ONLINE) &&
	    (n == APP_ERRORED || (n == APP_WAITING && !r->watch_wait &&
	    in->now - before->started < in->conf->min_uptime)))
		fail_msg("%s in %s: a failed start with watch %s", where,
		    sup_state_name(s), n == APP_ERRORED ? "errored" :
		    "backs off");
	/* Held: nothing but a start, a stop or a restart spawns. */
	if (before->dep_wait && s == APP_WAITING && (a & ACT_SPAWN) &&
	    e != EV_START && e != EV_RESTART)
		fail_msg("%s: a held app spawned", where);
	if (e == EV_HOLD && (s == APP_STOPPED || s == APP_ERRORED) &&
	    (n != APP_WAITING || !r->dep_wait))
		fail_msg("%s in %s: not held", where, sup_state_name(s));
	/* A user's stop never leaves a process unsupervised. */
	if (sup_running(s) && !sup_running(n) && e <= EV_DELETE)
		fail_msg("%s in %s: process dropped", where,
		    sup_state_name(s));
	if ((a & ACT_DESTROY) && (n != s && n != APP_STOPPED))
		fail_msg("%s: destroyed while %s", where, sup_state_name(n));
	if ((a & ACT_DESTROY) && e != EV_DELETE && !before->delete_after)
		fail_msg("%s: destroyed without a delete", where);
	if ((a & ACT_SIG_KILL) && s != APP_STOPPING)
		fail_msg("%s: SIGKILL outside a stop", where);
	/* A delete under way wins: nothing keeps the app alive after it. */
	if (s == APP_STOPPING && before->delete_after &&
	    ((n != APP_STOPPING && !(a & ACT_DESTROY)) ||
	    (r->start_after && !before->start_after)))
		fail_msg("%s: a delete under way was cancelled", where);
	/* With a ready key, the exec verdict starts the wait, no more. */
	if (e == EV_EXEC_OK && s == APP_LAUNCHING && in->conf->ready != NULL &&
	    (n != APP_LAUNCHING || a != ACT_READY_WAIT))
		fail_msg("exec-ok with a ready key: not waiting");
	if ((a & ACT_READY_WAIT) && (e != EV_EXEC_OK || n != APP_LAUNCHING))
		fail_msg("%s: waits for readiness outside launching", where);
	/* ... and only readiness (not min_uptime) makes it online. */
	if (s == APP_LAUNCHING && n == APP_ONLINE && in->conf->ready != NULL &&
	    e != EV_READY)
		fail_msg("%s: online with a ready key, not ready", where);
	/* The stop that ends a failed start ends in waiting or errored. */
	if (s == APP_STOPPING && n != s && before->fail_after &&
	    !before->delete_after && !before->start_after &&
	    n != APP_WAITING && n != APP_ERRORED)
		fail_msg("%s: a failed start ended %s", where,
		    sup_state_name(n));
	if (r->fail_after && r->start_after && !(before->fail_after &&
	    before->start_after))
		fail_msg("%s: a failed start and a request pending", where);
	/*
	 * A reload's new process: a failure is final, never retried; it
	 * never enters waiting, so what waiting does is no concern of it
	 * (nor is start order: app-deps.c holds listed apps only).
	 */
	if (before->successor && s == APP_LAUNCHING &&
	    (e == EV_EXIT || e == EV_LEADER_EXIT) && n != APP_ERRORED)
		fail_msg("%s: a reload's new process ended %s, not errored",
		    where, sup_state_name(n));
	if (before->successor && ((n == APP_WAITING && s != n &&
	    e != EV_HOLD) ||
	    ((a & ACT_SPAWN) && s != APP_WAITING && e != EV_START &&
	    e != EV_RESTART)))
		fail_msg("%s in %s: a reload's new process retried", where,
		    sup_state_name(s));
	if (before->successor && s == APP_LAUNCHING && n == APP_ONLINE &&
	    e != EV_READY && e != EV_TIMER)
		fail_msg("%s: a reload's new process online unproven", where);
	/* Following the daemonized child keeps the state and says so. */
	if (e == EV_FOLLOW && (s == APP_LAUNCHING || s == APP_ONLINE) &&
	    (n != s || a != 0 || out->reason == NULL))
		fail_msg("%s in %s: not followed", where, sup_state_name(s));
}

/* Every cell, in every combination of the inputs its guard may read. */
static void
test_walk_every_cell(void **state)
{
	static const unsigned fails[] = { 0, 3, 15 };
	static const uint64_t ups[] = { 5, 3600 * 1000 };
	static const int codes[][2] = { { 0, 0 }, { 1, 0 }, { 3, 0 },
	    { -1, SIGKILL } };
	static char notify[] = "notify";
	static char *watch[] = { NULL };	/* watch: true */
	struct app_conf	conf;
	struct app_run	before, r;
	struct sup_in	in;
	struct sup_out	out;
	int		s, e, c, flags;
	size_t		fi, ui, pi;
	unsigned	n = 0;

	(void)state;
	for (pi = 0; pi < 12; pi++) {
		conf_defaults(&conf);
		conf.restart = pi % 3;
		conf.ready = pi % 6 >= 3 ? notify : NULL;
		conf.watch = pi >= 6 ? watch : NULL;
		conf.stop_codes[0] = 3;
		conf.nstop_codes = 1;
		conf.restart_delay = pi == 1 ? 500 : 0;
		for (s = 0; s < APP_NSTATES; s++)
		for (e = 0; e < SUP_NEVENTS; e++)
		for (fi = 0; fi < 3; fi++)
		for (ui = 0; ui < 2; ui++)
		for (c = 0; c < 4; c++)
		for (flags = 0; flags < 1024; flags++) {
			sup_init(&before);
			before.state = s;
			before.fails = fails[fi];
			before.started = 1000;
			before.has_exit = true;
			before.exit_code = codes[c][0];
			before.exit_signal = codes[c][1];
			before.start_after = flags & 1;
			before.count_after = (flags & 2) && (flags & 1);
			before.delete_after = flags & 4;
			before.killed = flags & 8;
			before.leader_gone = flags & 16;
			before.respawn = flags & 32;
			/* Held only ever while waiting (sup_step keeps it). */
			before.dep_wait = (flags & 128) && s == APP_WAITING;
			before.fail_after = flags & 256;
			/* Only while waiting, and never held at once. */
			before.watch_wait = (flags & 512) && s == APP_WAITING &&
			    !before.dep_wait && conf.watch != NULL;
			/* The same bit, where it cannot mean watch_wait. */
			before.successor = (flags & 512) && !before.watch_wait;
			strlcpy(before.reason, "before", sizeof before.reason);
			r = before;
			in.event = e;
			in.now = 1000 + ups[ui];
			in.group_alive = (flags & 64) != 0;
			in.cause = n % SUP_NCAUSES;
			in.conf = &conf;
			sup_step(&r, &in, &out);
			check_cell(&before, &in, &r, &out);
			n++;
		}
	}
	assert_true(n > APP_NSTATES * SUP_NEVENTS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_stop),
		cmocka_unit_test(test_spawn_retry),
		cmocka_unit_test(test_stop_escalates_to_kill),
		cmocka_unit_test(test_crash_after_uptime_restarts_at_once),
		cmocka_unit_test(test_restart_delay),
		cmocka_unit_test(test_crash_loop_ends_errored),
		cmocka_unit_test(test_long_run_then_instant_failures_end_errored),
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test(test_success_resets_fails),
		cmocka_unit_test(test_online_at_exec),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_stop_never_counts_as_crash),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_start_while_stopping),
		cmocka_unit_test(test_start_is_idempotent),
		cmocka_unit_test(test_spawn_fail),
		cmocka_unit_test(test_user_start_lack_is_errored),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_stop_waits_for_group),
		cmocka_unit_test(test_delete_wins_over_start),
		cmocka_unit_test(test_stop_errored),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_held_start),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_successor),
		cmocka_unit_test(test_trigger),
		cmocka_unit_test(test_watch_wait),
		cmocka_unit_test(test_every_cell),
		cmocka_unit_test(test_every_cell_watch),
		cmocka_unit_test(test_walk_every_cell),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
