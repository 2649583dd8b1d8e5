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
 *	app-deps.c	start order (depends_on): held starts, ordered stops
 *	app-json.c	the app object of list and info
 *	app-listen.c	the listening sockets opm owns for an app
 *	app-ready.c	readiness: notify socket, Node's IPC channel, tcp and
 *			http probes, listen_timeout, the watchdog
 *	app-cron.c	schedules: cron_restart on one realtime timerfd
 *	app-reload.c	the rolling reload: a second record per app while its
 *			new process starts and its old one stops
 *	app-memory.c	max_memory_restart: one sampler for all apps
 *	app-health.c	health checks (probes of probe.c)
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
#include "cron.h"
#include "paths.h"
#include "sup.h"

struct logfile;
struct proc_ent;
struct ready_probe;
struct app_watch;
struct proc_stats;
struct probe;

/*
 * The readiness handles of an app (app-ready.c), never saved. Buffers
 * only some apps need are allocated when they do: 10,000 apps are
 * within 40 MB of daemon memory (bench/scale.sh).
 */
#define APP_READY_LINE	512
struct app_ready {
	int			 fd;		/* notify socket, -1 */
	uv_poll_t		*poll;
	char			 path[108];	/* its NOTIFY_SOCKET value */
	int			 ipc;		/* our end of Node's channel */
	uv_poll_t		*ipcpoll;
	char			*line;		/* a partial line from it
						   (APP_READY_LINE), while
						   the channel is open */
	size_t			 linelen;
	bool			 skip;		/* in a line too long */
	uv_timer_t		*timeout;	/* listen_timeout */
	uv_timer_t		*watchdog;	/* watchdog_sec */
	uv_timer_t		*retry;		/* the next probe */
	struct probe		*probe;		/* a tcp/http probe under way */
	uint64_t		 delay;		/* before the next probe, ms */
	char			 status[256];	/* the last STATUS= */
	bool			 reloading;	/* RELOADING=1, not READY=1 */
	bool			 stopping;	/* STOPPING=1 */
	bool			 bitten;	/* the watchdog restarts it */
};

/* Health checks of an app (app-health.c), never saved. */
struct app_health {
	uv_timer_t		*timer;		/* the next check */
	struct probe		*probe;		/* a check under way */
	const char		*status;	/* off, starting, healthy,
						   unhealthy */
	unsigned		 failures;	/* in a row */
	unsigned long		 checks;	/* ended, for info */
	/* The last check's outcome, the last restart's reason; NULL. */
	char			*last;
	char			*restart;
};

/* What the memory sampler saw of an app (app-memory.c), never saved. */
struct app_mem {
	uint64_t		 seen;		/* bytes, last sample */
	unsigned		 over;		/* samples over, in a row */
	char			 last[128];	/* the last restart's reason */
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
	/*
	 * An app with instances is one struct app per instance, each with
	 * a copy of the configuration (conf.instances, kept equal) and
	 * its number here, 0 to N-1; -1 for an app without instances.
	 */
	int			 instance;
	char			 label[OPM_NAME_MAX + 16]; /* NAME or NAME:K */
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
	bool			 late;		/* on app-event.c's late list */
	TAILQ_ENTRY(app)	 late_entry;
	struct logfile		*out;
	struct logfile		*err;
	/* Listening sockets, one per conf.listen (-1: not bound); NULL. */
	int			*lfds;
	pid_t			 session;	/* made by its spawn; 0 unknown */
	struct app_kin		*kin;		/* outside the group (app-tree.c) */
	size_t			 nkin;
	char			 note[192];	/* what info should say; "" */
	struct app_ready	 ready;
	struct app_watch	*watch;		/* app-watch.c; NULL: none */
	struct app_health	 health;
	struct app_mem		 mem;
	uint64_t		 cpu_ticks;	/* last sample: cpu_percent */
	uint64_t		 cpu_when;
	/* Events and metrics (events.c, cmd-metrics.c), never saved. */
	struct {
		int		 ready;		/* 0 unknown, 1 no, 2 yes */
		uint64_t	 cpu_acc;	/* ticks counted so far */
		uint64_t	 cpu_last;	/* the tree's, last sample */
		pid_t		 cpu_pid;	/* whose tree that was */
	}			 obs;
	/* cron_restart (app-cron.c): never saved, computed from conf. */
	struct {
		bool		 on;
		struct cron	 expr;
		time_t		 next;		/* wall clock; 0: none */
		time_t		 last;		/* the last time that came */
	}			 cron;
	TAILQ_HEAD(, app_waiter) waiters;
	/*
	 * A rolling reload (app-reload.c): the listed record's peer is the
	 * hidden one, and the hidden one's peer is the listed one. A hidden
	 * record is in app_hidden, not in apps: no target, list or dump
	 * sees it; it has the same id, borrows the listed one's sockets,
	 * log files and notify socket, and saves through it (peer_pid).
	 */
	struct app		*peer;
	bool			 hidden;
	TAILQ_ENTRY(app)	 entry;
	/* The lookup tables (app-index.c). */
	struct app		*name_next;
	struct app		*out_next;
	struct app		*pid_next;
	pid_t			 pid_key;	/* indexed under; 0: not */
};

TAILQ_HEAD(app_list, app);
extern struct app_list	apps;
extern struct app_list	app_hidden;	/* reloads' other records */

/* app.c */
void		 app_init(uv_loop_t *, const struct paths *);
/* app-index.c: the tables behind the lookups. */
void		 app_index_add(struct app *);
void		 app_index_del(struct app *);
void		 app_index_unlist(struct app *);
/* Indexes a under its main pid (run.pid) after that changed. */
void		 app_pid_sync(struct app *);
/* The app whose main process is pid, or NULL. */
struct app	*app_find_pid(pid_t);
/* An app whose out log is path and whose name is not skip, or NULL. */
struct app	*app_find_out(const char *path, const char *skip);
/* Apps with a log path of their own (out_file, error_file, log_file). */
size_t		 app_count_keyed(void);
/* Whether c sets a log path of its own. */
bool		 app_log_keyed(const struct app_conf *c);
/*
 * Takes ownership of conf. want_id >= 0 asks for that id (restore) when it
 * is free. NULL and cause when the logs cannot open.
 */
struct app	*app_create(struct app_conf *conf, int want_id, int instance,
		    char *cause, size_t clen);
/* The same with the listening sockets bound already (taken, even on NULL). */
struct app	*app_create_bound(struct app_conf *conf, int want_id,
		    int instance, int *lfds, char *cause, size_t clen);
/*
 * Creates every instance of conf (ownership taken): one app when it has
 * no instances, else conf->instances apps, instance K asking for ids[K]
 * when K < nids. The first, or NULL and cause (none created).
 */
struct app	*app_create_group(struct app_conf *conf, const int *ids,
		    size_t nids, char *cause, size_t clen);
/* A copy of c, env_base included. */
void		 app_conf_copy(struct app_conf *dst, const struct app_conf *c);
/* The instance k of the app called name, or NULL. */
struct app	*app_find_instance(const char *name, int k);
/* The next app of a's name after a (its next instance), or NULL. */
struct app	*app_next_same(const struct app *a);
/* How many apps are called name (its instances). */
int		 app_count_name(const char *name);
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
/*
 * A restart trigger fired (watch, memory, cron, health): a graceful
 * restart counted under cause, with reason logged and kept for info
 * (a failed start for memory right after the start: src/process/sup.c).
 * Does nothing where the app is not running (or, for watch, waiting).
 */
void		 app_trigger(struct app *, enum restart_cause,
		    const char *reason);

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

/* app-prod.c: user, group, limits, cgroup (issue 16) */
struct ident;
struct proc_spec;
struct proc_rlimit;
/* Looks at the cgroup v2 tree once, at start-up. */
void		 app_prod_init(void);
/* At creation: -1 with a cause naming the key (user, group, cpu_max...). */
int		 app_prod_check(const struct app_conf *, char *cause,
		    size_t clen);
/* HOME, USER, LOGNAME, SHELL of the app's user set in v (n entries). */
char		**app_prod_environ(const struct app *, char **v, size_t *n);
/*
 * Before the fork: spec's limits (in rl, RLIM_NKEYS entries) and identity
 * (id, the caller frees it), the app's cgroup made ready. -1 with the
 * reason set.
 */
int		 app_prod_spawn(struct app *, struct proc_spec *,
		    struct ident *id, struct proc_rlimit *rl);
/* After the fork, before the exec: pid into the app's cgroup. */
void		 app_prod_spawned(struct app *, pid_t pid);
/* cgroup.kill, for a stop's SIGKILL. */
void		 app_prod_kill(struct app *);
/* The app is deleted: its cgroup goes. */
void		 app_prod_gone(struct app *);
/* "cgroup" (path or null) and "cgroup_note" (why not) of info. */
void		 app_prod_json(const struct app *, cJSON *);

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
/*
 * The daemon's children that are no app's main process, no keeper and no
 * probe: orphans of apps' processes, in *out (the caller frees); how many.
 */
size_t		 app_tree_orphans(struct proc_ent **out);
/*
 * The memory and CPU of a's processes, as list and max_memory_restart see
 * them: its main process and its descendants, and those of the orphans
 * orph[0..n) that are a's (its group, its session, its kin), with theirs.
 * -1 (ps zero) when it has no process.
 */
int		 app_tree_stats_in(const struct app *a,
		    const struct proc_ent *orph, size_t n,
		    struct proc_stats *ps);
/* The same, finding the orphans itself. */
int		 app_tree_stats(const struct app *a, struct proc_stats *ps);

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
/* A reload's swap: the notify socket passes from the old to the new. */
void		 app_ready_handoff(struct app *from, struct app *to);
/* Writes a message on Node's channel ("shutdown"); -1 when none. */
int		 app_ready_send(struct app *, const char *msg);
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

/* app-cron.c */
/* Reads a's schedule from its conf and arms the timer (a new app). */
void		 app_cron_sync(struct app *);
/* info's next_run: ISO 8601 in the app's zone, or null. */
cJSON		*app_cron_json(const struct app *);
/* app-reload.c */
/*
 * Starts a's successor (a is online, has no peer): a hidden record with
 * a copy of a's configuration, on a's sockets. done(arg) once it is over:
 * the new process in a's place and the old one gone (ok), or the new one
 * given up (cause says why, the old one serves on). -1 and cause when it
 * cannot even start; done is not called then.
 */
int		 app_reload_begin(struct app *a, void (*done)(void *, bool,
		    const char *), void *arg, char *cause, size_t clen);
/* A reload of a is under way (its new process not yet in its place). */
bool		 app_reloading(const struct app *a);
/* A step of a hidden record, or of the listed one with a successor. */
void		 app_reload_step(struct app *a, enum sup_event ev,
		    enum app_state from);
/* Adoption: the peer a dead daemon recorded is stopped (after a crash or
 * a re-exec, a reload is never resumed). */
void		 app_reload_adopt_peer(struct app *a, const struct app_run *r,
		    bool ours);
/* The record saved for a: its run with its peer's pid (app_save). */
void		 app_record(const struct app *a, struct app_run *r);
/* a or its peer is stopping: a stop of a is not done yet. */
bool		 app_stopping(const struct app *a);
/* The listed record of a (a itself unless hidden); NULL if gone. */
struct app	*app_owner(struct app *a);
/* app-watch.c */
void		 app_watch_init(const struct paths *);
/*
 * After every transition (and adoption): a with a watch key has its files
 * watched while it is not stopped or errored, and not otherwise.
 */
void		 app_watch_sync(struct app *);
/* Removes a's watches and its pending change (a is destroyed). */
void		 app_watch_free(struct app *);
/* A watch limit reached (for info's note), or NULL. */
const char	*app_watch_problem(const struct app *);
/* info's watch object: directories, pending, problem; null if none. */
cJSON		*app_watch_json(const struct app *);
/* app-memory.c */
/* The sampler's timer; its interval from OPM_MEMORY_INTERVAL. */
void		 app_memory_init(void);
/* After every transition: the sampler runs while some app needs it. */
void		 app_memory_sync(struct app *, enum app_state from);
/*
 * a uses bytes, over max_memory_restart: the restart, logged with the
 * size. The sampler calls it; so can a cgroup's memory.events (high, max).
 */
void		 app_memory_over(struct app *, uint64_t bytes);
/* The memory_limit object of info: null without a limit. */
cJSON		*app_memory_json(const struct app *);
/* The sampler's wake-ups since the daemon started. */
unsigned long	 app_memory_wakeups(void);

/* app-health.c */
void		 app_health_new(struct app *);
void		 app_health_free(struct app *);
/* After every transition: checks run while online, from start_period. */
void		 app_health_sync(struct app *, enum app_state from);
/* The health object of info: null without health checks. */
cJSON		*app_health_json(const struct app *);

/* app-json.c */
struct json_buf;
cJSON		*app_to_json(struct app *, bool detail);
/* The object of list (app_to_json without detail) written as text. */
void		 app_json_write(struct json_buf *, struct app *);

/* app-listen.c */
/*
 * Binds every address of c's listen key: *lfds gets one socket each (NULL
 * when c has none). -1 with a cause naming the address; nothing is left
 * bound then.
 */
int		 app_listen_bind(const struct app_conf *c, int **lfds,
		    char *cause, size_t clen);
/* Closes sockets app_listen_bind made and unlinks their unix paths. */
void		 app_listen_unbind(const struct app_conf *c, int *lfds);
/* Gives the app its bound sockets (takes ownership); the keeper holds them. */
void		 app_listen_attach(struct app *, int *lfds);
/* Binds what the app lacks (after a keeper was lost); -1 and a cause. */
int		 app_listen_ready(struct app *, char *cause, size_t clen);
/* LISTEN_FDNAMES of the app: the names, colon-separated (caller frees). */
char		*app_listen_names(const struct app *);
/* The app is deleted: sockets closed, unix paths unlinked, keeper told. */
void		 app_listen_close(struct app *);
/* The clean stop of the daemon with every app stopped: close them all. */
void		 app_listen_close_all(void);
/* Sockets handed over (keeper, reload) before their apps are adopted. */
void		 app_listen_stash(int id, unsigned idx, int fd);
void		 app_listen_takeover(const cJSON *sockets);
/* An app created from runtime state takes its stashed sockets. */
void		 app_listen_claim(struct app *);
/* After adoption: closes what no app claimed. */
void		 app_listen_unclaimed(void);
/* Sends every socket to a (new) keeper again. */
void		 app_listen_rehold(void);
/* Every socket as {id, index, fd}, made inheritable, for a re-exec. */
cJSON		*app_listen_handover(void);
/* The listen array of info: address, name, bound (null when not bound). */
cJSON		*app_listen_json(const struct app *);

/* app-deps.c */
/*
 * A start the user asked for: EV_START, or, when a's dependencies are not
 * met, held waiting (EV_HOLD) or errored (EV_DEP_FAIL) with the reason.
 * Dependencies that are stopped or errored are started first.
 */
void		 app_start(struct app *);
/* app_start of each, dependencies first (deps_order). */
void		 app_start_ordered(struct app **, size_t n);
/* The app called name changed state (or is gone): its held dependents
 * look again. */
void		 app_deps_changed(const char *name);
/* Every held app looks again (after adoption). */
void		 app_deps_recheck_all(void);
/*
 * Stops the apps ids[0..n) in reverse dependency order: each once no app
 * of the set that depends on it is up. done(arg) once none is stopping;
 * returns how many are waited on, 0: done is not called, all are down.
 */
int		 app_stop_ordered(const int *ids, size_t n,
		    void (*done)(void *), void *arg);

/* Between the app*.c files only. */
extern uv_loop_t	*app_loop;
uint64_t	 app_now(void);			/* monotonic ms */
struct app	*app_new(struct app_conf *, int, int, char *, size_t);
void		 app_save(const struct app *);
void		 app_notify(struct app *);
void		 app_destroy(struct app *);
void		 app_timer_arm(struct app *, uint64_t ms);
void		 app_timer_unlate(struct app *);
/* Whether this turn of the loop spent its budget for app work (app-event.c;
 * the first call of a turn starts it). */
bool		 app_turn_spent(void);
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
