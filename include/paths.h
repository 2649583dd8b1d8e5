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
	char	runtime_ptr[4096];	/* records the runtime dir in use */
};

/* Fills p from the environment. -1 and *cause when a path is too long. */
int	paths_init(struct paths *p, const char **cause);
/*
 * The daemon's runtime directory: OPM_RUNTIME_DIR when set (and then
 * recorded in OPM_HOME), else the one a previous daemon recorded, so that a
 * daemon started by a CLI after a crash finds state written under systemd.
 */
void	paths_runtime(struct paths *p);
/* mkdir -p with mode 0700 for OPM_HOME, the runtime and the log dirs. */
int	paths_make_dirs(const struct paths *p);

#endif
