/*
 * opm web: makes sure a daemon runs, then becomes opm-web (src/web/web.c),
 * the dashboard's HTTP server, a client of the control socket like opm.
 * opm web token prints the token the dashboard asks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opm.h"

static int
web_token(void)
{
	char	path[4200], buf[256];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/web.token", cli_paths.home);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			cli_fatal(EXIT_FAIL, "%s: no token yet (opm web makes "
			    "one when it first starts)", path);
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		cli_fatal(EXIT_FAIL, "%s: empty or unreadable", path);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	printf("%s\n", buf);
	return (0);
}

int
cli_web(int argc, char **argv)
{
	struct client	 c;
	char		*prog;
	int		 i;

	if (argc == 2 && strcmp(argv[1], "token") == 0)
		return (web_token());
	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--listen") == 0 ||
		    strcmp(argv[i], "--sample") == 0) && i + 1 < argc)
			i++;
		else if (strcmp(argv[i], "--open-metrics") != 0)
			cli_fatal_usage("web: unknown argument %s", argv[i]);
	}
	cli_connect(&c, true);
	client_close(&c);
	if ((prog = cli_helper_path("opm-web")) == NULL)
		cli_fatal(EXIT_FAIL, "cannot find opm-web next to opm or in "
		    "PATH");
	argv[0] = prog;
	fflush(stdout);
	execv(prog, argv);
	cli_fatal(EXIT_FAIL, "cannot run %s: %s", prog, strerror(errno));
}
