/* Where opm keeps its files: OPM_HOME and OPM_RUNTIME_DIR. */
#ifndef OPM_PATHS_H
#define OPM_PATHS_H

#include <stddef.h>

struct paths {
	char	home[4096];	/* OPM_HOME, default $HOME/.opm */
	char	runtime[4096];	/* OPM_RUNTIME_DIR, default OPM_HOME */
	char	sock[108];	/* control socket (sun_path sized) */
	char	pidfile[4096];	/* single-instance lock and pid */
	char	startlock[4096];/* serialises daemon starts by CLIs */
	char	daemon_log[4096];
	char	logs[4096];	/* app log directory */
	char	dump[4096];
};

/* Fills p from the environment. -1 and *cause when a path is too long. */
int	paths_init(struct paths *p, const char **cause);
/* mkdir -p with mode 0700 for OPM_HOME, the runtime and the log dirs. */
int	paths_make_dirs(const struct paths *p);

#endif
