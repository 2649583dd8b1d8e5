/*
 * opm init [--json] [FILE]: writes an example app file to edit, as PM2's
 * `pm2 init simple` does: ecosystem.config.js, commented, or with --json
 * ecosystem.config.json, strict JSON that any reader loads. An existing
 * file is never overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opm.h"

static const char init_js[] =
    "// An app file for opm (and PM2), written by opm init. Start its apps\n"
    "// with `opm start ecosystem.config.js`; stop, restart, reload and\n"
    "// delete take the file too, and --only NAME picks some of its apps.\n"
    "// Every key is in opm-apps(5); the common ones are below.\n"
    "module.exports = {\n"
    "  apps: [{\n"
    "    // Unique among the apps; `opm logs app`, `opm restart app`.\n"
    "    name: \"app\",\n"
    "    // The program, relative to cwd (default: this file's directory).\n"
    "    script: \"./app.js\",\n"
    "    // Its arguments: an array, or words of a string.\n"
    "    args: [],\n"
    "    // Added to the environment of this shell.\n"
    "    env: {\n"
    "      NODE_ENV: \"development\",\n"
    "    },\n"
    "    // When to restart after an exit: autorestart: false never does;\n"
    "    // restart: \"on-failure\" only after a failure.\n"
    "    autorestart: true,\n"
    "    // Failed starts in a row before the app is errored.\n"
    "    max_restarts: 15,\n"
    "    // Delay before a restart, and the grace between the stop signal\n"
    "    // and SIGKILL (milliseconds, or \"5s\", \"2m\").\n"
    "    restart_delay: 0,\n"
    "    kill_timeout: 5000,\n"
    "  }],\n"
    "};\n";

static const char init_json[] =
    "{\n"
    "  \"apps\": [\n"
    "    {\n"
    "      \"name\": \"app\",\n"
    "      \"script\": \"./app.js\",\n"
    "      \"args\": [],\n"
    "      \"env\": {\n"
    "        \"NODE_ENV\": \"development\"\n"
    "      },\n"
    "      \"autorestart\": true,\n"
    "      \"max_restarts\": 15,\n"
    "      \"restart_delay\": 0,\n"
    "      \"kill_timeout\": 5000\n"
    "    }\n"
    "  ]\n"
    "}\n";

int
cli_init(int argc, char **argv)
{
	const char	*path = NULL, *text;
	bool		 json = false;
	size_t		 len;
	int		 i, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
			cli_fatal_usage("init: unknown option %s", argv[i]);
		else if (path == NULL)
			path = argv[i];
		else
			cli_fatal_usage("init: takes one FILE");
	}
	if (path == NULL)
		path = json ? "ecosystem.config.json" : "ecosystem.config.js";
	text = json ? init_json : init_js;
	len = strlen(text);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		if (errno == EEXIST)
			cli_fatal(EXIT_FAIL, "init: %s exists; left as it is",
			    path);
		cli_fatal(EXIT_FAIL, "init: %s: %s", path, strerror(errno));
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd) == -1) {
		unlink(path);
		cli_fatal(EXIT_FAIL, "init: %s: %s", path, strerror(errno));
	}
	printf("wrote %s; edit it, then: opm start %s\n", path, path);
	return (0);
}
