/* save: write the dump of every app's configuration and desired state. */
#include <stdio.h>

#include "app.h"
#include "cmd.h"
#include "daemon.h"
#include "dump.h"
#include "log.h"

enum cmd_retval
cmd_save(struct cmd_ctx *ctx)
{
	const struct paths	*p = daemon_paths();
	struct app		*a;
	cJSON			*arr = cJSON_CreateArray(), *d;
	char			 cause[512];

	TAILQ_FOREACH(a, &apps, entry)
		cJSON_AddItemToArray(arr, dump_entry_json(a->id,
		    app_desired_running(a), &a->conf));
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
