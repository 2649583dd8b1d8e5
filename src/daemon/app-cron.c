/*
 * Schedules (cron_restart, cron_mode, cron_tz): one realtime timerfd for
 * the whole daemon, on a poll handle, armed at the earliest next time of
 * all apps. libuv's timers are monotonic, so a time computed once would
 * drift across NTP steps and suspend; a CLOCK_REALTIME timer with
 * TFD_TIMER_ABSTIME fires at the wall-clock second, and
 * TFD_TIMER_CANCEL_ON_SET makes its read fail with ECANCELED when the
 * clock is set, and then every time is computed again.
 *
 * Each app keeps its next time (a->cron.next); a fire scans the apps, which
 * is O(n) per fire: 10,000 apps are 10,000 comparisons, microseconds, next
 * to the restarts a fire causes. A new app arms the timer earlier if it
 * must; a deleted one leaves at most one wake-up that finds nothing due.
 * The timerfd is made with the first app that has a schedule, and with
 * none armed the daemon has no wake-up at all. Schedules are never saved:
 * an adopted app (reload, crash) computes its next time from its conf.
 *
 * What a time does (README.md, "Scheduled restarts and jobs"): with
 * cron_mode restart, a restart of a running app through app_trigger
 * (CAUSE_CRON); with cron_mode run, a start of a job that is not running
 * (app_start, so its dependencies start first), or "still running;
 * skipped".
 */
#include <sys/timerfd.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "log.h"

#define APP_CRON_BACK	(3 * 3600)	/* a clock set back less: no rerun */

static int		 cron_fd = -1;
static uv_poll_t	 cron_poll;
static time_t		 cron_armed;	/* the time armed; 0: none */

static void	app_cron_fire(uv_poll_t *, int, int);

/* Arms the timerfd at t (0: disarmed). */
static void
app_cron_set(time_t t)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof its);
	its.it_value.tv_sec = t;
	if (timerfd_settime(cron_fd, TFD_TIMER_ABSTIME |
	    TFD_TIMER_CANCEL_ON_SET, &its, NULL) == -1) {
		log_warn("%s: timerfd_settime", __func__);
		return;
	}
	cron_armed = t;
}

/* The timerfd and its poll handle, made once; -1 when it cannot be. */
static int
app_cron_open(void)
{
	if (cron_fd != -1)
		return (0);
	if ((cron_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1) {
		log_warn("%s: timerfd_create", __func__);
		return (-1);
	}
	uv_poll_init(app_loop, &cron_poll, cron_fd);
	uv_poll_start(&cron_poll, UV_READABLE, app_cron_fire);
	return (0);
}

/*
 * The next time of a after now. An expression with particular hours does
 * not come again for a time it already had (its last, if the clock was
 * set back by less than 3 hours), as for a repeated hour of a change from
 * summer time; one for every hour follows the clock.
 */
static void
app_cron_compute(struct app *a, time_t now)
{
	time_t	after = now;

	if (!cron_every_hour(&a->cron.expr) && a->cron.last > now &&
	    a->cron.last - now < APP_CRON_BACK)
		after = a->cron.last;
	if (cron_next(&a->cron.expr, a->conf.cron_tz, after,
	    &a->cron.next) == -1) {
		log_warnx("%s: cron_restart '%s' does not come within ten "
		    "years", a->label, a->conf.cron);
		a->cron.next = 0;
	}
}

/* Arms the timer at the earliest next time of all apps. */
static void
app_cron_rearm(void)
{
	struct app	*a;
	time_t		 min = 0;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->cron.on && a->cron.next != 0 &&
		    (min == 0 || a->cron.next < min))
			min = a->cron.next;
	}
	if (min != 0 || cron_armed != 0)
		app_cron_set(min);
}

void
app_cron_sync(struct app *a)
{
	char	cause[CRON_EXPR_MAX + 160];

	a->cron.on = false;
	a->cron.next = 0;
	if (a->conf.cron == NULL)
		return;
	/* conf.c checked it; a dump of another version might not be. */
	if (cron_parse(a->conf.cron, &a->cron.expr, cause,
	    sizeof cause) == -1) {
		log_warnx("%s: cron_restart: %s", a->label, cause);
		return;
	}
	if (app_cron_open() == -1)
		return;
	a->cron.on = true;
	app_cron_compute(a, time(NULL));
	if (a->cron.next != 0 && (cron_armed == 0 ||
	    a->cron.next < cron_armed))
		app_cron_set(a->cron.next);
}

/* The time of a came: a restart, or a run of a job. */
static void
app_cron_run(struct app *a)
{
	char	reason[CRON_EXPR_MAX + 32];

	snprintf(reason, sizeof reason, "cron_restart '%s'", a->conf.cron);
	if (a->conf.cron_mode == CRON_MODE_RESTART) {
		if (!sup_running(a->run.state)) {
			log_info("%s: %s: not running; skipped", a->label,
			    reason);
			return;
		}
		app_trigger(a, CAUSE_CRON, reason);
		return;
	}
	switch (a->run.state) {
	case APP_STOPPED:
	case APP_ERRORED:
		if (app_deleting(a))
			return;
		log_info("%s: %s: a scheduled run", a->label, reason);
		app_start(a);
		return;
	case APP_WAITING:
		log_info("%s: %s: waiting to restart; skipped", a->label,
		    reason);
		return;
	case APP_LAUNCHING:
	case APP_ONLINE:
	case APP_STOPPING:
		log_info("%s: %s: still running; skipped", a->label, reason);
		return;
	}
}

static void
app_cron_fire(uv_poll_t *h, int status, int events)
{
	struct app	*a;
	uint64_t	 n;
	ssize_t		 r;
	time_t		 now;
	bool		 set = false;

	(void)h;
	(void)status;
	(void)events;
	if ((r = read(cron_fd, &n, sizeof n)) == -1 && errno == ECANCELED)
		set = true;
	else if (r == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("%s: read", __func__);
	if (r == -1 && !set)
		return;
	now = time(NULL);
	if (set)
		log_info("the clock was set: cron times computed again");
	/*
	 * What is due runs once, however many times it missed (suspend,
	 * a step forward); an app created by one of these starts is
	 * computed by app_cron_sync and is not due.
	 */
	TAILQ_FOREACH(a, &apps, entry) {
		if (!a->cron.on)
			continue;
		if (a->cron.next != 0 && a->cron.next <= now) {
			a->cron.last = a->cron.next;
			app_cron_compute(a, now);
			app_cron_run(a);
		} else if (set)
			app_cron_compute(a, now);
	}
	app_cron_rearm();
}

cJSON *
app_cron_json(const struct app *a)
{
	char	buf[CRON_ISO_MAX];

	if (!a->cron.on || a->cron.next == 0)
		return (cJSON_CreateNull());
	cron_format(a->cron.next, a->conf.cron_tz, buf, sizeof buf);
	return (cJSON_CreateString(buf));
}
