/* ping: liveness; status: the daemon's own figures (opm daemon status). */
#include <unistd.h>

#include "cmd.h"
#include "daemon.h"

enum cmd_retval
cmd_ping(struct cmd_ctx *ctx)
{
	cJSON	*d = cJSON_CreateObject();

	cJSON_AddTrueToObject(d, "pong");
	cJSON_AddNumberToObject(d, "pid", getpid());
	cmd_ok(ctx, d);
	return (CMD_DONE);
}

enum cmd_retval
cmd_status(struct cmd_ctx *ctx)
{
	cmd_ok(ctx, daemon_status());
	return (CMD_DONE);
}
