/*
 * The app object of list and info (docs/PROTOCOL.md, "App objects"): the record as
 * users see it, with memory and CPU sampled from /proc now (its whole tree,
 * orphans included: app-tree.c, as max_memory_restart sees it).
 */
#include <stdlib.h>

#include "app.h"
#include "log.h"
#include "json.h"
#include "logf.h"
#include "parse.h"
#include "proc.h"
#include "xmem.h"

/*
 * The members list shows, written as text: a list of 10,000 apps built
 * and freed 300,000 cJSON nodes (and printed each number with sprintf and
 * sscanf), most of its time. app_to_json parses the same text, so that
 * list, info and start show one shape.
 */
void
app_json_write(struct json_buf *b, struct app *a)
{
	struct proc_stats	 ps;
	uint64_t		 now = app_now(), up = 0;
	size_t			 i;
	double			 cpu = 0;
	char			**v, **mine = NULL, why[512];
	char			*script[2] = { a->conf.script, NULL };

	json_put(b, "{", 1);
	json_put_int(b, "id", a->id);
	json_put_str(b, "name", a->conf.name);
	json_put_key(b, "instance");
	if (a->instance >= 0)
		json_put_number(b, a->instance);
	else
		json_put(b, "null", 4);
	json_put_str(b, "status", sup_state_name(a->run.state));
	json_put_key(b, "pid");
	if (a->run.pid > 0)
		json_put_number(b, a->run.pid);
	else
		json_put(b, "null", 4);
	json_put_int(b, "restarts", a->run.restarts);
	json_put_key(b, "restarts_by_cause");
	json_put(b, "{", 1);
	for (i = 0; i < SUP_NCAUSES; i++)
		json_put_int(b, sup_cause_name(i), a->run.restarts_by[i]);
	json_put(b, "}", 1);
	if (a->run.pid > 0)
		up = now - a->run.started;
	json_put_key(b, "uptime_ms");
	json_put_number(b, (double)up);
	json_put_key(b, "exit_code");
	if (a->run.has_exit && a->run.exit_signal == 0 && !a->run.exit_unknown)
		json_put_number(b, a->run.exit_code);
	else
		json_put(b, "null", 4);
	json_put_str(b, "exit_signal", a->run.has_exit &&
	    a->run.exit_signal != 0 ? parse_signame(a->run.exit_signal) :
	    NULL);
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
	json_put_key(b, "argv");
	json_put(b, "[", 1);
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			json_put(b, ",", 1);
		json_put_string(b, v[i]);
	}
	json_put(b, "]", 1);
	xfreev(mine);
	json_put_str(b, "cwd", a->conf.cwd ? a->conf.cwd : "/");
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
	json_put_key(b, "memory_bytes");
	json_put_number(b, (double)ps.rss);
	json_put_key(b, "cpu_percent");
	json_put_number(b, (double)(long)(cpu * 10) / 10.0);
	json_put_str(b, "out_log", logf_path(a->out));
	json_put_str(b, "err_log", logf_path(a->err));
	json_put_str(b, "reason", a->run.reason);
	json_put_key(b, "ready");
	if (app_ready_is(a))
		json_put(b, "true", 4);
	else
		json_put(b, "false", 5);
	json_put(b, "}", 1);
}

cJSON *
app_to_json(struct app *a, bool detail)
{
	struct json_buf	 b = { NULL, 0, 0, false };
	cJSON		*o;

	app_json_write(&b, a);
	json_put(&b, "", 1);
	if ((o = cJSON_Parse(b.s)) == NULL)
		fatalx("%s: %s: cannot parse its own object", __func__,
		    a->label);
	free(b.s);
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
