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
#include <string.h>

#include "app.h"
#include "cmd.h"		/* cmd_apps_room: what replies can carry */
#include "dump.h"
#include "log.h"
#include "parse.h"
#include "protocol.h"

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

cJSON *
app_restore(const char *path, char *cause, size_t clen)
{
	struct dump_entry	*e;
	struct app		*a;
	cJSON			*out;
	char			 name[OPM_NAME_MAX + 1];
	size_t			 n, i, total = cmd_apps_bytes();
	int			 ids[1];

	if (dump_read(path, &e, &n, cause, clen) == -1)
		return (NULL);
	out = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		strlcpy(name, e[i].conf.name, sizeof name);
		if (e[i].error[0] == '\0' && !parse_name_new_ok(name))
			snprintf(e[i].error, sizeof e[i].error, "name: '%s' must "
			    "not begin with '-' (rename it in the dump)", name);
		if (e[i].error[0] != '\0') {
			app_restore_result(out, name[0] ? name : "?", NULL,
			    PROTO_ACTION_FAILED, e[i].error);
			continue;
		}
		if ((a = app_find_name(name)) != NULL) {
			app_restore_result(out, name, a, "already present",
			    NULL);
			continue;
		}
		ids[0] = e[i].id;
		if (cmd_apps_room(&total, &e[i].conf, cause, clen) == -1 ||
		    (a = app_create_group(&e[i].conf, e[i].ids != NULL ?
		    e[i].ids : ids, e[i].ids != NULL ? e[i].nids : 1, cause,
		    clen)) == NULL) {
			app_restore_result(out, name, NULL,
			    PROTO_ACTION_FAILED, cause);
			continue;
		}
		if (!e[i].running) {
			for (; a != NULL; a = app_next_same(a))
				app_restore_result(out, name, a,
				    "restored stopped", NULL);
			continue;
		}
		/* Kept even if it cannot start, so a later save keeps it. */
		for (; a != NULL; a = app_next_same(a)) {
			app_event(a, EV_START);
			app_restore_result(out, name, a, a->run.state ==
			    APP_ERRORED ? PROTO_ACTION_FAILED : "started",
			    a->run.state == APP_ERRORED ? a->run.reason : NULL);
		}
	}
	dump_free(e, n);
	log_info("restored from %s", path);
	return (out);
}

