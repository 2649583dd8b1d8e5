/*
 * The daemon's apps: configuration (struct app_conf) embedded in the runtime
 * object, as relayd embeds host_config in host. Only app.c assigns state.
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

struct app_waiter {
	void			(*cb)(void *);
	void			 *arg;
	TAILQ_ENTRY(app_waiter)	  entry;
};

struct app {
	struct app_conf		 conf;
	int			 id;
	enum app_state		 state;
	pid_t			 pid;		/* 0 when no process */
	pid_t			 pgid;		/* its group, while it may live */
	int			 pidfd;
	uv_poll_t		*pidpoll;	/* adopted: exit via pidfd */
	uv_poll_t		*execpoll;	/* waiting for the exec verdict */
	int			 execfd;
	int			 gofd;		/* held until recorded */
	bool			 exec_failed;
	bool			 adopted;	/* not our child */
	uint64_t		 starttime;	/* /proc stat field 22 */
	uint64_t		 started;	/* monotonic ms of the spawn */
	uint64_t		 timer_due;	/* monotonic ms, 0 if idle */
	unsigned		 restarts;
	unsigned		 fails;
	bool			 start_after;
	bool			 count_after;
	bool			 killed;
	bool			 leader_gone;	/* stopping: main pid reaped */
	bool			 deleting;
	bool			 has_exit;
	bool			 exit_unknown;	/* died while adopted */
	int			 exit_code;
	int			 exit_signal;
	char			 reason[256];
	uv_timer_t		 timer;
	struct logfile		*out;
	struct logfile		*err;
	uint64_t		 cpu_ticks;	/* last sample, for cpu_percent */
	uint64_t		 cpu_when;
	TAILQ_HEAD(, app_waiter) waiters;
	TAILQ_ENTRY(app)	 entry;
};

TAILQ_HEAD(app_list, app);
extern struct app_list	apps;

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
/* Feeds one event to the state machine and carries out its actions. */
void		 app_event(struct app *, enum sup_event);
/* Stops the app, then frees it; waiters are told first. */
void		 app_delete(struct app *);
/* Calls cb(arg) once the app is no longer stopping (or is freed). */
void		 app_wait(struct app *, void (*cb)(void *), void *arg);
/* Reaps every exited child, from the loop's next turn on (SIGCHLD). */
void		 app_reap(void);
int		 app_count(void);
uint64_t	 app_spawned(void);
/* Launching, and the exec's verdict not known yet (or a failure not yet
 * acted on): waiters of app_wait are told when it is. */
bool		 app_exec_pending(const struct app *);
int		 app_signal(struct app *, int sig);
void		 app_reset(struct app *);
/* The environment the app starts with, sorted. NULL and cause on error. */
char		**app_environ(const struct app *, char *cause, size_t clen);
cJSON		*app_to_json(struct app *, bool detail);
/*
 * Recreates an app from its runtime state (state.c). ours: the processes
 * are our children (re-exec); otherwise each pid is verified through a
 * pidfd and its start time before it is adopted, and never touched if it
 * does not match. Returns the app or NULL.
 */
struct app	*app_adopt(const cJSON *st, bool ours);
/* Restarts running adopted apps whose output pipes were lost. */
void		 app_check_pipes(void);
/* The log file of some app with this path, or NULL. */
struct logfile	*app_logfile(const char *path);
/* Resolves the program like the next spawn will. */
int		 app_check_program(const struct app_conf *, char *cause,
		    size_t clen);

#endif
