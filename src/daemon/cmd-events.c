/*
 * events: the kept events (of the targets, or all), then with follow every
 * later one on this connection (docs/PROTOCOL.md, "events"). The follower
 * is registered before the reply is sent, so that nothing falls between
 * the replay and the stream: with `since` set to the last seq of the reply
 * a client that reconnects after a reload misses nothing the ring holds.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "events.h"
#include "json.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

struct cmd_events_sels {
	struct events_sel	*v;
	size_t			 n;
	bool			 all;
};

/* One target word as a selection: a name (every instance) or one app. */
static int
cmd_events_word(const char *w, void *arg)
{
	struct cmd_events_sels	*s = arg;
	struct app		*a;

	if (strcmp(w, PROTO_TARGET_ALL) == 0) {
		s->all = true;
		return (0);
	}
	if ((a = cmd_target_app(w)) == NULL)
		return (0);
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	strlcpy(s->v[s->n].name, a->conf.name, sizeof s->v[s->n].name);
	s->v[s->n++].instance = strcmp(a->conf.name, w) == 0 ? -1 :
	    a->instance;
	return (0);
}

enum cmd_retval
cmd_events(struct cmd_ctx *ctx)
{
	struct cmd_events_sels	 s = { NULL, 0, false };
	const cJSON		*t, *e;
	const char		*cause;
	long long		 since = 0, limit = 0;
	bool			 present, follow;

	follow = cJSON_IsTrue(cJSON_GetObjectItem(ctx->args,
	    PROTO_ARG_FOLLOW));
	if (json_int(ctx->args, PROTO_ARG_SINCE, 0, PROTO_ID_MAX, &since,
	    &present, &cause) == -1 && present) {
		cmd_error(ctx, "since: %s", cause);
		return (CMD_DONE);
	}
	if (json_int(ctx->args, PROTO_ARG_LIMIT, 0, EVENTS_RING, &limit,
	    &present, &cause) == -1 && present) {
		cmd_error(ctx, "limit: %s", cause);
		return (CMD_DONE);
	}
	if ((t = cJSON_GetObjectItem(ctx->args, PROTO_ARG_TARGET)) != NULL) {
		if (cmd_targets(ctx) == -1)
			return (CMD_DONE);
		if (cJSON_IsString(t))
			parse_list(t->valuestring, cmd_events_word, &s, NULL);
		else {
			cJSON_ArrayForEach(e, t)
				parse_list(e->valuestring, cmd_events_word, &s,
				    NULL);
		}
	} else
		s.all = true;
	if (s.all)
		s.n = 0;
	if (follow)
		events_follow(ctx->client, s.v, s.n);
	cmd_ok(ctx, events_list(s.v, s.n, (uint64_t)since, (size_t)limit));
	free(s.v);
	return (CMD_DONE);
}
