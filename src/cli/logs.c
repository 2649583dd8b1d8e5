/*
 * opm logs and opm flush. The last N lines are read straight from the
 * files, backwards from the offset the daemon reported, so even a 1 GB log
 * costs a few reads; --follow then prints what the daemon streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "tail.h"
#include "parse.h"
#include "xmem.h"

/* Bytes as they are: a NUL must not end the line (no %s here). */
static void
logs_print(void *prefix, const char *line, size_t len)
{
	fputs(prefix, stdout);
	fwrite(line, 1, len, stdout);
	putchar('\n');
}

static void
logs_tail(const char *path, uint64_t size, long long n, const char *prefix)
{
	tail_each(path, size, n, logs_print, (void *)prefix);
}

/* Lines the daemon sent (logs "tail": a remote daemon's files). */
static void
logs_tail_sent(const cJSON *lines, const char *prefix)
{
	const cJSON	*e;
	const char	*why;
	char		*s;

	cJSON_ArrayForEach(e, lines) {
		if ((s = json_bytes_dup(e, &why)) == NULL)
			continue;
		fputs(prefix, stdout);
		fputs(s, stdout);
		putchar('\n');
		free(s);
	}
}

/* A "lines" message of the stream: whole lines, each ended by a newline. */
static void
logs_lines(const cJSON *m, bool prefix)
{
	const char	*text = json_str(m, PROTO_EV_TEXT), *name, *nl;

	if (text == NULL)
		return;
	if (!prefix) {
		fputs(text, stdout);
		return;
	}
	name = json_str(m, PROTO_EV_NAME);
	for (; *text != '\0'; text = nl + 1) {
		/* The daemon ends each line: a last one without is whole. */
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		printf("%s | %.*s\n", name != NULL ? name : "",
		    (int)(nl - text), text);
		if (*nl == '\0')
			break;
	}
}

int
cli_logs(int argc, char **argv)
{
	struct client	 c;
	const cJSON	*e, *ev;
	cJSON		*args = cJSON_CreateObject(), *d, *m, *t = NULL;
	const char	*cause, *stream = NULL, *name, *v;
	char		 label[96];
	long long	 lines = 15;
	bool		 follow = false, prefix, dashdash = false;
	char		 pre[OPM_NAME_MAX + 8];
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && !dashdash) {
			dashdash = true;	/* targets only, from here */
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
		else if (strcmp(argv[i], "--out") == 0)
			stream = "out";
		else if (strcmp(argv[i], "--err") == 0)
			stream = "err";
		else if ((v = cli_lines_arg(argc, argv, &i, "logs")) != NULL) {
			if (parse_int(v, 0, 100000000, &lines, &cause) == -1)
				cli_fatal(EXIT_FAIL, "invalid --lines '%s': "
				    "%s", v, cause);
		} else
			cli_fatal_usage("logs: unknown option %s", argv[i]);
	}
	if (stream != NULL)
		cJSON_AddStringToObject(args, PROTO_ARG_STREAM, stream);
	if (follow) {
		cJSON_AddTrueToObject(args, PROTO_ARG_FOLLOW);
		/* Many lines a message; a daemon that predates it sends one. */
		cJSON_AddTrueToObject(args, PROTO_ARG_BATCH);
	}
	/* A remote daemon's files are not here: it sends the lines. */
	if (cli_remote != NULL)
		cJSON_AddNumberToObject(args, PROTO_ARG_TAIL, (double)lines);
	cli_connect(&c, true);
	d = cli_request(&c, PROTO_CMD_LOGS, args);
	prefix = t == NULL || cJSON_GetArraySize(d) > 1;
	cJSON_ArrayForEach(e, d) {
		name = render_label(e, label, sizeof label);
		snprintf(pre, sizeof pre, "%s | ", name);
		if (cli_remote != NULL) {
			logs_tail_sent(cJSON_GetObjectItem(e, "out_tail"),
			    prefix ? pre : "");
			logs_tail_sent(cJSON_GetObjectItem(e, "err_tail"),
			    prefix ? pre : "");
			continue;
		}
		if (json_str(e, "out_log") != NULL)
			logs_tail(json_str(e, "out_log"), (uint64_t)
			    cJSON_GetObjectItem(e, "out_size")->valuedouble,
			    lines, prefix ? pre : "");
		if (json_str(e, "err_log") != NULL)
			logs_tail(json_str(e, "err_log"), (uint64_t)
			    cJSON_GetObjectItem(e, "err_size")->valuedouble,
			    lines, prefix ? pre : "");
	}
	cJSON_Delete(d);
	fflush(stdout);
	/* A quiet app is no hung daemon: the stream may idle forever. */
	client_set_timeout(&c, false);
	while (follow) {
		if ((m = client_recv(&c, &cause)) == NULL)
			cli_fatal(EXIT_NODAEMON, "%s", cause);
		ev = cJSON_GetObjectItem(m, PROTO_EVENT);
		if (cJSON_IsString(ev) &&
		    strcmp(ev->valuestring, PROTO_EVENT_LINES) == 0)
			logs_lines(m, prefix);
		else if (cJSON_IsString(ev) &&
		    strcmp(ev->valuestring, PROTO_EVENT_LINE) == 0)
			printf("%s%s%s\n",
			    prefix ? json_str(m, PROTO_EV_NAME) : "",
			    prefix ? " | " : "", json_str(m, PROTO_EV_LINE));
		else if (cJSON_IsString(ev))
			fprintf(stderr, "%s\n", json_str(m, PROTO_EV_TEXT) ?
			    json_str(m, PROTO_EV_TEXT) : "");
		fflush(stdout);
		cJSON_Delete(m);
	}
	client_close(&c);
	return (0);
}

int
cli_flush(int argc, char **argv)
{
	cJSON		*args = NULL, *d, *t;
	const cJSON	*e;
	int		 i;
	bool		 dashdash = false;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && !dashdash) {
			dashdash = true;	/* targets only, from here */
			continue;
		}
		if (argv[i][0] == '-' && !dashdash)
			cli_fatal_usage("flush: unknown option %s", argv[i]);
		if (args == NULL) {
			args = cJSON_CreateObject();
			t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
		}
		cJSON_AddItemToArray(t, cJSON_CreateString(argv[i]));
	}
	d = cli_call(PROTO_CMD_FLUSH, args);
	cJSON_ArrayForEach(e, d)
		printf("%s: logs emptied\n", e->valuestring);
	cJSON_Delete(d);
	return (0);
}
