/*
 * Where opm keeps its files. Everything lives under OPM_HOME (default
 * $HOME/.opm); state holding pids goes to OPM_RUNTIME_DIR when it is set.
 *
 * Both directories must be the caller's own (tmux's and OpenSSH's rule):
 * a daemon started in a directory another user can write runs whatever
 * that user planted there. Files inside are opened without following
 * symbolic links (O_NOFOLLOW) by every module that creates one.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

static char	paths_why[PATH_MAX + 256];	/* the last *cause */

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
		snprintf(paths_why, sizeof paths_why, "OPM_HOME too long "
		    "(%zu bytes, at most %zu): OPM_HOME/opmd.sock must fit in "
		    "107 bytes", strlen(p->home),
		    sizeof p->sock - sizeof "/opmd.sock");
		*cause = paths_why;
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

	int		 fd;

	if (rt != NULL && *rt != '\0') {
		fd = open(p->runtime_ptr, O_WRONLY | O_CREAT | O_TRUNC |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 && (f = fdopen(fd, "w")) != NULL) {
			fprintf(f, "%s\n", p->runtime);
			fclose(f);
		} else if (fd != -1)
			close(fd);
		return;
	}
	if ((fd = open(p->runtime_ptr, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return;
	}
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
paths_prepare(const struct paths *p, const char **cause)
{
	*cause = paths_why;
	if (paths_mkdir_p(p->home) == -1) {
		snprintf(paths_why, sizeof paths_why, "cannot create %s: %s",
		    p->home, strerror(errno));
		return (-1);
	}
	if (paths_mkdir_p(p->runtime) == -1) {
		snprintf(paths_why, sizeof paths_why, "cannot create %s: %s",
		    p->runtime, strerror(errno));
		return (-1);
	}
	if (paths_check(p, cause) == -1)
		return (-1);
	*cause = paths_why;
	if (mkdir(p->logs, 0700) == -1 && errno != EEXIST) {
		snprintf(paths_why, sizeof paths_why, "cannot create %s: %s",
		    p->logs, strerror(errno));
		return (-1);
	}
	*cause = NULL;
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

/*
 * One directory opm would trust: it is a directory, owned by the caller,
 * and neither group- nor other-writable. A symbolic link to it is fine
 * when the caller or root made the link (~/.opm -> /data/opm), not when
 * somebody else planted it.
 */
static int
paths_check_dir(const char *what, const char *path, const char **cause)
{
	struct stat	st;
	uid_t		uid = geteuid();

	*cause = paths_why;
	if (lstat(path, &st) == -1) {
		snprintf(paths_why, sizeof paths_why, "%s %s: %s", what, path,
		    strerror(errno));
		return (-1);
	}
	if (S_ISLNK(st.st_mode)) {
		if (st.st_uid != uid && st.st_uid != 0) {
			snprintf(paths_why, sizeof paths_why, "%s %s is a "
			    "symbolic link made by uid %u; refusing it", what,
			    path, (unsigned)st.st_uid);
			return (-1);
		}
		if (stat(path, &st) == -1) {
			snprintf(paths_why, sizeof paths_why, "%s %s: %s",
			    what, path, strerror(errno));
			return (-1);
		}
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(paths_why, sizeof paths_why, "%s %s is not a "
		    "directory; refusing it", what, path);
		return (-1);
	}
	if (st.st_uid != uid) {
		snprintf(paths_why, sizeof paths_why, "%s %s is owned by uid "
		    "%u, not by uid %u; refusing it", what, path,
		    (unsigned)st.st_uid, (unsigned)uid);
		return (-1);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(paths_why, sizeof paths_why, "%s %s is writable by "
		    "%s (mode %04o); refusing it (chmod go-w %s)", what, path,
		    st.st_mode & S_IWOTH ? "others" : "its group",
		    (unsigned)(st.st_mode & 07777), path);
		return (-1);
	}
	*cause = NULL;
	return (0);
}

int
paths_check(const struct paths *p, const char **cause)
{
	if (paths_check_dir("OPM_HOME", p->home, cause) == -1)
		return (-1);
	if (strcmp(p->runtime, p->home) != 0 &&
	    paths_check_dir("runtime directory", p->runtime, cause) == -1)
		return (-1);
	return (0);
}

/* "DEV INO PATH": who a home is, whatever name it is reached by. */
static int
paths_home_id(const char *home, char *buf, size_t len)
{
	char		rp[PATH_MAX];
	struct stat	st;

	if (realpath(home, rp) == NULL || stat(rp, &st) == -1)
		return (-1);
	if ((size_t)snprintf(buf, len, "%llu %llu %s\n",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    rp) >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/* Same home: same device and inode (a moved home), or same path. */
static bool
paths_same_home(const char *a, const char *b)
{
	unsigned long long	 da, ia, db, ib;
	int			 na, nb;

	if (sscanf(a, "%llu %llu %n", &da, &ia, &na) != 2 ||
	    sscanf(b, "%llu %llu %n", &db, &ib, &nb) != 2)
		return (false);
	return ((da == db && ia == ib) || strcmp(a + na, b + nb) == 0);
}

int
paths_claim_runtime(const struct paths *p, const char **cause)
{
	char	 mine[PATH_MAX + 64], theirs[PATH_MAX + 64], tmp[PATH_MAX + 32];
	char	*nl;
	ssize_t	 n;
	int	 dfd, fd, try;

	*cause = paths_why;
	if (strcmp(p->runtime, p->home) == 0)
		return (0);
	if (paths_home_id(p->home, mine, sizeof mine) == -1) {
		snprintf(paths_why, sizeof paths_why, "OPM_HOME %s: %s",
		    p->home, strerror(errno));
		return (-1);
	}
	if ((dfd = open(p->runtime, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		goto fail;
	for (try = 0; try < 2; try++) {
		fd = openat(dfd, PATHS_RUNTIME_OWNER, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1) {
			n = read(fd, theirs, sizeof theirs - 1);
			close(fd);
			theirs[n > 0 ? n : 0] = '\0';
			close(dfd);
			if (paths_same_home(mine, theirs))
				return (0);
			if ((nl = strchr(theirs, '\n')) != NULL)
				*nl = '\0';
			nl = strchr(theirs, ' ');
			nl = nl != NULL ? strchr(nl + 1, ' ') : NULL;
			snprintf(paths_why, sizeof paths_why, "runtime "
			    "directory %s belongs to OPM_HOME %s; refusing "
			    "to share it (give each home its own "
			    "OPM_RUNTIME_DIR)", p->runtime,
			    nl != NULL ? nl + 1 : "(unreadable)");
			return (-1);
		}
		if (errno != ENOENT)
			break;
		/* Written whole, then linked: a reader never sees half. */
		snprintf(tmp, sizeof tmp, "%s/%s.XXXXXX", p->runtime,
		    PATHS_RUNTIME_OWNER);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
			break;
		n = write(fd, mine, strlen(mine));
		if (close(fd) == -1 || n != (ssize_t)strlen(mine)) {
			unlink(tmp);
			break;
		}
		if (linkat(AT_FDCWD, tmp, dfd, PATHS_RUNTIME_OWNER, 0) == 0) {
			unlink(tmp);
			close(dfd);
			return (0);
		}
		unlink(tmp);
		if (errno != EEXIST)
			break;
	}
	close(dfd);
fail:
	snprintf(paths_why, sizeof paths_why, "runtime directory %s: %s",
	    p->runtime, strerror(errno));
	return (-1);
}

void
paths_release_runtime(const struct paths *p)
{
	char	mine[PATH_MAX + 64], theirs[PATH_MAX + 64], path[PATH_MAX + 32];
	ssize_t	n;
	int	fd;

	if (strcmp(p->runtime, p->home) == 0 ||
	    paths_home_id(p->home, mine, sizeof mine) == -1)
		return;
	snprintf(path, sizeof path, "%s/%s", p->runtime, PATHS_RUNTIME_OWNER);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	n = read(fd, theirs, sizeof theirs - 1);
	close(fd);
	theirs[n > 0 ? n : 0] = '\0';
	if (paths_same_home(mine, theirs))
		unlink(path);
}
