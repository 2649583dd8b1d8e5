/*
 * Finding, starting and talking to the daemon. Starting is serialised by a
 * lock file (tmux's way): the first CLI to find no daemon takes the lock,
 * looks again, and only then spawns opmd; the others wait on the lock and
 * then find the daemon running. opmd's own pid-file lock is the last guard.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "detach.h"
#include "json.h"
#include "jsonfmt.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

char *
cli_opmd_path(void)
{
	return (cli_helper_path("opmd"));
}

char *
cli_helper_path(const char *prog)
{
	char		 self[PATH_MAX], cand[PATH_MAX + 16], *slash;
	const char	*path, *p, *colon;
	ssize_t		 n;
	size_t		 len;

	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(cand, sizeof cand, "%s/%s", self, prog);
			if (access(cand, X_OK) == 0)
				return (xstrdup(cand));
		}
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		if (len > 0) {
			snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p,
			    prog);
			if (access(cand, X_OK) == 0)
				return (xstrdup(cand));
		}
		if (colon == NULL)
			break;
	}
	return (NULL);
}

int
cli_try_connect(struct client *c)
{
	if (cli_remote != NULL)
		return (cli_remote_connect(c, false));
	return (client_connect(c, cli_paths.sock));
}

void
cli_spawn_daemon(void)
{
	char	*opmd, buf[600];
	char	*argv[] = { (char *)"opmd", NULL };
	int	 r;

	if ((opmd = cli_opmd_path()) == NULL)
		cli_fatal(EXIT_NODAEMON, "cannot find opmd next to opm or in "
		    "PATH");
	r = detach_exec(opmd, argv, buf, sizeof buf);
	free(opmd);
	if (r == -1)
		cli_fatal(EXIT_NODAEMON, "%s: %s", buf, strerror(errno));
	if (r == 0)
		return;
	if (buf[0] == '\0')
		cli_fatal(EXIT_NODAEMON, "the daemon exited while starting; "
		    "see %s", cli_paths.daemon_log);
	cli_fatal(EXIT_NODAEMON, "cannot start the daemon: %s", buf);
}

void
cli_connect(struct client *c, bool autostart)
{
	const char	*cause;
	int		 lock;

	if (cli_remote != NULL) {
		/* dial-stdio --start starts the remote daemon if need be. */
		if (cli_remote_connect(c, autostart) == 0)
			return;
		cli_remote_fatal();
	}
	if (cli_try_connect(c) == 0)
		return;
	if (errno == ETIMEDOUT)
		cli_fatal(EXIT_NODAEMON, "the daemon did not answer within %s "
		    "(set OPM_TIMEOUT to wait longer)", client_timeout_text());
	if (!autostart)
		cli_fatal(EXIT_NODAEMON, "the daemon is not running (%s)",
		    cli_paths.sock);
	/* Never start a daemon in a directory somebody else controls. */
	if (paths_prepare(&cli_paths, &cause) == -1)
		cli_fatal(EXIT_NODAEMON, "%s", cause);
	lock = open(cli_paths.startlock, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (lock == -1 || flock(lock, LOCK_EX) == -1)
		cli_fatal(EXIT_NODAEMON, "cannot lock %s: %s",
		    cli_paths.startlock, strerror(errno));
	if (cli_try_connect(c) != 0) {
		cli_spawn_daemon();
		if (cli_try_connect(c) != 0)
			cli_fatal(EXIT_NODAEMON, "cannot connect to the "
			    "daemon: %s", strerror(errno));
	}
	close(lock);
}

const char	*cli_err_prefix;

/* Sends the request and returns the reply line (to free). */
static char *
cli_exchange(struct client *c, const char *cmd, cJSON *args, size_t *len)
{
	const char	*cause;
	char		*line;

	/* This shell's environment is not the remote host's. */
	if (cli_remote != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(args,
		    PROTO_ARG_ENV_BASE);
	if (client_send(c, cmd, args) == -1) {
		/*
		 * A daemon that refuses us (another uid) writes its reason
		 * and closes before reading our request: read that reason.
		 */
		int	e = errno;

		if (e == E2BIG)
			cli_fatal(EXIT_FAIL, "request too large (%zu bytes; "
			    "limit %d MiB)", c->sent, PROTO_LINE_MAX >> 20);
		if ((e != EPIPE && e != ECONNRESET) ||
		    (line = client_recv_line(c, len, &cause)) == NULL)
			cli_fatal(EXIT_NODAEMON, "cannot send to the daemon: "
			    "%s", strerror(e));
	} else if ((line = client_recv_line(c, len, &cause)) == NULL)
		cli_fatal(EXIT_NODAEMON, "%s%s", cli_remote_who(), cause);
	return (line);
}

/* The data of the reply line, or its error said and exit. */
static cJSON *
cli_reply(char *line, size_t len)
{
	cJSON		*r, *data;
	const cJSON	*ok;
	const char	*err;
	char		 why[128];

	r = json_parse(line, len, why, sizeof why);
	free(line);
	if (r == NULL)
		cli_fatal(EXIT_NODAEMON, "%smalformed reply from the daemon",
		    cli_remote_who());
	ok = cJSON_GetObjectItemCaseSensitive(r, PROTO_OK);
	if (!cJSON_IsTrue(ok)) {
		char	msg[8192], *p, *nl;

		err = json_str(r, PROTO_ERROR);
		strlcpy(msg, err != NULL ? err : "request failed", sizeof msg);
		cJSON_Delete(r);
		/* Several problems (of an app file): one "opm: " line each. */
		fflush(stdout);
		for (p = msg; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			*nl = '\0';
			fprintf(stderr, "opm: %s%s%s\n", cli_err_prefix ?
			    cli_err_prefix : "", cli_err_prefix ? ": " : "", p);
		}
		cli_fatal(EXIT_FAIL, "%s%s%s", cli_err_prefix ? cli_err_prefix :
		    "", cli_err_prefix ? ": " : "", p);
	}
	data = cJSON_DetachItemFromObjectCaseSensitive(r, PROTO_DATA);
	cJSON_Delete(r);
	return (data != NULL ? data : cJSON_CreateNull());
}

cJSON *
cli_request(struct client *c, const char *cmd, cJSON *args)
{
	char	*line;
	size_t	 len;

	line = cli_exchange(c, cmd, args, &len);
	return (cli_reply(line, len));
}

/*
 * The reply's data is printed as it came, only laid out (src/common/
 * jsonfmt.c): parsing and printing it again was most of what `opm list
 * --json` ran. The daemon puts data last, so it is laid out in the pass
 * that finds its end; whatever is not a plain ok reply goes through
 * cli_reply.
 */
char *
cli_call_json(const char *cmd, cJSON *args)
{
	struct client	 c;
	const char	*ok, *data;
	char		*line, *out;
	size_t		 len, oklen, dlen, outlen;
	cJSON		*d;

	cli_connect(&c, true);
	line = cli_exchange(&c, cmd, args, &len);
	client_close(&c);
	if (parse_utf8_ok(line, len) &&
	    jsonfmt_member(line, len, PROTO_OK, &ok, &oklen) == 0 &&
	    oklen == 4 && memcmp(ok, "true", 4) == 0 &&
	    jsonfmt_member(line, len, PROTO_DATA, &data, NULL) == 0) {
		out = jsonfmt_pretty_first(data, line + len - data, &dlen,
		    &outlen);
		if (out != NULL && data + dlen == line + len - 1 &&
		    line[len - 1] == '}') {
			free(line);
			return (out);
		}
		free(out);
		if (jsonfmt_member(line, len, PROTO_DATA, &data, &dlen) == 0 &&
		    (out = jsonfmt_pretty(data, dlen, &outlen)) != NULL) {
			free(line);
			return (out);
		}
	}
	d = cli_reply(line, len);
	out = cJSON_Print(d);
	cJSON_Delete(d);
	if (out == NULL)
		cli_fatal(EXIT_FAIL, "out of memory");
	return (out);
}

cJSON *
cli_call(const char *cmd, cJSON *args)
{
	struct client	 c;
	cJSON		*d;

	cli_connect(&c, true);
	d = cli_request(&c, cmd, args);
	client_close(&c);
	return (d);
}
