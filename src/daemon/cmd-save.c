/*
 * save: write the dump of every app's configuration and desired state. An
 * app with instances is one entry, instances: N, with the id of each
 * instance in "ids"; it is desired running when one of them is.
 */
#include <stdio.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "dump.h"
#include "log.h"

/* The entry of app a, every instance of it when it has instances. */
static cJSON *
cmd_save_entry(struct app *a)
{
	struct app	*b;
	cJSON		*o, *ids;
	bool		 running = false;

	for (b = a; b != NULL && !running; b = app_next_same(b))
		running = app_desired_running(b);
	o = dump_entry_json(a->id, running, &a->conf);
	if (a->instance < 0)
		return (o);
	ids = cJSON_AddArrayToObject(o, "ids");
	for (b = a; b != NULL; b = app_next_same(b))
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(b->id));
	return (o);
}

enum cmd_retval
cmd_save(struct cmd_ctx *ctx)
{
	const struct paths	*p = daemon_paths();
	struct app		*a;
	cJSON			*arr = cJSON_CreateArray(), *d;
	char			 cause[512];

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->instance >= 0 && app_find_name(a->conf.name) != a)
			continue;	/* saved with its first instance */
		cJSON_AddItemToArray(arr, cmd_save_entry(a));
	}
	if (dump_write(p->dump, arr, cause, sizeof cause) == -1) {
		log_warnx("save: %s", cause);
		cmd_error(ctx, "cannot save: %s", cause);
		cJSON_Delete(arr);
		return (CMD_DONE);
	}
	log_info("saved %d apps to %s", cJSON_GetArraySize(arr), p->dump);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "path", p->dump);
	cJSON_AddNumberToObject(d, "apps", cJSON_GetArraySize(arr));
	cJSON_Delete(arr);
	cmd_ok(ctx, d);
	return (CMD_DONE);
}
