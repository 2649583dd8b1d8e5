/*
 * opm startup: a systemd unit that runs the daemon at boot and restores the
 * dump. Type=notify on "opm daemon run --restore"; KillMode=process so a
 * daemon crash leaves the apps running for the next daemon to adopt, while
 * a stop (SIGTERM to opmd) stops every app gracefully first; the runtime
 * directory survives restarts of the service; Delegate=yes hands the daemon
 * its cgroup subtree (src/process/cgroup.c).
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

/* The first words of a unit opm startup writes: unstartup checks them. */
#define STARTUP_HEAD	"# Written by opm startup."

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

/*
 * The path of the unit: system-wide or the user's; mkdirs makes the
 * user's directory.
 */
static void
startup_path(bool system, char *path, size_t len, bool mkdirs)
{
	struct passwd	*pw = getpwuid(getuid());
	const char	*user = pw ? pw->pw_name : "root", *cfg;
	char		*dir;

	if (system) {
		snprintf(path, len, "/etc/systemd/system/opm%s%s.service",
		    getuid() != 0 ? "-" : "", getuid() != 0 ? user : "");
		return;
	}
	cfg = getenv("XDG_CONFIG_HOME");
	if (cfg != NULL && *cfg == '/')
		snprintf(path, len, "%s/systemd/user", cfg);
	else
		snprintf(path, len, "%s/.config/systemd/user",
		    pw ? pw->pw_dir : "/root");
	if (mkdirs) {
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
	}
	strlcat(path, "/opm.service", len);
}

/*
 * Long because the flags, the unit text and the three outcomes (print,
 * user unit, system unit) read best in the order a user runs them.
 */
int
cli_startup(int argc, char **argv)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 self[PATH_MAX], path[PATH_MAX + 64], *unit;
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
	    STARTUP_HEAD " opm(1), opmd(8).\n"
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
	    "# A cgroup subtree of its own: every app in a child cgroup, its\n"
	    "# cpu_max, memory_max, pids_max, and cgroup.kill at a stop.\n"
	    "Delegate=yes\n"
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
	startup_path(system, path, sizeof path, true);
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

/*
 * opm unstartup (PM2's name): removes the unit opm startup wrote, and the
 * link systemctl enable made for it, as systemctl disable would. A unit
 * opm did not write is left alone.
 */
int
cli_unstartup(int argc, char **argv)
{
	char		 path[PATH_MAX + 64], link[PATH_MAX + 128], head[64];
	char		*slash;
	bool		 system = getuid() == 0;
	int		 i;
	FILE		*f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--user") == 0)
			system = false;
		else if (strcmp(argv[i], "--system") == 0)
			system = true;
		else
			cli_fatal_usage("unstartup: unknown argument %s",
			    argv[i]);
	}
	startup_path(system, path, sizeof path, false);
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			cli_fatal(EXIT_FAIL, "unstartup: no unit installed at "
			    "%s", path);
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
	if (fgets(head, sizeof head, f) == NULL ||
	    strncmp(head, STARTUP_HEAD, strlen(STARTUP_HEAD)) != 0)
		cli_fatal(EXIT_FAIL, "unstartup: %s was not written by opm "
		    "startup; left alone", path);
	fclose(f);
	/* The WantedBy= link of systemctl enable, beside the unit. */
	slash = strrchr(path, '/');
	snprintf(link, sizeof link, "%.*s/%s.wants%s", (int)(slash - path),
	    path, system ? "multi-user.target" : "default.target", slash);
	if (unlink(link) == 0)
		printf("removed %s\n", link);
	else if (errno != ENOENT)
		cli_fatal(EXIT_FAIL, "%s: %s", link, strerror(errno));
	if (unlink(path) == -1)
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	printf("removed %s\nrun 'systemctl %sdaemon-reload'; the daemon "
	    "keeps running until 'opm kill'.\n", path,
	    system ? "" : "--user ");
	return (0);
}
