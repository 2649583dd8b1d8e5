/*
 * The dump brought up as a reconciliation, for opm restore and for a boot
 * with --restore. For every app of the dump: one of that name already here
 * is left alone (its pid, uptime and counters are live state and win); a
 * missing one is created, with its saved id when free, and brought to its
 * saved desired state. Apps not in the dump are not touched. Run twice, or
 * from two shells at once, it cannot create anything twice: the loop runs
 * one request at a time and names are unique. Restored apps start with
 * restarts = 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"		/* cmd_apps_room_all: what replies can carry */
#include "dump.h"
#include "log.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

static void
app_restore_result(cJSON *out, const char *name, struct app *a,
    const char *action, const char *reason)
{
	cJSON	*o = a != NULL ? app_to_json(a, false) : cJSON_CreateObject();

	if (a == NULL)
		cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, PROTO_ACTION, action);
	if (reason != NULL) {
		cJSON_DeleteItemFromObject(o, PROTO_REASON);
		cJSON_AddStringToObject(o, PROTO_REASON, reason);
	}
	cJSON_AddItemToArray(out, o);
}

/*
 * Created first, then started in dependency order (app_start_ordered),
 * so that an app never waits on one the dump creates after it; the result
 * says what became of each, in the dump's order.
 */
/* The result of one restored app (one instance). */
static void
app_restore_one(cJSON *out, const char *name, struct app *a, bool running)
{
	/* Not saved running, unless a dependent started it. */
	if (!running && a->run.state == APP_STOPPED)
		app_restore_result(out, name, a, "restored stopped", NULL);
	else if (a->run.state == APP_ERRORED)
		app_restore_result(out, name, a, PROTO_ACTION_FAILED,
		    a->run.reason);
	else if (a->run.dep_wait)
		app_restore_result(out, name, a, "waiting", a->run.reason);
	else
		app_restore_result(out, name, a, "started", NULL);
}

cJSON *
app_restore(const char *path, char *cause, size_t clen)
{
	struct dump_entry	*e;
	struct app		*a, **starts;
	cJSON			*out;
	char			 name[OPM_NAME_MAX + 1];
	size_t			 n, i, nstarts = 0, napps = 1;
	size_t			 total = cmd_apps_bytes();
	int			*ids, one;

	if (dump_read(path, &e, &n, cause, clen) == -1)
		return (NULL);
	out = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		napps += e[i].conf.instances > 0 ? e[i].conf.instances : 1;
	starts = xcalloc(napps, sizeof *starts);
	ids = xcalloc(n + 1, sizeof *ids);
	/* Every app is created first, then started: dependencies first. */
	for (i = 0; i < n; i++) {
		ids[i] = -1;
		strlcpy(name, e[i].conf.name, sizeof name);
		if (e[i].error[0] == '\0' && !parse_name_new_ok(name))
			snprintf(e[i].error, sizeof e[i].error, "name: '%s' must "
			    "not begin with '-' (rename it in the dump)", name);
		if (e[i].error[0] != '\0' || app_find_name(name) != NULL)
			continue;
		one = e[i].id;
		if (cmd_apps_room_all(&total, &e[i].conf, e[i].error,
		    sizeof e[i].error) == -1 || (a = app_create_group(
		    &e[i].conf, e[i].ids != NULL ? e[i].ids : &one,
		    e[i].ids != NULL ? e[i].nids : 1, e[i].error,
		    sizeof e[i].error)) == NULL)
			continue;
		ids[i] = a->id;
		/* Kept even if it cannot start, so a later save keeps it. */
		for (; e[i].running && a != NULL; a = app_next_same(a))
			starts[nstarts++] = a;
	}
	app_start_ordered(starts, nstarts);
	for (i = 0; i < n; i++) {
		/* A created app took the name with its configuration. */
		a = ids[i] != -1 ? app_find_id(ids[i]) : NULL;
		strlcpy(name, a != NULL ? a->conf.name : e[i].conf.name,
		    sizeof name);
		if (ids[i] == -1 && e[i].error[0] == '\0' &&
		    (a = app_find_name(name)) != NULL) {
			app_restore_result(out, name, a, "already present",
			    NULL);
			continue;
		}
		if (a == NULL) {
			app_restore_result(out, name[0] ? name : "?", NULL,
			    PROTO_ACTION_FAILED, e[i].error[0] ? e[i].error :
			    "deleted meanwhile");
			continue;
		}
		for (; a != NULL; a = app_next_same(a))
			app_restore_one(out, name, a, e[i].running);
	}
	free(starts);
	free(ids);
	dump_free(e, n);
	log_info("restored from %s", path);
	return (out);
}
