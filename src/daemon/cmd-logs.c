/*
 * logs: where each target's logs are and how far the daemon has written
 * them; with follow, every later line is streamed on this connection. The
 * follower is registered before the reply, so the CLI reads the file up to
 * the offset given here and then the stream: no gap, no line twice.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "logf.h"
#include "parse.h"
#include "protocol.h"
#include "tail.h"

/*
 * Whether an earlier target of ctx writes lf: instances with merge_logs
 * share their files, read (and followed) once.
 */
static bool
cmd_logs_seen(struct cmd_ctx *ctx, size_t i, const struct logfile *lf)
{
	struct app	*b;
	size_t		 j;

	for (j = 0; j < i; j++) {
		b = app_find_id(ctx->ids[j]);
		if (b->out == lf || b->err == lf)
			return (true);
	}
	return (false);
}

/* Most bytes of one file's tail sent in a reply. */
#define CMD_LOGS_TAIL_MAX	(1024 * 1024)

/* The last n lines of lf as key: an array of byte strings. */
static void
cmd_logs_tail(cJSON *o, const char *key, struct logfile *lf, long long n)
{
	cJSON	*arr = cJSON_AddArrayToObject(o, key);
	char	*buf, *p, *nl;
	size_t	 len;

	if ((buf = tail_read(logf_path(lf), logf_size(lf), n,
	    CMD_LOGS_TAIL_MAX, &len)) == NULL)
		return;
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', buf + len - p)) == NULL)
			nl = buf + len;
		*nl = '\0';
		/* A NUL cannot travel: the line up to it. */
		cJSON_AddItemToArray(arr, json_bytes(p));
	}
	free(buf);
}

enum cmd_retval
cmd_logs(struct cmd_ctx *ctx)
{
	const char	*stream = json_str(ctx->args, PROTO_ARG_STREAM);
	bool		 follow, batch, out, err;
	struct app	*a;
	cJSON		*arr, *o;
	size_t		 i;

	const cJSON	*t;
	long long	 tail = -1;

	follow = cJSON_IsTrue(cJSON_GetObjectItem(ctx->args, PROTO_ARG_FOLLOW));
	batch = cJSON_IsTrue(cJSON_GetObjectItem(ctx->args, PROTO_ARG_BATCH));
	t = cJSON_GetObjectItem(ctx->args, PROTO_ARG_TAIL);
	if (t != NULL && !json_is_int(t, 0, 100000000)) {
		cmd_error(ctx, "tail: must be a number of lines, 0 to "
		    "100000000");
		return (CMD_DONE);
	}
	if (t != NULL)
		tail = (long long)t->valuedouble;
	out = stream == NULL || strcmp(stream, "err") != 0;
	err = stream == NULL || strcmp(stream, "out") != 0;
	if (cJSON_GetObjectItem(ctx->args, PROTO_ARG_TARGET) != NULL) {
		if (cmd_targets(ctx) == -1)
			return (CMD_DONE);
	} else {
		cmd_add_all(ctx);
		/* As pm2 logs: apps started later are followed too. */
		if (follow)
			logf_follow_all(ctx->client, out, err, batch);
	}
	arr = cJSON_CreateArray();
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", a->id);
		cJSON_AddStringToObject(o, "name", a->conf.name);
		if (a->instance >= 0)
			cJSON_AddNumberToObject(o, "instance", a->instance);
		else
			cJSON_AddNullToObject(o, "instance");
		if (out && !cmd_logs_seen(ctx, i, a->out)) {
			cJSON_AddStringToObject(o, "out_log", logf_path(a->out));
			cJSON_AddNumberToObject(o, "out_size",
			    (double)logf_size(a->out));
			if (tail >= 0)
				cmd_logs_tail(o, "out_tail", a->out, tail);
			if (follow)
				logf_follow(a->out, ctx->client, batch);
		}
		/* out_file = error_file: one file, read once. */
		if (err && (!out || a->err != a->out) &&
		    !cmd_logs_seen(ctx, i, a->err)) {
			cJSON_AddStringToObject(o, "err_log", logf_path(a->err));
			cJSON_AddNumberToObject(o, "err_size",
			    (double)logf_size(a->err));
			if (tail >= 0)
				cmd_logs_tail(o, "err_tail", a->err, tail);
			if (follow)
				logf_follow(a->err, ctx->client, batch);
		}
		cJSON_AddItemToArray(arr, o);
	}
	cmd_ok(ctx, arr);
	return (CMD_DONE);
}

enum cmd_retval
cmd_flush(struct cmd_ctx *ctx)
{
	struct app	*a;
	cJSON		*arr;
	size_t		 i;

	if (cJSON_GetObjectItem(ctx->args, PROTO_ARG_TARGET) != NULL) {
		if (cmd_targets(ctx) == -1)
			return (CMD_DONE);
	} else
		cmd_add_all(ctx);
	arr = cJSON_CreateArray();
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (logf_flush(a->out) == -1 || logf_flush(a->err) == -1) {
			cmd_error(ctx, "%s: cannot empty the logs",
			    a->conf.name);
			cJSON_Delete(arr);
			return (CMD_DONE);
		}
		cJSON_AddItemToArray(arr, cJSON_CreateString(a->conf.name));
	}
	cmd_ok(ctx, arr);
	return (CMD_DONE);
}
