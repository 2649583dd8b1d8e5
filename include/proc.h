/*
 * Processes: spawn an app in its own session, signal its process group,
 * read its tree's memory and CPU from /proc. Reaping is not here: the
 * daemon's single SIGCHLD watcher reaps with waitpid(-1) (see app-reap.c).
 */
#ifndef OPM_PROC_H
#define OPM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_LISTEN_MAX	16	/* sockets passed to one process */

struct proc_spec {
	const char	 *path;		/* resolved executable */
	char *const	 *argv;
	char *const	 *envp;
	const char	 *cwd;
	int		  out_fd;	/* becomes stdout */
	int		  err_fd;	/* becomes stderr */
	/*
	 * Sockets passed with the systemd protocol: listen_fds[i] becomes fd
	 * 3 + i, inheritable; everything else above 2 is closed. listen_pid
	 * points into the value of envp's LISTEN_PID= entry, with room for
	 * 20 digits: the child writes its own pid there before exec.
	 */
	const int	 *listen_fds;
	size_t		  nlisten;
	char		 *listen_pid;
	int		  ipc_fd;	/* becomes fd 3 (Node's channel); -1 */
	/*
	 * Issue 16: limits set with setrlimit, then the identity: setgroups,
	 * setgid, setuid, in that order, before the chdir (the cwd is entered
	 * as the app's user). Resolved by the caller (ident.h): the child
	 * looks nothing up.
	 */
	const struct proc_rlimit *rlimits;
	size_t		  nrlimits;
	bool		  set_gid;
	bool		  set_uid;
	gid_t		  gid;
	uid_t		  uid;
	const gid_t	 *groups;
	size_t		  ngroups;
	/*
	 * The app's runtime record, written by the child before it execs
	 * when proc_spawn_direct(): text holds PROC_REC_PID where the pid
	 * goes and PROC_REC_START where its start time goes, and has room
	 * for PROC_REC_PAGE bytes (the child pads it with spaces). NULL: no
	 * record (the caller writes it before proc_release).
	 */
	char		 *rec_text;
	size_t		  rec_len;
	const char	 *rec_path;
	const char	 *rec_tmp;
};

#define PROC_REC_PID	"4194303"	/* as many digits as any pid */
#define PROC_REC_START	"999999999999"	/* clock ticks after boot */
#define PROC_REC_PAGE	4096

/* One resource limit for the child. */
struct proc_rlimit {
	int		  resource;	/* RLIMIT_* */
	uint64_t	  soft;		/* UINT64_MAX: unlimited */
	uint64_t	  hard;
};

/*
 * fork + exec in a new session, without waiting for the exec: the loop
 * must not stall on a slow exec. Returns the pid, or -1 with cause[] when
 * fork itself failed. *execfd (non-blocking, close-on-exec) reads EOF once
 * exec succeeded, or a failure record: see proc_exec_result. *pidfd gets a
 * pidfd for the child, or -1. *gofd: see proc_release.
 */
pid_t	 proc_spawn(const struct proc_spec *, int *pidfd, int *execfd,
	    int *gofd, char *cause, size_t clen);
/*
 * The child waits before exec until proc_release(*gofd): the caller first
 * records the pid where a successor daemon will find it. If the caller
 * dies before, the child reads EOF and exits without running anything,
 * so a SIGKILL between fork and record never leaves an unknown copy.
 */
void	 proc_release(int gofd);
/*
 * The verdict on execfd: 0 exec done, 1 failed (cause[] says where and
 * why), -1 not known yet. The caller closes execfd (after stopping any
 * watcher on it: libuv must forget an fd before its number is reused).
 */
int	 proc_exec_result(int execfd, const struct proc_spec *, char *cause,
	    size_t clen);
/*
 * Records what apps get, whatever the daemon sets for itself later: mask
 * (the umask the daemon started with) and the current soft limits. Call
 * before raising any limit, and before opening anything: it reserves the
 * descriptor slots of the vfork spawn (proc.c) as low as they can be.
 */
void	 proc_defaults(mode_t mask);
/*
 * true when proc_spawn uses vfork: the child writes spec's record itself
 * and there is no go pipe (*gofd is -1). false: fork, and the caller
 * writes the record before proc_release.
 */
bool	 proc_spawn_direct(void);
/* The umask and soft RLIMIT_NOFILE of apps, carried over a re-exec. */
void	 proc_defaults_get(mode_t *mask, uint64_t *nofile);
void	 proc_defaults_set(mode_t mask, uint64_t nofile);
/* Default dispositions for inherited ignored signals, an empty mask. */
void	 proc_signals_reset(void);
/* 0 if cwd is a directory we may enter; -1 with "cwd PATH: why". */
int	 proc_cwd_check(const char *cwd, char *cause, size_t clen);
/* Finds prog as execvp would, with PATH from envp and relative to cwd. */
int	 proc_resolve(const char *prog, const char *cwd, char *const *envp,
	    char *out, size_t outlen, const char **cause);
/* A pidfd for pid, or -1. */
int	 proc_pidfd(pid_t pid);
/* kill(-pgid, sig); refuses pgid <= 1. */
int	 proc_signal_group(pid_t pgid, int sig);
/* true while any process of the group exists. */
bool	 proc_group_alive(pid_t pgid);
/* The same, not counting zombies (scans /proc: use sparingly). */
bool	 proc_group_alive_nz(pid_t pgid);

/* One process as /proc/PID/stat shows it. */
struct proc_ent {
	pid_t		 pid;
	pid_t		 ppid;
	pid_t		 pgid;
	pid_t		 sid;
	uint64_t	 start;		/* field 22, clock ticks after boot */
	bool		 zombie;
};
/* pid's entry; -1 when it is gone. */
/* /proc/PID/stat from field 3 (the state) on, in buf; NULL if gone. */
const char *proc_stat_fields(pid_t, char *buf, size_t len);
int	 proc_stat_ent(pid_t pid, struct proc_ent *);
/* Every process, sorted by pid, in *out (the caller frees); -1 on error. */
int	 proc_scan(struct proc_ent **out, size_t *n);
/* The entry of pid in a sorted scan, or NULL. */
const struct proc_ent *proc_scan_find(const struct proc_ent *, size_t n,
	    pid_t pid);
/* pid is still the process started at start, and not a zombie. */
bool	 proc_alive_as(pid_t pid, uint64_t start);
/*
 * Signals pid only if it still is the process started at start: through a
 * pidfd opened before the check, so a recycled pid is never hit. -1 with
 * errno ESRCH when it is gone.
 */
int	 proc_signal_as(pid_t pid, uint64_t start, int sig);

/* The children of the calling process (every thread's), at most max. */
size_t	 proc_own_children(pid_t *out, size_t max);

struct proc_stats {
	uint64_t	rss;		/* bytes, whole tree */
	uint64_t	cpu_ticks;	/* utime + stime, whole tree */
	unsigned	nprocs;
};
int	 proc_stats(pid_t pid, struct proc_stats *);
/* The same, added to what ps holds already; -1 when pid is gone. */
int	 proc_stats_add(pid_t pid, struct proc_stats *);
/* Clock ticks per second for cpu_ticks. */
long	 proc_hz(void);

/*
 * Raises the soft RLIMIT_NOFILE to the hard one: thousands of clients,
 * apps and log pipes need descriptors (about 5 a running app). Never
 * lowers. Apps get the soft limit the daemon started with (proc_defaults).
 */
void	 proc_raise_nofile(void);
/* Descriptors open in this process and its RLIMIT_NOFILE (-1: unknown). */
int	 proc_nofile(long *open, long *limit);

#endif
