/*
 * The daemon's apps. An app is three parts, as relayd embeds host_config
 * in host: its configuration (struct app_conf: saved, sent in app files,
 * compared on restore), its runtime record (struct app_run in sup.h: state,
 * pids, counters; saved in the runtime state files and handed over on
 * reload) and the handles only this daemon process holds (pidfd, pipes,
 * timer, log files). The module is split by concern:
 *
 *	app.c		registry: create, find, wait, delete
 *	app-event.c	app_event(): carries out the state machine's actions
 *	app-spawn.c	environment, program lookup, fork/exec, exec verdict
 *	app-reap.c	exits: waitpid, pidfds of adopted apps, groups
 *	app-tree.c	processes that left the group: found, signalled,
 *			followed when the main process daemonized
 *	app-adopt.c	apps of a dead or re-executed daemon taken over
 *	app-restore.c	the dump brought up as a reconciliation
 *	app-json.c	the app object of list and info
 *	app-ready.c	readiness: notify socket, Node's IPC channel, tcp and
 *			http probes, listen_timeout, the watchdog
 */
#ifndef OPM_APP_H
#define OPM_APP_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>
#include <uv.h>

#include "conf.h"
#include "paths.h"
#include "sup.h"

struct logfile;
struct proc_ent;
struct ready_probe;

/* The readiness handles of an app (app-ready.c), never saved. */
struct app_ready {
	int			 fd;		/* notify socket, -1 */
	uv_poll_t		*poll;
	char			 path[108];	/* its NOTIFY_SOCKET value */
	int			 ipc;		/* our end of Node's channel */
	uv_poll_t		*ipcpoll;
	char			 line[512];	/* a partial line from it */
	size_t			 linelen;
	bool			 skip;		/* in a line too long */
	uv_timer_t		*timeout;	/* listen_timeout */
	uv_timer_t		*watchdog;	/* watchdog_sec */
	uv_timer_t		*retry;		/* the next probe */
	struct ready_probe	*probe;		/* a tcp/http probe under way */
	uint64_t		 delay;		/* before the next probe, ms */
	char			 status[256];	/* the last STATUS= */
	bool			 reloading;	/* RELOADING=1, not READY=1 */
	bool			 stopping;	/* STOPPING=1 */
	bool			 bitten;	/* the watchdog restarts it */
};

/* A process of the app outside its group, known by pid and start time. */
struct app_kin {
	pid_t		 pid;
	uint64_t	 start;
};

struct app_waiter {
	void			(*cb)(void *);
	void			 *arg;
	TAILQ_ENTRY(app_waiter)	  entry;
};

struct app {
	int			 id;		/* stable for the app's life */
	struct app_conf		 conf;
	struct app_run		 run;

	/* Handles of this daemon process, never saved. */
	int			 pidfd;		/* -1 when none */
	uv_poll_t		*pidpoll;	/* adopted: exit via pidfd */
	struct {
		uv_poll_t	*poll;		/* waiting for the verdict */
		int		 fd;		/* its pipe, -1 when none */
		int		 gofd;		/* held until recorded */
		bool		 failed;	/* not acted on yet */
	}			 exec;
	char			**argv;		/* of the last spawn, or NULL */
	uv_timer_t		 timer;
	struct logfile		*out;
	struct logfile		*err;
	pid_t			 session;	/* made by its spawn; 0 unknown */
	struct app_kin		*kin;		/* outside the group (app-tree.c) */
	size_t			 nkin;
	char			 note[192];	/* what info should say; "" */
	struct app_ready	 ready;
	uint64_t		 cpu_ticks;	/* last sample: cpu_percent */
	uint64_t		 cpu_when;
	TAILQ_HEAD(, app_waiter) waiters;
	TAILQ_ENTRY(app)	 entry;
};

TAILQ_HEAD(app_list, app);
extern struct app_list	apps;

/* app.c */
void		 app_init(uv_loop_t *, const struct paths *);
/*
 * Takes ownership of conf. want_id >= 0 asks for that id (restore) when it
 * is free. NULL and cause when the logs cannot open.
 */
struct app	*app_create(struct app_conf *conf, int want_id, char *cause,
		    size_t clen);
/* The state a saved dump should bring the app back to. */
bool		 app_desired_running(const struct app *);
struct app	*app_find_id(int);
struct app	*app_find_name(const char *);
/* A delete is under way: the app must not be started again. */
bool		 app_deleting(const struct app *);
/* Stops the app, then frees it; waiters are told first. */
void		 app_delete(struct app *);
/* Calls cb(arg) once the app is no longer stopping (or is freed). */
void		 app_wait(struct app *, void (*cb)(void *), void *arg);
int		 app_count(void);
int		 app_signal(struct app *, int sig);
void		 app_reset(struct app *);
/* The log file of some app with this path, or NULL. */
struct logfile	*app_logfile(const char *path);
/* Whether apps a and b would write one log file (cause names both). */
bool		 app_log_clash(const struct app_conf *a,
		    const struct app_conf *b, char *cause, size_t clen);
/* -1 when c would write a log file of another app (by name). */
int		 app_log_check(const struct app_conf *c, char *cause,
		    size_t clen);

/* app-event.c */
/* Feeds one event to the state machine and carries out its actions. */
void		 app_event(struct app *, enum sup_event);

/* app-spawn.c */
uint64_t	 app_spawned(void);
/* Launching, and the exec's verdict not known yet (or a failure not yet
 * acted on): waiters of app_wait are told when it is. */
bool		 app_exec_pending(const struct app *);
/* The environment the app starts with, sorted. NULL and cause on error. */
char		**app_environ(const struct app *, char *cause, size_t clen);
/* Resolves the program like the next spawn will. */
/* The argv the app would run now (interp.c); NULL with cause. */
char		**app_argv(const struct app_conf *, char *cause, size_t clen);
int		 app_check_program(const struct app_conf *, char *cause,
		    size_t clen);

/* app-reap.c */
/* Reaps every exited child, from the loop's next turn on (SIGCHLD). */
void		 app_reap(void);

/* app-tree.c */
/*
 * Finds a's processes (its tree, sessions it leads, and with orphans the
 * daemon's unclaimed children started after it) and remembers those outside
 * its group. The number alive besides the main process, one of them in
 * *heir (may be NULL); -1 when /proc cannot be read.
 */
int		 app_tree_scan(struct app *, bool orphans, struct proc_ent *heir);
/* Any remembered process outside the group alive. */
bool		 app_tree_alive(const struct app *);
/* Signals each remembered process that still is itself; how many. */
int		 app_tree_signal(struct app *, int sig);
void		 app_tree_forget(struct app *);
/*
 * The main process old is reaped: finds what is left of its tree. true when
 * it daemonized and the app now follows the one process left (pid, pgid and
 * reason set: feed EV_FOLLOW).
 */
bool		 app_tree_leader_gone(struct app *, pid_t old);

/* app-adopt.c */
/*
 * Recreates an app from its runtime state (state.c). ours: the processes
 * are our children (re-exec); otherwise each pid is verified through a
 * pidfd and its start time before it is adopted, and never touched if it
 * does not match. Returns the app or NULL.
 */
struct app	*app_adopt(const cJSON *st, bool ours);
/* Restarts running adopted apps whose output pipes were lost. */
void		 app_check_pipes(void);

/* app-restore.c */
/*
 * Brings the apps of the dump at path up, as a reconciliation. The result
 * array (one object per dump entry, with its action), or NULL and cause.
 */
cJSON		*app_restore(const char *path, char *cause, size_t clen);

/* app-ready.c */
/* The paths notify sockets go under (the runtime directory). */
void		 app_ready_init(const char *runtime);
/* Sets the fields of a new app's readiness handles: nothing open. */
void		 app_ready_new(struct app *);
/*
 * Before a spawn: ends the last process's readiness wait, opens what the
 * ready kind needs and adds its variables to *envp (n entries). *ipcfd is
 * the child's end of Node's channel, or -1. -1 with the reason set.
 */
int		 app_ready_prepare(struct app *, char ***envp, size_t *n,
		    int *ipcfd);
/* After the spawn (ok: it forked): closes the child's end. */
void		 app_ready_spawned(struct app *, int ipcfd, bool ok);
/* The exec verdict is in: listen_timeout runs, probes begin. */
void		 app_ready_wait(struct app *);
/* After every transition: what runs only in some states stops. */
void		 app_ready_sync(struct app *, enum app_state from);
/* A taken-over app: its notify socket again, the wait or watchdog. */
void		 app_ready_adopted(struct app *);
/* Closes everything (the app is destroyed). */
void		 app_ready_free(struct app *);
/*
 * Reload: the notify sockets and Node channels, inherited over the exec
 * (close-on-exec cleared; cloexec true sets it again when the exec
 * failed), as an array for the handover.
 */
cJSON		*app_ready_handover(void);
void		 app_ready_cloexec(void);
/* The successor: what app_ready_handover gave, before the apps adopt. */
void		 app_ready_inherit(const cJSON *);
/* Closes inherited descriptors no app took. */
void		 app_ready_inherit_end(void);
/* Launching and waiting to be ready: a start is not answered yet. */
bool		 app_ready_pending(const struct app *);
/* With a ready key, its start failed: waiting to try again, or errored. */
bool		 app_ready_failed(const struct app *);
/* Online and not reloading or stopping by its own word. */
bool		 app_ready_is(const struct app *);

/* app-json.c */
cJSON		*app_to_json(struct app *, bool detail);

/* Between the app*.c files only. */
extern uv_loop_t	*app_loop;
uint64_t	 app_now(void);			/* monotonic ms */
struct app	*app_new(struct app_conf *, int, char *, size_t);
void		 app_save(const struct app *);
void		 app_notify(struct app *);
void		 app_destroy(struct app *);
void		 app_timer_arm(struct app *, uint64_t ms);
void		 app_signal_group(struct app *, int sig);
int		 app_spawn(struct app *);
int		 app_exec_check(struct app *);
void		 app_exec_close(struct app *);
bool		 app_group_alive(const struct app *);
void		 app_gone(struct app *);
void		 app_exited_unknown(struct app *, const char *why);
void		 app_pidpoll_start(struct app *);
char		**app_setenv(char **v, size_t *n, const char *kv);

#endif
