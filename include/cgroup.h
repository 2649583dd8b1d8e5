/*
 * cgroup v2 for apps (issue 16 item 2), where the daemon's own cgroup is
 * delegated to it (systemd's Delegate=yes): each app in a child cgroup of
 * the daemon's, BASE/app-ID, its cpu.max, memory.max and pids.max written
 * there, and cgroup.kill for a stop's final SIGKILL. Every path is under
 * the root given to cgroup_probe, so the unit tests run on a fake tree in
 * a temporary directory.
 *
 * The no-internal-process rule: a cgroup that hands controllers to its
 * children holds no process itself. So only when an app needs a controller
 * do the processes of BASE (the daemon, its keeper) move to BASE/opmd and
 * the controllers get enabled in BASE/cgroup.subtree_control.
 */
#ifndef OPM_CGROUP_H
#define OPM_CGROUP_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP_LEAF	"opmd"		/* where the daemon moves */

/* Controllers, as bits. */
#define CGROUP_CPU	0x1u
#define CGROUP_MEMORY	0x2u
#define CGROUP_PIDS	0x4u

struct cgroup_tree {
	bool		 ok;		/* usable; else why says why not */
	char		 why[512];
	char		 base[4096];	/* the daemon's cgroup, a directory */
	unsigned	 avail;		/* controllers of base */
	unsigned	 enabled;	/* in base's subtree_control */
};

/*
 * Looks at root (a cgroup2 mount when check_fs: statfs magic) and at the
 * daemon's cgroup as self (a /proc/PID/cgroup file) names it: the "0::"
 * line. A cgroup named CGROUP_LEAF is one this daemon or its predecessor
 * moved to: its parent is the base. Usable when base, its cgroup.procs and
 * cgroup.subtree_control are writable. Fills t, ok or why.
 */
void	 cgroup_probe(struct cgroup_tree *t, const char *root,
	    const char *self, bool check_fs);
/* BASE/app-ID. */
void	 cgroup_app_dir(const struct cgroup_tree *, int id, char *buf,
	    size_t len);
/*
 * Creates the app's cgroup (kept if there) and writes its limits (0: not
 * set, "max"); enables the controllers they need first. -1 with a cause.
 */
int	 cgroup_prepare(struct cgroup_tree *, int id, uint64_t cpu_max,
	    uint64_t memory_max, uint64_t pids_max, char *cause, size_t clen);
/* Moves pid into the app's cgroup; -1 with errno. */
int	 cgroup_attach(const struct cgroup_tree *, int id, pid_t pid);
/* Writes 1 to the app's cgroup.kill; -1 with errno (ENOENT: no such file). */
int	 cgroup_kill(const struct cgroup_tree *, int id);
/* Whether processes are left in the app's cgroup (cgroup.procs). */
bool	 cgroup_populated(const struct cgroup_tree *, int id);
/* Removes the app's cgroup once empty; -1 with errno. */
int	 cgroup_remove(const struct cgroup_tree *, int id);

#endif
