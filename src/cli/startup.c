/*
 * opm startup: a systemd unit that runs the daemon at boot and restores the
 * dump. Type=notify on "opm daemon run --restore"; KillMode=process so a
 * daemon crash leaves the apps running for the next daemon to adopt, while
 * a stop (SIGTERM to opmd) stops every app gracefully first; the runtime
 * directory survives restarts of the service.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

/* A value for a unit file: double-quoted, with \\ \" and %% escaped. */
static char *
startup_quote(const char *s)
{
	char	*q = xmalloc(strlen(s) * 2 + 3), *o = q;

	*o++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		else if (*s == '%')
			*o++ = '%';
		*o++ = *s;
	}
	*o++ = '"';
	*o = '\0';
	return (q);
}

/* The largest kill_timeout of the current apps, in seconds. */
static long long
startup_max_kill(void)
{
	struct client	 c;
	const cJSON	*a, *k;
	cJSON		*d;
	long long	 max = 5000;

	if (cli_try_connect(&c) != 0)
		return (max / 1000);
	d = cli_request(&c, PROTO_CMD_EXPORT, NULL);
	client_close(&c);
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(d, "apps")) {
		k = cJSON_GetObjectItem(a, "kill_timeout");
		if (cJSON_IsNumber(k) && k->valuedouble > max)
			max = (long long)k->valuedouble;
	}
	cJSON_Delete(d);
	return ((max + 999) / 1000);
}

int
cli_startup(int argc, char **argv)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 self[PATH_MAX], path[PATH_MAX + 64], *unit, *dir;
	char		*qenv, *qself, *desc, *d;
	const char	*home, *user = pw ? pw->pw_name : "root";
	bool		 print = false, system = getuid() == 0;
	int		 i;
	ssize_t		 n;
	FILE		*f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print") == 0)
			print = true;
		else if (strcmp(argv[i], "--user") == 0)
			system = false;
		else if (strcmp(argv[i], "--system") == 0)
			system = true;
		else
			cli_fatal_usage("startup: unknown argument %s",
			    argv[i]);
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		cli_fatal(EXIT_FAIL, "cannot find the opm binary");
	self[n] = '\0';
	home = cli_paths.home;
	qself = startup_quote(self);
	xasprintf(&d, "OPM_HOME=%s", home);
	qenv = startup_quote(d);
	free(d);
	/* Description is not quoted: only % needs escaping there. */
	desc = xmalloc(strlen(home) * 2 + 1);
	for (d = desc; *home != '\0'; home++) {
		if (*home == '%')
			*d++ = '%';
		*d++ = *home;
	}
	*d = '\0';
	xasprintf(&unit,
	    "# Written by opm startup. opm(1), opmd(8).\n"
	    "[Unit]\n"
	    "Description=opm process manager (%s)\n"
	    "After=network.target\n"
	    "\n"
	    "[Service]\n"
	    "Type=notify\n"
	    "NotifyAccess=main\n"
	    "%s%s%s"
	    "Environment=%s\n"
	    "Environment=OPM_RUNTIME_DIR=%%t/opm\n"
	    "RuntimeDirectory=opm\n"
	    "RuntimeDirectoryMode=0700\n"
	    "RuntimeDirectoryPreserve=yes\n"
	    "ExecStart=%s daemon run --restore\n"
	    "ExecReload=%s daemon reload\n"
	    "# A crash of opmd must not kill the apps: the next opmd adopts\n"
	    "# them. A stop sends SIGTERM to opmd, which stops every app.\n"
	    "KillMode=process\n"
	    "Restart=on-failure\n"
	    "RestartSec=1\n"
	    "TimeoutStopSec=%llds\n"
	    "\n"
	    "[Install]\n"
	    "WantedBy=%s\n",
	    desc, system && getuid() != 0 ? "User=" : "",
	    system && getuid() != 0 ? user : "",
	    system && getuid() != 0 ? "\n" : "", qenv, qself, qself,
	    startup_max_kill() + 30,
	    system ? "multi-user.target" : "default.target");
	free(qenv);
	free(qself);
	free(desc);
	if (print) {
		fputs(unit, stdout);
		free(unit);
		return (0);
	}
	if (system)
		snprintf(path, sizeof path, "/etc/systemd/system/opm%s%s.service",
		    getuid() != 0 ? "-" : "", getuid() != 0 ? user : "");
	else {
		const char *cfg = getenv("XDG_CONFIG_HOME");
		if (cfg != NULL && *cfg == '/')
			snprintf(path, sizeof path, "%s/systemd/user", cfg);
		else
			snprintf(path, sizeof path, "%s/.config/systemd/user",
			    pw ? pw->pw_dir : "/root");
		dir = xstrdup(path);
		for (char *s = dir + 1; *s; s++) {
			if (*s == '/') {
				*s = '\0';
				mkdir(dir, 0755);
				*s = '/';
			}
		}
		mkdir(dir, 0755);
		free(dir);
		strlcat(path, "/opm.service", sizeof path);
	}
	if ((f = fopen(path, "we")) == NULL || fputs(unit, f) == EOF ||
	    fclose(f) == EOF)
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	free(unit);
	printf("wrote %s\nenable it with:\n  systemctl %sdaemon-reload && "
	    "systemctl %senable --now %s\nthen 'opm save' whenever the "
	    "apps to bring back at boot change.\n", path,
	    system ? "" : "--user ", system ? "" : "--user ",
	    strrchr(path, '/') + 1);
	return (0);
}
