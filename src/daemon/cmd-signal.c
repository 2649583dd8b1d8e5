/* signal: deliver a signal to each target's process group. */
#include <errno.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "json.h"
#include "parse.h"
#include "protocol.h"

enum cmd_retval
cmd_signal(struct cmd_ctx *ctx)
{
	const char	*s = json_str(ctx->args, PROTO_ARG_SIGNAL);
	struct app	*a;
	size_t		 i, running = 0;
	int		 sig;
	bool		 all;

	if (s == NULL || (sig = parse_signal(s)) <= 0) {
		cmd_error(ctx, "unknown signal '%.40s'", s ? s : "");
		return (CMD_DONE);
	}
	if (cmd_targets(ctx) == -1)
		return (CMD_DONE);
	/*
	 * Nothing is sent unless every app named is running; "all" means
	 * the running ones.
	 */
	all = cmd_names_all(ctx);
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (sup_running(a->run.state) && a->run.pgid > 1) {
			running++;
			continue;
		}
		if (!all) {
			cmd_error(ctx, "%s: not running; nothing was signalled",
			    a->conf.name);
			return (CMD_DONE);
		}
	}
	if (running == 0) {
		cmd_error(ctx, "no running app to signal");
		return (CMD_DONE);
	}
	for (i = 0; i < ctx->nids; i++) {
		a = app_find_id(ctx->ids[i]);
		if (sup_running(a->run.state) && a->run.pgid > 1 &&
		    app_signal(a, sig) == -1 && errno != ESRCH) {
			cmd_error(ctx, "%s: %s", a->conf.name, strerror(errno));
			return (CMD_DONE);
		}
	}
	cmd_ok(ctx, cmd_target_apps(ctx));
	return (CMD_DONE);
}
