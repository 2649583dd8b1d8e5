/*
 * opm dial-stdio [--start]: connects stdin and stdout to the daemon's
 * control socket, bytes as they are both ways, until either side ends. It
 * is what `opm --host ssh://HOST` runs on HOST through ssh: the daemon
 * checks its peer credentials as for any client, so the ssh user's
 * identity is the one that counts. --start starts the daemon first when
 * none runs (what the command run through it would do locally).
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opm.h"

/* Writes all of buf to fd; false when fd is gone. */
static bool
dial_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = fd == 1 ? write(fd, buf, len) : send(fd, buf, len,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (false);
		buf += n;
		len -= n;
	}
	return (true);
}

int
cli_dial_stdio(int argc, char **argv)
{
	struct client	 c;
	struct pollfd	 pfd[2];
	char		 buf[65536];
	bool		 start = false, in_open = true;
	ssize_t		 n;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--start") == 0)
			start = true;
		else
			cli_fatal_usage("dial-stdio: unknown argument %s",
			    argv[i]);
	}
	cli_connect(&c, start);
	for (;;) {
		pfd[0].fd = in_open ? 0 : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = c.fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			cli_fatal(EXIT_FAIL, "dial-stdio: poll: %s",
			    strerror(errno));
		}
		if (pfd[1].revents != 0) {
			n = read(c.fd, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			/* The daemon closed (or exited): we are done. */
			if (n <= 0 || !dial_write(1, buf, n))
				break;
		}
		if (in_open && pfd[0].revents != 0) {
			n = read(0, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* The client is done: the daemon sees EOF. */
				shutdown(c.fd, SHUT_WR);
				in_open = false;
			} else if (!dial_write(c.fd, buf, n))
				break;
		}
	}
	client_close(&c);
	return (0);
}
