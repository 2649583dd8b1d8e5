/*
 * The cgroup v2 tree of the daemon's apps (include/cgroup.h). Plain files:
 * a value is one write(2) to a file of the tree, as the kernel wants it.
 */
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup.h"
#include "rlim.h"

static const char *const cgroup_names[] = { "cpu", "memory", "pids", NULL };

/* Reads path into buf (NUL-terminated); -1 with errno. */
static int
cgroup_read(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (0);
}

/* Writes s to path in one write; -1 with errno. */
static int
cgroup_write(const char *path, const char *s)
{
	ssize_t	n;
	int	fd, e;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return (-1);
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return (n == (ssize_t)strlen(s) ? 0 : -1);
}

/* The controller bits named in a space-separated list. */
static unsigned
cgroup_bits(const char *list)
{
	char		 copy[1024], *w, *save;
	unsigned	 m = 0;
	int		 i;

	strlcpy(copy, list, sizeof copy);
	for (w = strtok_r(copy, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save)) {
		for (i = 0; cgroup_names[i] != NULL; i++) {
			if (strcmp(w, cgroup_names[i]) == 0)
				m |= 1u << i;
		}
	}
	return (m);
}

void
cgroup_probe(struct cgroup_tree *t, const char *root, const char *self,
    bool check_fs)
{
	struct statfs	 sf;
	char		 buf[8192], path[4200], *line, *save, *rel = NULL, *slash;
	size_t		 n;

	memset(t, 0, sizeof *t);
	if (check_fs && (statfs(root, &sf) == -1 ||
	    sf.f_type != CGROUP2_SUPER_MAGIC)) {
		snprintf(t->why, sizeof t->why, "%s is not a cgroup2 file "
		    "system (cgroup v1 or hybrid)", root);
		return;
	}
	if (cgroup_read(self, buf, sizeof buf) == -1) {
		snprintf(t->why, sizeof t->why, "%s: %s", self,
		    strerror(errno));
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) == 0)
			rel = line + 3;
	}
	if (rel == NULL || *rel != '/') {
		snprintf(t->why, sizeof t->why, "%s has no cgroup v2 line",
		    self);
		return;
	}
	/* Moved to the leaf by us (or the daemon before a reload). */
	if ((slash = strrchr(rel, '/')) != NULL &&
	    strcmp(slash + 1, CGROUP_LEAF) == 0)
		*slash = '\0';
	n = strlen(rel);
	while (n > 0 && rel[n - 1] == '/')
		rel[--n] = '\0';
	if (snprintf(t->base, sizeof t->base, "%s%s", root, rel) >=
	    (int)sizeof t->base) {
		snprintf(t->why, sizeof t->why, "cgroup path too long");
		return;
	}
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", t->base);
	if (access(t->base, W_OK) == -1 || access(path, W_OK) == -1) {
		snprintf(t->why, sizeof t->why, "the daemon's cgroup %.160s is "
		    "not delegated to it (not writable: %s)", rel[0] ? rel :
		    "/", strerror(errno));
		return;
	}
	snprintf(path, sizeof path, "%s/cgroup.controllers", t->base);
	if (cgroup_read(path, buf, sizeof buf) == 0)
		t->avail = cgroup_bits(buf);
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", t->base);
	if (cgroup_read(path, buf, sizeof buf) == 0)
		t->enabled = cgroup_bits(buf);
	t->ok = true;
}

void
cgroup_app_dir(const struct cgroup_tree *t, int id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/app-%d", t->base, id);
}

/*
 * Moves every process of base to base/CGROUP_LEAF, then enables the
 * controllers of want in base's subtree_control.
 */
static int
cgroup_enable(struct cgroup_tree *t, unsigned want, char *cause, size_t clen)
{
	char		 path[4200], leaf[4200], buf[65536], list[64] = "";
	char		*w, *save;
	unsigned	 missing = want & ~t->enabled;
	int		 i;

	if (missing == 0)
		return (0);
	if ((missing & ~t->avail) != 0) {
		for (i = 0; cgroup_names[i] != NULL; i++) {
			if (missing & ~t->avail & (1u << i))
				snprintf(list, sizeof list, "%s", cgroup_names[i]);
		}
		snprintf(cause, clen, "the %s controller is not available in "
		    "the daemon's cgroup %s", list, t->base);
		return (-1);
	}
	snprintf(leaf, sizeof leaf, "%s/%s", t->base, CGROUP_LEAF);
	if (mkdir(leaf, 0755) == -1 && errno != EEXIST)
		goto fail_leaf;
	snprintf(path, sizeof path, "%s/cgroup.procs", t->base);
	snprintf(leaf, sizeof leaf, "%s/%s/cgroup.procs", t->base,
	    CGROUP_LEAF);
	if (cgroup_read(path, buf, sizeof buf) == 0) {
		for (w = strtok_r(buf, "\n", &save); w != NULL;
		    w = strtok_r(NULL, "\n", &save)) {
			if (cgroup_write(leaf, w) == -1 && errno != ESRCH)
				goto fail_leaf;
		}
	}
	for (i = 0; cgroup_names[i] != NULL; i++) {
		if (missing & (1u << i)) {
			strlcat(list, list[0] ? " +" : "+", sizeof list);
			strlcat(list, cgroup_names[i], sizeof list);
		}
	}
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", t->base);
	if (cgroup_write(path, list) == -1) {
		snprintf(cause, clen, "%s: writing %s: %s", path, list,
		    strerror(errno));
		return (-1);
	}
	t->enabled |= missing;
	return (0);
fail_leaf:
	snprintf(cause, clen, "%s: %s", leaf, strerror(errno));
	return (-1);
}

int
cgroup_prepare(struct cgroup_tree *t, int id, uint64_t cpu_max,
    uint64_t memory_max, uint64_t pids_max, char *cause, size_t clen)
{
	const uint64_t	 v[3] = { cpu_max, memory_max, pids_max };
	const unsigned	 bit[3] = { CGROUP_CPU, CGROUP_MEMORY, CGROUP_PIDS };
	char		 dir[4200], path[4300], val[64];
	unsigned	 want = 0;
	int		 k;

	for (k = 0; k < 3; k++) {
		if (v[k] != 0)
			want |= bit[k];
	}
	if (want != 0 && cgroup_enable(t, want, cause, clen) == -1)
		return (-1);
	cgroup_app_dir(t, id, dir, sizeof dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(cause, clen, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	/* Every enabled one, "max" when not set: a removed limit goes. */
	for (k = 0; k < 3; k++) {
		if (!(t->enabled & bit[k]))
			continue;
		rlim_cg_value(k, v[k], val, sizeof val);
		snprintf(path, sizeof path, "%s/%s", dir, rlim_cg_file(k));
		if (cgroup_write(path, val) == -1) {
			snprintf(cause, clen, "%s: writing %s: %s", path, val,
			    strerror(errno));
			return (-1);
		}
	}
	return (0);
}

int
cgroup_attach(const struct cgroup_tree *t, int id, pid_t pid)
{
	char	dir[4200], path[4300], num[24];

	cgroup_app_dir(t, id, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	snprintf(num, sizeof num, "%d", (int)pid);
	return (cgroup_write(path, num));
}

int
cgroup_kill(const struct cgroup_tree *t, int id)
{
	char	dir[4200], path[4300];
	int	fd;
	ssize_t	n;

	cgroup_app_dir(t, id, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cgroup.kill", dir);
	/* Never created: only a kernel of 5.14 or later has it. */
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = write(fd, "1", 1);
	close(fd);
	return (n == 1 ? 0 : -1);
}

bool
cgroup_populated(const struct cgroup_tree *t, int id)
{
	char	dir[4200], path[4300], buf[64];

	cgroup_app_dir(t, id, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	return (cgroup_read(path, buf, sizeof buf) == 0 && buf[0] != '\0');
}

int
cgroup_remove(const struct cgroup_tree *t, int id)
{
	char	dir[4200];

	cgroup_app_dir(t, id, dir, sizeof dir);
	return (rmdir(dir));
}
