/* Where opm keeps its files: OPM_HOME and OPM_RUNTIME_DIR. */
#ifndef OPM_PATHS_H
#define OPM_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* In a runtime directory other than OPM_HOME: the home it belongs to. */
#define PATHS_RUNTIME_OWNER	"home"

/*
 * The files in OPM_HOME are short: OPM_HOME/opmd.sock must fit in
 * sun_path (108 bytes), so OPM_HOME is at most 97 bytes and none of them
 * needs more than PATHS_FILE_MAX. They come first and the two long
 * directories last, so filling the struct writes two or three pages, not
 * nine: each page first written costs a CLI command a page fault.
 */
#define PATHS_FILE_MAX		128

struct paths {
	char	sock[108];	/* control socket (sun_path sized) */
	char	pidfile[PATHS_FILE_MAX];	/* single-instance lock, pid */
	char	startlock[PATHS_FILE_MAX];	/* serialises daemon starts */
	char	daemon_log[PATHS_FILE_MAX];
	char	logs[PATHS_FILE_MAX];	/* app log directory */
	char	dump[PATHS_FILE_MAX];
	char	runtime_ptr[PATHS_FILE_MAX];	/* records the runtime dir */
	char	home[4096];	/* OPM_HOME, default $HOME/.opm */
	char	runtime[4096];	/* OPM_RUNTIME_DIR, default OPM_HOME */
};

/*
 * Fills p from the environment (every member a string; the bytes after
 * each NUL are left as they were). -1 and *cause when a path is too long.
 */
int	paths_init(struct paths *p, const char **cause);
/*
 * The daemon's runtime directory: OPM_RUNTIME_DIR when set (and then
 * recorded in OPM_HOME), else the one a previous daemon recorded, so that a
 * daemon started by a CLI after a crash finds state written under systemd.
 */
void	paths_runtime(struct paths *p);
/* mkdir -p with mode 0700 for OPM_HOME, the runtime and the log dirs. */
int	paths_make_dirs(const struct paths *p);
/*
 * What a CLI does before it starts a daemon, and a daemon when it starts:
 * mkdir -p OPM_HOME and the runtime directory (new ones 0700), refuse them
 * unless they are the caller's (paths_check), then create the log
 * directory. -1 and *cause (one line) on failure.
 */
int	paths_prepare(const struct paths *p, const char **cause);
/*
 * Refuses (-1, *cause) an OPM_HOME or runtime directory that is not the
 * caller's: owned by another uid, group- or other-writable, not a
 * directory, or a symbolic link somebody else made. Checked before a
 * daemon is started (CLI) and when it starts (opmd).
 */
int	paths_check(const struct paths *p, const char **cause);
/*
 * A runtime directory other than OPM_HOME serves one home: the first
 * daemon records its home in RUNTIME/home, and a daemon of any other home
 * is refused (-1, *cause naming both) instead of adopting its apps.
 */
int	paths_claim_runtime(const struct paths *p, const char **cause);
/* A clean stop with nothing left running gives the directory up. */
void	paths_release_runtime(const struct paths *p);

#endif
