/*
 * opm apply FILE [--prune] [--dry-run] [--json]: one apply request (the
 * daemon plans and acts, src/daemon/cmd-apply.c), its plan printed one app
 * a line, or as the reply's JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"

/* Prints "NAME: what" for each entry of the plan's list key. */
static int
apply_print(const cJSON *plan, const char *key, const char *what)
{
	const cJSON	*e, *k;
	int		 n = 0;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(plan, key)) {
		n++;
		if (cJSON_IsString(e)) {
			printf("%s: %s\n", e->valuestring, what);
			continue;
		}
		printf("%s: %s (", json_str(e, "name"), what);
		cJSON_ArrayForEach(k, cJSON_GetObjectItem(e, "keys"))
			printf("%s%s", k == cJSON_GetObjectItem(e,
			    "keys")->child ? "" : ", ", k->valuestring);
		printf(")\n");
	}
	return (n);
}

int
cli_apply(int argc, char **argv)
{
	const cJSON	*e;
	cJSON		*args, *d, *over;
	const char	*file = NULL;
	bool		 json = false, prune = false, dry = false;
	int		 i, n, failed = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--prune") == 0)
			prune = true;
		else if (strcmp(argv[i], "--dry-run") == 0 ||
		    strcmp(argv[i], "-n") == 0)
			dry = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			cli_fatal_usage("apply: unknown option %s", argv[i]);
		else if (file != NULL)
			cli_fatal_usage("apply: takes one FILE");
		else
			file = argv[i];
	}
	if (file == NULL)
		cli_fatal_usage("apply: missing FILE");
	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE, cli_env_base(true));
	over = cJSON_CreateObject();
	cli_start_file(file, over, args);
	cJSON_Delete(over);
	cJSON_AddBoolToObject(args, PROTO_ARG_PRUNE, prune);
	cJSON_AddBoolToObject(args, PROTO_ARG_DRY_RUN, dry);
	d = cli_call(PROTO_CMD_APPLY, args);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "failed"))
		failed++;
	if (json) {
		render_json(d);
	} else {
		n = apply_print(d, "created", dry ? "to create" : "created");
		n += apply_print(d, "changed", dry ? "to change" : "changed");
		n += apply_print(d, "deleted", dry ? "to delete" : "deleted");
		if (n == 0)
			printf("nothing to change (%d app%s unchanged)\n",
			    cJSON_GetArraySize(cJSON_GetObjectItem(d,
			    "unchanged")), cJSON_GetArraySize(
			    cJSON_GetObjectItem(d, "unchanged")) == 1 ? "" :
			    "s");
		else
			apply_print(d, "unchanged", "unchanged");
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "failed"))
		fprintf(stderr, "opm: %s: %s\n", json_str(e, "name"),
		    json_str(e, PROTO_REASON));
	cJSON_Delete(d);
	return (failed > 0 ? EXIT_FAIL : 0);
}
