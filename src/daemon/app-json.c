/*
 * The app object of list and info (docs/PROTOCOL.md, "App objects"): the record as
 * users see it, with memory and CPU sampled from /proc now (its whole tree,
 * orphans included: app-tree.c, as max_memory_restart sees it).
 */
#include "app.h"
#include "json.h"
#include "logf.h"
#include "parse.h"
#include "proc.h"
#include "xmem.h"

cJSON *
app_to_json(struct app *a, bool detail)
{
	struct proc_stats	 ps;
	cJSON			*o = cJSON_CreateObject(), *argv, *by;
	uint64_t		 now = app_now(), up = 0;
	size_t			 i;
	double			 cpu = 0;
	char			**v, **mine = NULL, why[512];
	char			*script[2] = { a->conf.script, NULL };

	cJSON_AddNumberToObject(o, "id", a->id);
	cJSON_AddStringToObject(o, "name", a->conf.name);
	if (a->instance >= 0)
		cJSON_AddNumberToObject(o, "instance", a->instance);
	else
		cJSON_AddNullToObject(o, "instance");
	cJSON_AddStringToObject(o, "status", sup_state_name(a->run.state));
	if (a->run.pid > 0)
		cJSON_AddNumberToObject(o, "pid", a->run.pid);
	else
		cJSON_AddNullToObject(o, "pid");
	cJSON_AddNumberToObject(o, "restarts", a->run.restarts);
	by = cJSON_AddObjectToObject(o, "restarts_by_cause");
	for (i = 0; i < SUP_NCAUSES; i++)
		cJSON_AddNumberToObject(by, sup_cause_name(i),
		    a->run.restarts_by[i]);
	if (a->run.pid > 0)
		up = now - a->run.started;
	cJSON_AddNumberToObject(o, "uptime_ms", (double)up);
	if (a->run.has_exit && a->run.exit_signal == 0 && !a->run.exit_unknown)
		cJSON_AddNumberToObject(o, "exit_code", a->run.exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (a->run.has_exit && a->run.exit_signal != 0)
		cJSON_AddStringToObject(o, "exit_signal",
		    parse_signame(a->run.exit_signal));
	else
		cJSON_AddNullToObject(o, "exit_signal");
	/*
	 * Strings, as the JSON shape promises: a word that is not UTF-8 is
	 * shown with U+FFFD (json_line repairs it); export and the dump keep
	 * its bytes.
	 */
	/* What the last spawn ran, else what a spawn would run now. */
	if ((v = a->argv) == NULL)
		v = mine = app_argv(&a->conf, why, sizeof why);
	if (v == NULL && a->conf.script != NULL)
		v = script;
	argv = cJSON_AddArrayToObject(o, "argv");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		cJSON_AddItemToArray(argv, cJSON_CreateString(v[i]));
	xfreev(mine);
	cJSON_AddStringToObject(o, "cwd", a->conf.cwd ? a->conf.cwd : "/");
	if (app_tree_stats(a, &ps) == 0) {
		if (a->cpu_when != 0 && now > a->cpu_when &&
		    ps.cpu_ticks >= a->cpu_ticks)
			cpu = (ps.cpu_ticks - a->cpu_ticks) * 1000.0 /
			    proc_hz() / (now - a->cpu_when) * 100.0;
		else if (up > 0)
			cpu = ps.cpu_ticks * 1000.0 / proc_hz() / up * 100.0;
		a->cpu_ticks = ps.cpu_ticks;
		a->cpu_when = now;
	} else
		ps.rss = 0;
	cJSON_AddNumberToObject(o, "memory_bytes", (double)ps.rss);
	cJSON_AddNumberToObject(o, "cpu_percent", (double)(long)(cpu * 10) /
	    10.0);
	cJSON_AddStringToObject(o, "out_log", logf_path(a->out));
	cJSON_AddStringToObject(o, "err_log", logf_path(a->err));
	cJSON_AddStringToObject(o, "reason", a->run.reason);
	cJSON_AddBoolToObject(o, "ready", app_ready_is(a));
	if (detail) {
		if (a->ready.status[0] != '\0' && sup_running(a->run.state))
			cJSON_AddStringToObject(o, "status_text",
			    a->ready.status);
		else
			cJSON_AddNullToObject(o, "status_text");
		cJSON_AddNumberToObject(o, "failed_starts", a->run.fails);
		if (a->note[0] != '\0')
			cJSON_AddStringToObject(o, "note", a->note);
		else if (app_watch_problem(a) != NULL)
			cJSON_AddStringToObject(o, "note",
			    app_watch_problem(a));
		else
			cJSON_AddNullToObject(o, "note");
		cJSON_AddItemToObject(o, "config", conf_to_json(&a->conf));
		cJSON_AddItemToObject(o, "listen", app_listen_json(a));
		app_prod_json(a, o);
		cJSON_AddItemToObject(o, "next_run", app_cron_json(a));
		cJSON_AddItemToObject(o, "watch", app_watch_json(a));
		cJSON_AddItemToObject(o, "memory_limit", app_memory_json(a));
		cJSON_AddItemToObject(o, "health", app_health_json(a));
	}
	return (o);
}
