/*
 * restore: a reconciliation inside the daemon, in one request. For every
 * app of the dump: one of that name already here is left alone (its pid,
 * uptime and counters are live state and win); a missing one is created,
 * with its saved id when free, and brought to its saved desired state.
 * Apps not in the dump are not touched. Run twice, or from two shells at
 * once, it cannot create anything twice: the loop runs one request at a
 * time and names are unique. Restored apps start with restarts = 0.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "dump.h"
#include "log.h"
#include "parse.h"

static void
cmd_restore_result(cJSON *out, const char *name, struct app *a,
    const char *action, const char *reason)
{
	cJSON	*o = a != NULL ? app_to_json(a, false) : cJSON_CreateObject();

	if (a == NULL)
		cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "action", action);
	if (reason != NULL) {
		cJSON_DeleteItemFromObject(o, "reason");
		cJSON_AddStringToObject(o, "reason", reason);
	}
	cJSON_AddItemToArray(out, o);
}

cJSON *
restore_apply(const char *path, char *cause, size_t clen)
{
	struct dump_entry	*e;
	struct app		*a;
	cJSON			*out;
	char			 name[OPM_NAME_MAX + 1];
	size_t			 n, i;

	if (dump_read(path, &e, &n, cause, clen) == -1)
		return (NULL);
	out = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		strlcpy(name, e[i].conf.name, sizeof name);
		if (e[i].error[0] == '\0' && !parse_name_new_ok(name))
			snprintf(e[i].error, sizeof e[i].error, "name: '%s' must "
			    "not begin with '-' (rename it in the dump)", name);
		if (e[i].error[0] != '\0') {
			cmd_restore_result(out, name[0] ? name : "?", NULL,
			    "failed", e[i].error);
			continue;
		}
		if ((a = app_find_name(name)) != NULL) {
			cmd_restore_result(out, name, a, "already present",
			    NULL);
			continue;
		}
		if ((a = app_create(&e[i].conf, e[i].id, cause,
		    clen)) == NULL) {
			cmd_restore_result(out, name, NULL, "failed", cause);
			continue;
		}
		if (!e[i].running) {
			cmd_restore_result(out, name, a, "restored stopped",
			    NULL);
			continue;
		}
		/* Kept even if it cannot start, so a later save keeps it. */
		app_event(a, EV_START);
		cmd_restore_result(out, name, a, a->state == APP_ERRORED ?
		    "failed" : "started", a->state == APP_ERRORED ?
		    a->reason : NULL);
	}
	dump_free(e, n);
	log_info("restored from %s", path);
	return (out);
}

enum cmd_retval
cmd_restore(struct cmd_ctx *ctx)
{
	const struct paths	*p = daemon_paths();
	char			 path[sizeof p->dump + 8], cause[512];
	cJSON			*out;

	snprintf(path, sizeof path, "%s%s", p->dump,
	    cJSON_IsTrue(cJSON_GetObjectItem(ctx->args, "from_backup")) ?
	    ".bak" : "");
	if ((out = restore_apply(path, cause, sizeof cause)) == NULL)
		cmd_error(ctx, "%s", cause);
	else
		cmd_ok(ctx, out);
	return (CMD_DONE);
}
