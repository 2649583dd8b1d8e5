/*
 * The supervision state machine, driven with a fake monotonic clock: every
 * transition of sup_step() and the backoff schedule.
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
	enum app_state	state;
	uint64_t	now;
	uint64_t	started;
	unsigned	fails;
	unsigned	restarts;
	bool		start_after;
	bool		count_after;
	bool		killed;
	unsigned	spawns;
	unsigned	last_actions;
	uint64_t	timer;
};

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof *f);
	conf_defaults(&f->conf);
	f->state = APP_STOPPED;
	f->now = 1000000;
}

/* Feeds one event and applies the actions the way app.c does. */
static void
fake_step(struct fake *f, enum sup_event ev, int code, int sig)
{
	struct sup_in	in = { .state = f->state, .event = ev, .now = f->now,
	    .started = f->started, .fails = f->fails,
	    .start_after = f->start_after, .count_after = f->count_after,
	    .killed = f->killed,
	    .exit_code = code, .exit_signal = sig, .conf = &f->conf };
	struct sup_out	out;

	sup_step(&in, &out);
	f->state = out.state;
	f->fails = out.fails;
	f->start_after = out.start_after;
	f->count_after = out.count_after;
	f->last_actions = out.actions;
	if (out.actions & ACT_COUNT)
		f->restarts++;
	if (out.actions & ACT_SIG_KILL)
		f->killed = true;
	if (out.actions & ACT_TIMER)
		f->timer = out.timer_ms;
	if (out.actions & ACT_SPAWN) {
		f->spawns++;
		f->started = f->now;
		f->killed = false;
	}
}

static void
start_online(struct fake *f)
{
	fake_step(f, EV_START, 0, 0);
	assert_int_equal(f->state, APP_LAUNCHING);
	assert_int_equal(f->timer, f->conf.min_uptime);
	f->now += f->conf.min_uptime;
	fake_step(f, EV_TIMER, 0, 0);
	assert_int_equal(f->state, APP_ONLINE);
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
	f.now += f.conf.min_uptime;
	fake_step(&f, EV_TIMER, 0, 0);		/* online */
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
	fake_step(&f, EV_SPAWN_RETRY, 0, 0);
	assert_int_equal(f.state, APP_WAITING);
	assert_int_equal(f.fails, 1);
	assert_int_equal(f.timer, sup_backoff(&f.conf, 1));
	/* The backoff timer tries again: a spawn. */
	fake_step(&f, EV_TIMER, 0, 0);
	assert_int_equal(f.state, APP_LAUNCHING);
	for (i = 2; i <= 3; i++) {
		fake_step(&f, EV_SPAWN_RETRY, 0, 0);
		assert_int_equal(f.state, APP_WAITING);
		assert_int_equal(f.timer, sup_backoff(&f.conf, i));
		fake_step(&f, EV_TIMER, 0, 0);
	}
	fake_step(&f, EV_SPAWN_RETRY, 0, 0);
	assert_int_equal(f.state, APP_ERRORED);
	/* A stop while waiting ends it. */
	fake_init(&f);
	start_online(&f);
	fake_step(&f, EV_SPAWN_RETRY, 0, 0);
	fake_step(&f, EV_STOP, 0, 0);
	assert_int_equal(f.state, APP_STOPPED);
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
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_stop_never_counts_as_crash),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_start_while_stopping),
		cmocka_unit_test(test_start_is_idempotent),
		cmocka_unit_test(test_spawn_fail),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
