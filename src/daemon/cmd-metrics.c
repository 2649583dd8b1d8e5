/*
 * metrics: the Prometheus text exposition format (version 0.0.4), made by
 * the daemon, which holds the counters, so that `opm metrics` and any
 * other client of the control socket (a web process serving /metrics)
 * print the same text: data is {"content_type": ..., "text": ...}.
 *
 * Per app instance (labels app, and app_instance for an app with
 * instances: Prometheus puts its own `instance` label on every series it
 * scrapes, so a label of that name would come out as exported_instance),
 * never a pid. Counters are counters: restarts by cause, and the CPU time
 * of the app's process tree, kept increasing across restarts and reloads
 * (the CPU a process used after the last sample before it ended is not
 * seen). The daemon's own figures use the names of Prometheus's process
 * collector, as the process being described is the one that answers.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "events.h"
#include "hooks.h"
#include "json.h"
#include "metrics.h"
#include "proc.h"
#include "xmem.h"

struct metrics_buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

static void	metrics_put(struct metrics_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
metrics_put(struct metrics_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->size - b->len)
			break;
		b->size = b->size * 2 + (n > 0 ? (size_t)n : 0) + 1;
		b->p = xreallocarray(b->p, b->size, 1);
	}
	b->len += n;
}

static void
metrics_family(struct metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	metrics_put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels of a: app="NAME"[,app_instance="K"], escaped. */
static void
metrics_labels(const struct app *a, char *buf, size_t len)
{
	const char	*s;
	size_t		 o = 0;

	o += snprintf(buf, len, "app=\"");
	for (s = a->conf.name; *s != '\0' && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"')
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	buf[o] = '\0';
	if (a->instance >= 0)
		snprintf(buf + o, len - o, "\",app_instance=\"%d\"",
		    a->instance);
	else
		snprintf(buf + o, len - o, "\"");
}

uint64_t
metrics_cpu_ticks(struct app *a, struct proc_stats *ps)
{
	/* The tree as list and max_memory_restart see it (app-tree.c). */
	if (app_tree_stats(a, ps) == 0) {
		/* A new main process: its tree counts from 0. */
		if (a->obs.cpu_pid != a->run.pid) {
			a->obs.cpu_pid = a->run.pid;
			a->obs.cpu_last = 0;
		}
		/* A child that ended takes its ticks along: never down. */
		if (ps->cpu_ticks > a->obs.cpu_last)
			a->obs.cpu_acc += ps->cpu_ticks - a->obs.cpu_last;
		a->obs.cpu_last = ps->cpu_ticks;
	}
	return (a->obs.cpu_acc);
}

/* Wall-clock seconds of a monotonic ms time. */
static double
metrics_wall(uint64_t mono_ms)
{
	struct timeval	tv;
	double		now;

	gettimeofday(&tv, NULL);
	now = tv.tv_sec + tv.tv_usec / 1e6;
	return (now - (double)(app_now() - mono_ms) / 1000.0);
}

static void
metrics_apps(struct metrics_buf *b)
{
	struct proc_stats	 ps;
	struct app		*a;
	char			 l[OPM_NAME_MAX * 2 + 48];
	uint64_t		*ticks;
	uint64_t		*rss;
	size_t			 i, n = 0, k;

	TAILQ_FOREACH(a, &apps, entry)
		n++;
	ticks = xcalloc(n + 1, sizeof *ticks);
	rss = xcalloc(n + 1, sizeof *rss);
	i = 0;
	TAILQ_FOREACH(a, &apps, entry) {
		ticks[i] = metrics_cpu_ticks(a, &ps);
		rss[i++] = ps.rss;
	}

	metrics_family(b, "opm_app_up", "gauge",
	    "Whether the app is online (1) or not (0).");
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		metrics_put(b, "opm_app_up{%s} %d\n", l,
		    a->run.state == APP_ONLINE);
	}
	metrics_family(b, "opm_app_status", "gauge",
	    "The app's state: 1 for the current one, 0 for the others.");
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		for (k = 0; k < APP_NSTATES; k++)
			metrics_put(b, "opm_app_status{%s,state=\"%s\"} %d\n",
			    l, sup_state_name(k), a->run.state == k);
	}
	metrics_family(b, "opm_app_ready", "gauge",
	    "Whether the app is online and ready (1) or not (0).");
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		metrics_put(b, "opm_app_ready{%s} %d\n", l, app_ready_is(a));
	}
	metrics_family(b, "opm_app_restarts_total", "counter",
	    "Restarts of the app, by what caused them.");
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		for (k = 0; k < SUP_NCAUSES; k++)
			metrics_put(b, "opm_app_restarts_total{%s,cause=\"%s\"} "
			    "%u\n", l, sup_cause_name(k), a->run.restarts_by[k]);
	}
	metrics_family(b, "opm_app_cpu_seconds_total", "counter",
	    "User and system CPU time of the app's processes.");
	i = 0;
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		metrics_put(b, "opm_app_cpu_seconds_total{%s} %.2f\n", l,
		    (double)ticks[i++] / proc_hz());
	}
	metrics_family(b, "opm_app_memory_bytes", "gauge",
	    "Resident memory of the app's process tree, in bytes.");
	i = 0;
	TAILQ_FOREACH(a, &apps, entry) {
		metrics_labels(a, l, sizeof l);
		metrics_put(b, "opm_app_memory_bytes{%s} %llu\n", l,
		    (unsigned long long)rss[i++]);
	}
	metrics_family(b, "opm_app_start_time_seconds", "gauge",
	    "Start time of the app's running process since the Unix epoch, "
	    "in seconds.");
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->run.pid <= 0)
			continue;
		metrics_labels(a, l, sizeof l);
		metrics_put(b, "opm_app_start_time_seconds{%s} %.3f\n", l,
		    metrics_wall(a->run.started));
	}
	free(ticks);
	free(rss);
}

static double
metrics_num(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItem(o, key);

	return (cJSON_IsNumber(v) ? v->valuedouble : 0);
}

static unsigned
metrics_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	unsigned	 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	/* Not the one opendir holds. */
	return (n > 0 ? n - 1 : 0);
}

static void
metrics_daemon(struct metrics_buf *b)
{
	struct hooks_stats	 hs;
	struct rusage		 ru;
	struct rlimit		 rl;
	cJSON			*st = daemon_status();
	double			 cpu = 0;

	hooks_stats(&hs);
	metrics_family(b, "opm_apps", "gauge",
	    "Apps the daemon supervises (each instance counts).");
	metrics_put(b, "opm_apps %d\n", app_count());
	metrics_family(b, "opm_spawns_total", "counter",
	    "Processes the daemon started for apps since it was started or "
	    "reloaded.");
	metrics_put(b, "opm_spawns_total %llu\n",
	    (unsigned long long)app_spawned());
	metrics_family(b, "opm_events_total", "counter",
	    "Events the daemon numbered (the last seq of opm events).");
	metrics_put(b, "opm_events_total %llu\n",
	    (unsigned long long)events_last_seq());
	metrics_family(b, "opm_hook_runs_total", "counter",
	    "Hook commands started.");
	metrics_put(b, "opm_hook_runs_total %llu\n",
	    (unsigned long long)hs.runs);
	metrics_family(b, "opm_hook_suppressed_total", "counter",
	    "Hook runs held back by hook_window.");
	metrics_put(b, "opm_hook_suppressed_total %llu\n",
	    (unsigned long long)hs.suppressed);
	metrics_family(b, "opm_hook_timeouts_total", "counter",
	    "Hook runs killed after hook_timeout.");
	metrics_put(b, "opm_hook_timeouts_total %llu\n",
	    (unsigned long long)hs.timeouts);
	metrics_family(b, "opm_hook_failures_total", "counter",
	    "Hook runs that failed to start, exited non-zero or were "
	    "killed.");
	metrics_put(b, "opm_hook_failures_total %llu\n",
	    (unsigned long long)hs.failures);
	metrics_family(b, "opm_clients", "gauge",
	    "Connections to the control socket.");
	metrics_put(b, "opm_clients %.0f\n", metrics_num(st, "clients"));
	metrics_family(b, "opm_daemon_reloads_total", "counter",
	    "Times the daemon re-executed itself (opm daemon reload).");
	metrics_put(b, "opm_daemon_reloads_total %.0f\n",
	    metrics_num(st, "reloads"));
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	metrics_family(b, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent by the daemon in seconds.");
	metrics_put(b, "process_cpu_seconds_total %.2f\n", cpu);
	metrics_family(b, "process_resident_memory_bytes", "gauge",
	    "Resident memory size of the daemon in bytes.");
	metrics_put(b, "process_resident_memory_bytes %.0f\n",
	    metrics_num(st, "memory_bytes"));
	metrics_family(b, "process_open_fds", "gauge",
	    "Number of open file descriptors of the daemon.");
	metrics_put(b, "process_open_fds %u\n", metrics_fds());
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		metrics_family(b, "process_max_fds", "gauge",
		    "Maximum number of open file descriptors of the daemon.");
		metrics_put(b, "process_max_fds %llu\n",
		    (unsigned long long)rl.rlim_cur);
	}
	metrics_family(b, "process_start_time_seconds", "gauge",
	    "Start time of the daemon since the Unix epoch in seconds.");
	metrics_put(b, "process_start_time_seconds %.3f\n",
	    metrics_wall(app_now() - (uint64_t)metrics_num(st, "uptime_ms")));
	cJSON_Delete(st);
}

char *
metrics_text(void)
{
	struct metrics_buf	b = { xmalloc(8192), 0, 8192 };

	b.p[0] = '\0';
	metrics_apps(&b);
	metrics_daemon(&b);
	return (b.p);
}

enum cmd_retval
cmd_metrics(struct cmd_ctx *ctx)
{
	cJSON	*d = cJSON_CreateObject();
	char	*text = metrics_text();

	cJSON_AddStringToObject(d, "content_type", METRICS_CONTENT_TYPE);
	cJSON_AddStringToObject(d, "text", text);
	free(text);
	cmd_ok(ctx, d);
	return (CMD_DONE);
}

cJSON *
metrics_handover(void)
{
	const struct app	*a;
	cJSON			*arr = cJSON_CreateArray(), *o;

	TAILQ_FOREACH(a, &apps, entry) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", a->id);
		cJSON_AddNumberToObject(o, "cpu_acc", (double)a->obs.cpu_acc);
		cJSON_AddNumberToObject(o, "cpu_last",
		    (double)a->obs.cpu_last);
		cJSON_AddNumberToObject(o, "cpu_pid", a->obs.cpu_pid);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}

void
metrics_takeover(const cJSON *arr)
{
	const cJSON	*e;
	struct app	*a;
	const long long	 max = 9007199254740991LL;

	cJSON_ArrayForEach(e, arr) {
		if (!json_is_int(cJSON_GetObjectItem(e, "id"), 0, INT32_MAX) ||
		    !json_is_int(cJSON_GetObjectItem(e, "cpu_acc"), 0, max) ||
		    !json_is_int(cJSON_GetObjectItem(e, "cpu_last"), 0, max) ||
		    !json_is_int(cJSON_GetObjectItem(e, "cpu_pid"), 0,
		    INT32_MAX) || (a = app_find_id((int)cJSON_GetObjectItem(e,
		    "id")->valuedouble)) == NULL)
			continue;
		a->obs.cpu_acc = (uint64_t)metrics_num(e, "cpu_acc");
		a->obs.cpu_last = (uint64_t)metrics_num(e, "cpu_last");
		a->obs.cpu_pid = (pid_t)metrics_num(e, "cpu_pid");
	}
}
