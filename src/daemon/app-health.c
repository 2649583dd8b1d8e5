/*
 * Health checks, the daemon's side (the key is read by src/common/health.c).
 * A check runs only while the app is online and ready (app_ready_is): the
 * first start_period after it came online (one interval without one), the
 * next one interval after the last ended, so two never overlap. The probes
 * are probe.c's, the same code as readiness: a tcp connect, an HTTP GET,
 * or a command run by the daemon in the app's cwd and environment, in a
 * session of its own, killed at its timeout. After `retries` failures in a
 * row the app is restarted gracefully through app_trigger(CAUSE_HEALTH),
 * the reason in the log and in info. Nothing here is saved: after a
 * re-exec or an adoption the checks begin again, "starting".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "handle.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "proc.h"
#include "xmem.h"

void
app_health_new(struct app *a)
{
	memset(&a->health, 0, sizeof a->health);
	a->health.status = "off";
}

static void
app_health_stop(struct app *a)
{
	if (a->health.timer != NULL)
		uv_timer_stop(a->health.timer);
	if (a->health.probe != NULL)
		probe_cancel(a->health.probe);
	a->health.probe = NULL;
}

void
app_health_free(struct app *a)
{
	app_health_stop(a);
	if (a->health.timer != NULL)
		uv_close((uv_handle_t *)a->health.timer, handle_free);
	a->health.timer = NULL;
	free(a->health.last);
	free(a->health.restart);
	a->health.last = a->health.restart = NULL;
}

static void	app_health_cb(uv_timer_t *);

static void
app_health_arm(struct app *a, uint64_t ms)
{
	if (a->health.timer == NULL) {
		a->health.timer = xcalloc(1, sizeof *a->health.timer);
		uv_timer_init(app_loop, a->health.timer);
		a->health.timer->data = a;
	}
	uv_timer_start(a->health.timer, app_health_cb, ms, 0);
}

/* The end of one check. */
static void
app_health_done(void *arg, bool ok, const char *why)
{
	struct app		*a = arg;
	const struct health_spec *h = a->conf.health;
	char			 reason[256];

	a->health.probe = NULL;
	a->health.checks++;
	free(a->health.last);
	a->health.last = xstrdup(why);
	if (ok) {
		if (strcmp(a->health.status, "healthy") != 0)
			log_info("%s: healthy (%s check)", a->label,
			    health_kind_name(h->kind));
		a->health.status = "healthy";
		a->health.failures = 0;
		app_health_arm(a, h->interval);
		return;
	}
	a->health.failures++;
	log_info("%s: health check failed (%u of %u): %s", a->label,
	    a->health.failures, h->retries, why);
	if (a->health.failures < h->retries) {
		app_health_arm(a, h->interval);
		return;
	}
	snprintf(reason, sizeof reason, "health: %u checks failed in a row: "
	    "%s", a->health.failures, why);
	log_warnx("%s: %s", a->label, reason);
	a->health.status = "unhealthy";
	free(a->health.restart);
	a->health.restart = xstrdup(reason);
	app_trigger(a, CAUSE_HEALTH, reason);
}

/* The spec of a command check: sh -c TARGET, or its argv; -1 and why. */
static int
app_health_exec(struct app *a, char *why, size_t wlen)
{
	const struct health_spec *h = a->conf.health;
	struct proc_spec	 spec;
	char			 bin[] = "/bin/sh", dash_c[] = "-c";
	char			*sh[] = { bin, dash_c, h->target, NULL };
	char			**env, path[PATH_MAX];
	const char		*cause;
	int			 null;

	if ((env = app_environ(a, why, wlen)) == NULL)
		return (-1);
	memset(&spec, 0, sizeof spec);
	spec.argv = h->argv != NULL ? h->argv : sh;
	spec.envp = env;
	spec.cwd = a->conf.cwd;
	spec.ipc_fd = -1;
	if (proc_resolve(spec.argv[0], a->conf.cwd, env, path, sizeof path,
	    &cause) == -1) {
		snprintf(why, wlen, "%s: %s", spec.argv[0], cause);
		xfreev(env);
		return (-1);
	}
	spec.path = path;
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
		snprintf(why, wlen, "/dev/null: %s", strerror(errno));
		xfreev(env);
		return (-1);
	}
	spec.out_fd = spec.err_fd = null;
	a->health.probe = probe_exec(app_loop, &spec, h->timeout,
	    app_health_done, a, why, wlen);
	close(null);
	xfreev(env);
	return (a->health.probe == NULL ? -1 : 0);
}

static void
app_health_cb(uv_timer_t *t)
{
	struct app		*a = t->data;
	const struct health_spec *h = a->conf.health;
	char			 why[PROBE_WHY_MAX];
	int			 r;

	if (h == NULL || a->health.probe != NULL)
		return;
	/* Reloading or stopping by its own word: not now. */
	if (!app_ready_is(a)) {
		if (a->run.state == APP_ONLINE)
			app_health_arm(a, h->interval);
		return;
	}
	if (h->kind == HEALTH_EXEC)
		r = app_health_exec(a, why, sizeof why);
	else {
		a->health.probe = probe_net(app_loop, &h->net, h->timeout,
		    app_health_done, a, why, sizeof why);
		r = a->health.probe == NULL ? -1 : 0;
	}
	/* A check that cannot begin has failed. */
	if (r == -1)
		app_health_done(a, false, why);
}

void
app_health_sync(struct app *a, enum app_state from)
{
	const struct health_spec *h = a->conf.health;

	if (h == NULL)
		return;
	if (a->run.state != APP_ONLINE) {
		app_health_stop(a);
		if (strcmp(a->health.status, "unhealthy") != 0)
			a->health.status = "off";
		return;
	}
	if (from == APP_ONLINE)
		return;
	a->health.status = "starting";
	a->health.failures = 0;
	free(a->health.last);
	a->health.last = NULL;
	app_health_arm(a, h->start_period > 0 ? h->start_period :
	    h->interval);
}

cJSON *
app_health_json(const struct app *a)
{
	const struct health_spec *h = a->conf.health;
	cJSON			*o;

	if (h == NULL)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", a->health.status);
	cJSON_AddStringToObject(o, "kind", health_kind_name(h->kind));
	cJSON_AddNumberToObject(o, "failures", a->health.failures);
	cJSON_AddNumberToObject(o, "retries", h->retries);
	cJSON_AddNumberToObject(o, "checks", (double)a->health.checks);
	if (a->health.last != NULL)
		cJSON_AddStringToObject(o, "last", a->health.last);
	else
		cJSON_AddNullToObject(o, "last");
	if (a->health.restart != NULL)
		cJSON_AddStringToObject(o, "last_restart", a->health.restart);
	else
		cJSON_AddNullToObject(o, "last_restart");
	return (o);
}
