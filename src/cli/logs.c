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

/* text[0..len) of a "lines" message: whole lines, each ended by \n. */
static void
logs_text(const char *name, const char *text, size_t len, bool prefix)
{
	const char	*end = text + len, *nl;

	if (!prefix) {
		fwrite(text, 1, len, stdout);
		return;
	}
	for (; text < end; text = nl + 1) {
		/* The daemon ends each line: a last one without is whole. */
		if ((nl = memchr(text, '\n', end - text)) == NULL)
			nl = end;
		printf("%s | %.*s\n", name, (int)(nl - text), text);
	}
}

static void
logs_lines(const cJSON *m, bool prefix)
{
	const char	*text = json_str(m, PROTO_EV_TEXT);
	const char	*name = json_str(m, PROTO_EV_NAME);

	if (text != NULL)
		logs_text(name != NULL ? name : "", text, strlen(text), prefix);
}

static int
logs_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * The JSON string at s (after its opening quote), unescaped in place to
 * its start, *n bytes; returns the byte after its closing quote, or NULL
 * for what this does not take (\u beyond ASCII, a bad escape, no end).
 */
static char *
logs_unescape(char *s, char *end, size_t *n)
{
	char	*d = s, *start = s, *q = NULL, *bs;
	int	 hi, lo;

	for (;;) {
		if (q == NULL || q < s) {
			if ((q = memchr(s, '"', end - s)) == NULL)
				return (NULL);
		}
		if ((bs = memchr(s, '\\', q - s)) == NULL) {
			memmove(d, s, q - s);
			d += q - s;
			*n = d - start;
			return (q + 1);
		}
		memmove(d, s, bs - s);
		d += bs - s;
		s = bs + 1;
		if (end - s < 1)
			return (NULL);
		switch (*s) {
		case '"':
		case '\\':
		case '/':
			*d++ = *s;
			break;
		case 'b':
			*d++ = '\b';
			break;
		case 'f':
			*d++ = '\f';
			break;
		case 'n':
			*d++ = '\n';
			break;
		case 'r':
			*d++ = '\r';
			break;
		case 't':
			*d++ = '\t';
			break;
		case 'u':
			if (end - s < 5 || s[1] != '0' || s[2] != '0' ||
			    (hi = logs_hex(s[3])) < 0 || hi > 7 ||
			    (lo = logs_hex(s[4])) < 0 ||
			    (hi == 0 && lo == 0))
				return (NULL);
			*d++ = (char)(hi << 4 | lo);
			s += 4;
			break;
		default:
			return (NULL);
		}
		s++;
	}
}

/*
 * A "lines" message as the daemon writes it (src/daemon/logf.c,
 * logf_buf_head: these keys in this order), printed without cJSON, whose
 * string parser was most of a follower's time in a flood. false for any
 * other line, which the caller then parses whole.
 */
static bool
logs_fast(char *line, size_t len, bool prefix)
{
	static const char	 head[] = "{\"event\":\"lines\",\"name\":\"";
	char			*p = line + sizeof head - 1, *end = line + len;
	char			*name, *text;
	size_t			 n, tn;

	if (len < sizeof head - 1 || memcmp(line, head, sizeof head - 1) != 0 ||
	    !parse_utf8_ok(line, len))
		return (false);
	name = p;
	if ((p = logs_unescape(p, end, &n)) == NULL || end - p < 11 ||
	    memcmp(p, ",\"stream\":\"", 11) != 0)
		return (false);
	name[n] = '\0';
	if ((p = logs_unescape(p + 11, end, &n)) == NULL || end - p < 9 ||
	    memcmp(p, ",\"text\":\"", 9) != 0)
		return (false);
	text = p + 9;
	if ((p = logs_unescape(text, end, &tn)) == NULL || end - p != 1 ||
	    *p != '}')
		return (false);
	logs_text(name, text, tn, prefix);
	return (true);
}

int
cli_logs(int argc, char **argv)
{
	struct client	 c;
	const cJSON	*e, *ev;
	cJSON		*args = cJSON_CreateObject(), *d, *m, *t = NULL;
	const char	*cause, *stream = NULL, *name, *v;
	char		 label[96], perr[128], *raw;
	size_t		 rawlen;
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
		if ((raw = client_recv_line(&c, &rawlen, &cause)) == NULL)
			cli_fatal(EXIT_NODAEMON, "%s", cause);
		if (logs_fast(raw, rawlen, prefix)) {
			free(raw);
			fflush(stdout);
			continue;
		}
		m = json_parse(raw, rawlen, perr, sizeof perr);
		free(raw);
		if (m == NULL)
			cli_fatal(EXIT_NODAEMON, "malformed reply from the "
			    "daemon");
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
