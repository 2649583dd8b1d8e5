/*
 * Finding, starting and talking to the daemon. Starting is serialised by a
 * lock file (tmux's way): the first CLI to find no daemon takes the lock,
 * looks again, and only then spawns opmd; the others wait on the lock and
 * then find the daemon running. opmd's own pid-file lock is the last guard.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "xmem.h"

char *
cli_opmd_path(void)
{
	char		 self[PATH_MAX], cand[PATH_MAX + 8], *slash;
	const char	*path, *p, *colon;
	ssize_t		 n;
	size_t		 len;

	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(cand, sizeof cand, "%s/opmd", self);
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
			snprintf(cand, sizeof cand, "%.*s/opmd", (int)len, p);
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
	return (client_connect(c, cli_paths.sock));
}

/* Reads the daemon's start-up verdict from the ready pipe. */
static void
cli_wait_ready(int fd)
{
	char	buf[600];
	size_t	len = 0;
	ssize_t	n;

	while (len < sizeof buf - 1) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, "ready") == 0)
		return;
	if (len == 0)
		cli_fatal(EXIT_NODAEMON, "the daemon exited while starting; "
		    "see %s", cli_paths.daemon_log);
	cli_fatal(EXIT_NODAEMON, "cannot start the daemon: %s", buf);
}

void
cli_spawn_daemon(void)
{
	char	*opmd, fdstr[16];
	int	 p[2], status, null;
	pid_t	 pid;

	if ((opmd = cli_opmd_path()) == NULL)
		cli_fatal(EXIT_NODAEMON, "cannot find opmd next to opm or in "
		    "PATH");
	if (pipe2(p, O_CLOEXEC) == -1)
		cli_fatal(EXIT_NODAEMON, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		cli_fatal(EXIT_NODAEMON, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* Double fork: opmd is nobody's child but init's. */
		if (fork() != 0)
			_exit(0);
		setsid();
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (p[1] != 3) {
			dup2(p[1], 3);
		} else
			fcntl(3, F_SETFD, 0);
		snprintf(fdstr, sizeof fdstr, "3");
		setenv("OPM_READY_FD", fdstr, 1);
		closefrom(4);
		execl(opmd, "opmd", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	free(opmd);
	cli_wait_ready(p[0]);
}

void
cli_connect(struct client *c, bool autostart)
{
	int	lock;

	if (cli_try_connect(c) == 0)
		return;
	if (!autostart)
		cli_fatal(EXIT_NODAEMON, "the daemon is not running (%s)",
		    cli_paths.sock);
	if (paths_make_dirs(&cli_paths) == -1)
		cli_fatal(EXIT_NODAEMON, "cannot create %s: %s",
		    cli_paths.home, strerror(errno));
	lock = open(cli_paths.startlock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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

cJSON *
cli_request(struct client *c, const char *cmd, cJSON *args)
{
	cJSON		*r, *data;
	const cJSON	*ok;
	const char	*cause, *err;

	if (client_send(c, cmd, args) == -1) {
		/*
		 * A daemon that refuses us (another uid) writes its reason
		 * and closes before reading our request: read that reason.
		 */
		int	e = errno;

		if ((e != EPIPE && e != ECONNRESET) ||
		    (r = client_recv(c, &cause)) == NULL)
			cli_fatal(EXIT_NODAEMON, "cannot send to the daemon: "
			    "%s", strerror(e));
	} else if ((r = client_recv(c, &cause)) == NULL)
		cli_fatal(EXIT_NODAEMON, "%s", cause);
	ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
	if (!cJSON_IsTrue(ok)) {
		char	msg[8192], *p, *nl;

		err = json_str(r, "error");
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
	data = cJSON_DetachItemFromObjectCaseSensitive(r, "data");
	cJSON_Delete(r);
	return (data != NULL ? data : cJSON_CreateNull());
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
