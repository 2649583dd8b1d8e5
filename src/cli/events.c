/*
 * opm events and opm metrics. events prints the events the daemon kept
 * (one line each, or with --json one object a line as the daemon sends
 * them), then with --follow every later one; metrics prints the daemon's
 * Prometheus text as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"

/* One event as a line for a person. */
static void
events_print(const cJSON *e, bool json)
{
	const cJSON	*seq = cJSON_GetObjectItem(e, "seq");
	const cJSON	*inst = cJSON_GetObjectItem(e, "instance");
	const char	*cause = json_str(e, "cause");
	char		*s;

	if (json) {
		if ((s = cJSON_PrintUnformatted(e)) != NULL)
			printf("%s\n", s);
		cJSON_free(s);
		return;
	}
	printf("%s ", json_str(e, "time") ? json_str(e, "time") : "-");
	if (cJSON_IsNumber(seq))
		printf("#%.0f ", seq->valuedouble);
	else
		printf("- ");
	if (json_str(e, "app") != NULL && cJSON_IsNumber(inst))
		printf("%s:%.0f ", json_str(e, "app"), inst->valuedouble);
	else if (json_str(e, "app") != NULL)
		printf("%s ", json_str(e, "app"));
	else
		printf("opmd ");
	printf("%s: %s", json_str(e, "event") ? json_str(e, "event") : "?",
	    json_str(e, "reason") ? json_str(e, "reason") : "");
	if (cause != NULL && strcmp(json_str(e, "event") ? json_str(e,
	    "event") : "", "restart") != 0)
		printf(" (cause %s)", cause);
	printf("\n");
}

int
cli_events(int argc, char **argv)
{
	struct client	 c;
	const cJSON	*e;
	cJSON		*args = cJSON_CreateObject(), *d, *m, *t = NULL;
	const char	*cause, *v;
	long long	 lines = -1;
	bool		 follow = false, json = false, dashdash = false;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && !dashdash) {
			dashdash = true;
			continue;
		}
		if (dashdash || argv[i][0] != '-') {
			if (t == NULL)
				t = cJSON_AddArrayToObject(args,
				    PROTO_ARG_TARGET);
			cJSON_AddItemToArray(t, cJSON_CreateString(argv[i]));
		} else if (strcmp(argv[i], "--follow") == 0 ||
		    strcmp(argv[i], "-f") == 0)
			follow = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if ((v = cli_lines_arg(argc, argv, &i, "events")) !=
		    NULL) {
			if (parse_int(v, 0, 1000, &lines, &cause) == -1)
				cli_fatal(EXIT_FAIL, "invalid --lines '%s': %s "
				    "(the daemon keeps the last 1000)", v,
				    cause);
		} else
			cli_fatal_usage("events: unknown option %s", argv[i]);
	}
	/* Following, the recent past is context: the last 10. */
	if (lines == -1)
		lines = follow ? 10 : 0;
	if (lines > 0)
		cJSON_AddNumberToObject(args, PROTO_ARG_LIMIT, (double)lines);
	else if (follow)
		cJSON_AddNumberToObject(args, PROTO_ARG_SINCE, 9007199254740991.0);
	if (follow)
		cJSON_AddTrueToObject(args, PROTO_ARG_FOLLOW);
	cli_connect(&c, true);
	d = cli_request(&c, PROTO_CMD_EVENTS, args);
	cJSON_ArrayForEach(e, d)
		events_print(e, json);
	cJSON_Delete(d);
	fflush(stdout);
	/* A quiet daemon is no hung daemon: the stream may idle forever. */
	client_set_timeout(&c, false);
	while (follow) {
		if ((m = client_recv(&c, &cause)) == NULL)
			cli_fatal(EXIT_NODAEMON, "%s", cause);
		events_print(m, json);
		fflush(stdout);
		cJSON_Delete(m);
	}
	client_close(&c);
	return (0);
}

int
cli_metrics(int argc, char **argv)
{
	cJSON	*d;
	bool	 json = false;
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			cli_fatal_usage("metrics: takes no arguments but "
			    "--json");
	}
	d = cli_call(PROTO_CMD_METRICS, NULL);
	if (json)
		render_json(d);
	else if (json_str(d, "text") != NULL)
		fputs(json_str(d, "text"), stdout);
	cJSON_Delete(d);
	return (0);
}
