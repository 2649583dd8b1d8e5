/*
 * Detached helpers and their ready line (include/detach.h). The parent
 * reads until the helper closes the pipe, so a helper that dies while
 * starting is told apart from one that is ready, without a timeout.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detach.h"

/* A new session, stdio on /dev/null. */
static void
detach_session(void)
{
	int	null;

	setsid();
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
}

/* Reads the helper's verdict until EOF; closes fd. */
static int
detach_wait(int fd, char *buf, size_t len)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (strcmp(buf, DETACH_READY) == 0 ? 0 : 1);
}

static int
detach_fail(const char *what, char *buf, size_t len)
{
	int	saved = errno;

	strlcpy(buf, what, len);
	errno = saved;
	return (-1);
}

int
detach_exec(const char *path, char *const argv[], char *buf, size_t len)
{
	int	p[2], status;
	pid_t	pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return (detach_fail("pipe", buf, len));
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return (detach_fail("fork", buf, len));
	}
	if (pid == 0) {
		/* Double fork: the helper is nobody's child but init's. */
		if (fork() != 0)
			_exit(0);
		detach_session();
		if (p[1] != 3)
			dup2(p[1], 3);
		else
			fcntl(3, F_SETFD, 0);
		closefrom(4);
		setenv(DETACH_READY_ENV, "3", 1);
		execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return (detach_wait(p[0], buf, len));
}

int
detach_fork(const char *name, int *readyfd)
{
	char	buf[600];
	int	p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return (-1);
	switch (fork()) {
	case -1:
		close(p[0]);
		close(p[1]);
		return (-1);
	case 0:
		close(p[0]);
		detach_session();
		*readyfd = p[1];
		return (0);
	}
	close(p[1]);
	if (detach_wait(p[0], buf, sizeof buf) == 0)
		exit(0);
	fprintf(stderr, "%s: %s\n", name, buf[0] != '\0' ? buf :
	    "exited while starting");
	exit(1);
}
