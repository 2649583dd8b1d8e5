/*
 * max_memory_restart without cgroups: one shared sampler for every app. A
 * single timer, armed only while some running app has a limit, wakes the
 * daemon once per interval (OPM_MEMORY_INTERVAL, default 2s) and samples
 * every limited app in one pass: one read of the daemon's children for the
 * orphans, then each app's tree through app_tree_stats_in (app-tree.c), the
 * very numbers `memory_bytes` of list shows. An app over its limit on
 * APP_MEMORY_SAMPLES samples in a row is restarted gracefully, through
 * app_trigger(CAUSE_MEMORY): one spike does not restart it. Before
 * min_uptime (or ready) that restart is a failed start (src/process/sup.c),
 * so an app too big to start ends errored after max_restarts.
 *
 * app_memory_over() is the seam for a kernel that tells: where an app has
 * a cgroup v2 of its own, memory.events (high or max) can call it directly,
 * without waiting for samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "parse.h"
#include "proc.h"

#define APP_MEMORY_INTERVAL	2000	/* ms between samples (default) */
#define APP_MEMORY_MIN		100
#define APP_MEMORY_SAMPLES	2	/* over the limit this often in a row */

static uv_timer_t	app_memory_timer;
static uint64_t		app_memory_interval = APP_MEMORY_INTERVAL;
static unsigned long	app_memory_ticks;

void
app_memory_init(void)
{
	const char	*v = getenv("OPM_MEMORY_INTERVAL"), *cause;
	uint64_t	 ms;

	uv_timer_init(app_loop, &app_memory_timer);
	uv_unref((uv_handle_t *)&app_memory_timer);
	if (v == NULL || *v == '\0')
		return;
	if (parse_duration(v, &ms, &cause) == -1 || ms < APP_MEMORY_MIN) {
		log_warnx("OPM_MEMORY_INTERVAL=%s: %s; sampling every 2s", v,
		    ms < APP_MEMORY_MIN ? "must be at least 100ms" : cause);
		return;
	}
	app_memory_interval = ms;
}

/* Whether the sampler looks at a: a limit, and a process that runs. */
static bool
app_memory_watched(const struct app *a)
{
	return (a->conf.max_memory_restart > 0 && a->run.pid > 0 &&
	    (a->run.state == APP_LAUNCHING || a->run.state == APP_ONLINE));
}

/* A size as the log and info write it: whole KB or MB (2^10, 2^20). */
static void
app_memory_fmt(uint64_t b, char *buf, size_t len)
{
	if (b < 1048576)
		snprintf(buf, len, "%llu KB", (unsigned long long)(b / 1024));
	else
		snprintf(buf, len, "%llu MB",
		    (unsigned long long)(b / 1048576));
}

void
app_memory_over(struct app *a, uint64_t bytes)
{
	char	seen[32], max[32], reason[128];

	if (!app_memory_watched(a))
		return;
	app_memory_fmt(bytes, seen, sizeof seen);
	app_memory_fmt(a->conf.max_memory_restart, max, sizeof max);
	snprintf(reason, sizeof reason, "memory: %s over max_memory_restart "
	    "%s", seen, max);
	log_warnx("%s: %s (%llu bytes)", a->label, reason,
	    (unsigned long long)bytes);
	strlcpy(a->mem.last, reason, sizeof a->mem.last);
	a->mem.over = 0;
	app_trigger(a, CAUSE_MEMORY, reason);
}

/* One wake-up: every limited app sampled; the timer stops when none. */
static void
app_memory_tick(uv_timer_t *t)
{
	struct app		*a, *next;
	struct proc_ent		*orph;
	struct proc_stats	 ps;
	size_t			 n;
	int			 live = 0;

	app_memory_ticks++;
	n = app_tree_orphans(&orph);
	TAILQ_FOREACH_SAFE(a, &apps, entry, next) {
		if (!app_memory_watched(a))
			continue;
		live++;
		if (app_tree_stats_in(a, orph, n, &ps) == -1)
			continue;
		a->mem.seen = ps.rss;
		if (ps.rss <= a->conf.max_memory_restart) {
			a->mem.over = 0;
			continue;
		}
		if (++a->mem.over < APP_MEMORY_SAMPLES) {
			log_debug("%s: %llu bytes, over max_memory_restart "
			    "(sample %u)", a->label,
			    (unsigned long long)ps.rss, a->mem.over);
			continue;
		}
		app_memory_over(a, ps.rss);
	}
	free(orph);
	if (live == 0)
		uv_timer_stop(t);
}

void
app_memory_sync(struct app *a, enum app_state from)
{
	if (a->run.state == APP_LAUNCHING && from != APP_LAUNCHING)
		a->mem.over = 0;
	if (app_memory_watched(a) &&
	    !uv_is_active((uv_handle_t *)&app_memory_timer))
		uv_timer_start(&app_memory_timer, app_memory_tick,
		    app_memory_interval, app_memory_interval);
}

cJSON *
app_memory_json(const struct app *a)
{
	cJSON	*o;

	if (a->conf.max_memory_restart == 0)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "max_bytes",
	    (double)a->conf.max_memory_restart);
	cJSON_AddNumberToObject(o, "interval_ms", (double)app_memory_interval);
	cJSON_AddNumberToObject(o, "samples_over", a->mem.over);
	if (a->mem.last[0] != '\0')
		cJSON_AddStringToObject(o, "last_restart", a->mem.last);
	else
		cJSON_AddNullToObject(o, "last_restart");
	return (o);
}

unsigned long
app_memory_wakeups(void)
{
	return (app_memory_ticks);
}
