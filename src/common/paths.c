/*
 * Where opm keeps its files. Everything lives under OPM_HOME (default
 * $HOME/.opm); state holding pids goes to OPM_RUNTIME_DIR when it is set.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static int
paths_join(char *dst, size_t len, const char *dir, const char *file)
{
	int	n = snprintf(dst, len, "%s/%s", dir, file);

	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

int
paths_init(struct paths *p, const char **cause)
{
	const char	*home, *rt;
	struct passwd	*pw;

	memset(p, 0, sizeof *p);
	if ((home = getenv("OPM_HOME")) != NULL && *home != '\0') {
		if (strlcpy(p->home, home, sizeof p->home) >= sizeof p->home)
			goto toolong;
	} else {
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			if ((pw = getpwuid(getuid())) == NULL) {
				*cause = "cannot find the home directory; "
				    "set OPM_HOME";
				return (-1);
			}
			home = pw->pw_dir;
		}
		if (paths_join(p->home, sizeof p->home, home, ".opm") == -1)
			goto toolong;
	}
	if ((rt = getenv("OPM_RUNTIME_DIR")) != NULL && *rt != '\0') {
		if (strlcpy(p->runtime, rt, sizeof p->runtime) >=
		    sizeof p->runtime)
			goto toolong;
	} else
		strlcpy(p->runtime, p->home, sizeof p->runtime);

	/*
	 * The socket and the lock stay in OPM_HOME whatever OPM_RUNTIME_DIR
	 * says, so every CLI and daemon of this home finds them.
	 * sun_path holds 107 bytes; libuv would truncate silently.
	 */
	if (paths_join(p->sock, sizeof p->sock, p->home, "opmd.sock") == -1) {
		*cause = "socket path longer than 107 bytes; "
		    "use a shorter OPM_HOME or OPM_RUNTIME_DIR";
		return (-1);
	}
	if (paths_join(p->pidfile, sizeof p->pidfile, p->home,
	    "opmd.pid") == -1 ||
	    paths_join(p->startlock, sizeof p->startlock, p->home,
	    "start.lock") == -1 ||
	    paths_join(p->runtime_ptr, sizeof p->runtime_ptr, p->home,
	    "runtime-dir") == -1 ||
	    paths_join(p->daemon_log, sizeof p->daemon_log, p->home,
	    "opmd.log") == -1 ||
	    paths_join(p->logs, sizeof p->logs, p->home, "logs") == -1 ||
	    paths_join(p->dump, sizeof p->dump, p->home, "dump.json") == -1)
		goto toolong;
	return (0);
toolong:
	*cause = "OPM_HOME path too long";
	return (-1);
}

void
paths_runtime(struct paths *p)
{
	char		 buf[4096];
	const char	*rt = getenv("OPM_RUNTIME_DIR");
	struct stat	 st;
	FILE		*f;
	size_t		 n;

	if (rt != NULL && *rt != '\0') {
		if ((f = fopen(p->runtime_ptr, "we")) != NULL) {
			fprintf(f, "%s\n", p->runtime);
			fclose(f);
		}
		return;
	}
	if ((f = fopen(p->runtime_ptr, "re")) == NULL)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '/' && stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		strlcpy(p->runtime, buf, sizeof p->runtime);
}

/* mkdir -p for one path, each new component 0700. */
static int
paths_mkdir_p(const char *path)
{
	char	tmp[4096], *s;

	if (strlcpy(tmp, path, sizeof tmp) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (s = tmp + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return (-1);
		*s = '/';
	}
	if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
		return (-1);
	return (0);
}

int
paths_make_dirs(const struct paths *p)
{
	if (paths_mkdir_p(p->home) == -1 || paths_mkdir_p(p->runtime) == -1 ||
	    paths_mkdir_p(p->logs) == -1)
		return (-1);
	return (0);
}
