/*
 * opm run FILE (and opm-runtime FILE, the same program under PM2's
 * pm2-runtime name): a container's main process. The words are read as
 * opm start reads them (an app file of any format, --only, --env, or one
 * program), into the start request opm start would send; that request is
 * left in a memfd for opmd --run, which this process then becomes, so the
 * daemon itself is PID 1 (src/daemon/run.c does the rest).
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

/* Named as app files are: .json, .yml, .yaml, .js, .cjs, .mjs. */
static bool
run_appfile_name(const char *w)
{
	static const char *const ext[] = { ".json", ".yml", ".yaml", ".js",
	    ".cjs", ".mjs" };
	size_t	i, n = strlen(w), e;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		e = strlen(ext[i]);
		if (n > e && strcmp(w + n - e, ext[i]) == 0)
			return (true);
	}
	return (false);
}

int
cli_run(int argc, char **argv)
{
	cJSON	*args;
	char	*text, *opmd, fdstr[16];
	size_t	 len;
	bool	 raw = false, file;
	int	 i, n = 1, fd;

	/* --raw anywhere before "--"; the rest is opm start's. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--raw") == 0)
			raw = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	argc = n;
	if (argc < 2)
		cli_fatal_usage("run: missing FILE (or program)");
	/* A missing app file is said before any daemon starts. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++)
		;
	if (i < argc && run_appfile_name(argv[i]) && access(argv[i], F_OK) ==
	    -1)
		cli_fatal(EXIT_FAIL, "run: %s: %s", argv[i], strerror(errno));
	args = cli_start_request(argc, argv, &file);
	text = json_text(args);
	cJSON_Delete(args);
	len = text != NULL ? strlen(text) : 0;
	if (len > PROTO_LINE_MAX - 1024)
		cli_fatal(EXIT_FAIL, "run: a request of %zu bytes is over the "
		    "protocol's limit", len);
	if ((opmd = cli_opmd_path()) == NULL)
		cli_fatal(EXIT_NODAEMON, "cannot find opmd");
	/* Not close-on-exec: opmd reads it, then closes it. */
	if (text == NULL || (fd = memfd_create("opm-run", 0)) == -1 ||
	    write(fd, text, len) != (ssize_t)len)
		cli_fatal(EXIT_FAIL, "run: cannot pass the request on: %s",
		    strerror(errno));
	cJSON_free(text);
	snprintf(fdstr, sizeof fdstr, "%d", fd);
	setenv("OPM_RUN_FD", fdstr, 1);
	fflush(stdout);
	execl(opmd, "opmd", "--run", raw ? "--raw" : (char *)NULL,
	    (char *)NULL);
	cli_fatal(EXIT_NODAEMON, "exec %s: %s", opmd, strerror(errno));
}
