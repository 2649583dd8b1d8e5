/*
 * Supervision of one app: its runtime record (struct app_run, what the
 * state files and the reload handover carry) and the state machine that
 * decides over it, in the manner of s6-supervise's actions[state][event]
 * table. sup_step() is pure: (record, event, monotonic now, observation,
 * policy) -> (record, actions). It touches no process and no clock, so unit
 * tests drive every cell with a fake clock.
 */
#ifndef OPM_SUP_H
#define OPM_SUP_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

enum app_state {
	APP_LAUNCHING,	/* spawned, not yet executed (or not yet ready) */
	APP_ONLINE,
	APP_WAITING,	/* restart delayed by backoff or restart_delay, or
			   a start held until its dependencies are met */
	APP_STOPPING,
	APP_STOPPED,
	APP_ERRORED,
};
#define APP_NSTATES	(APP_ERRORED + 1)

enum sup_event {
	EV_START,	/* user: start */
	EV_STOP,	/* user: stop */
	EV_RESTART,	/* user: restart / reload */
	EV_DELETE,	/* user: delete (stop, then forget) */
	EV_EXIT,	/* the main process and its whole group are gone */
	EV_LEADER_EXIT,	/* the main process is gone, its group is not */
	EV_TIMER,	/* the app's timer fired */
	EV_SPAWN_FAIL,	/* the program cannot be executed */
	EV_SPAWN_LACK,	/* fork or pipe found no descriptors or memory */
	EV_FOLLOW,	/* the main process exited 0 and left one process,
			   outside its group, which is the main one now
			   (it daemonized); the reason is in the record */
	EV_EXEC_OK,	/* the exec verdict: the program runs */
	/* Start order (app-deps.c); the reason is in the record. */
	EV_HOLD,	/* a start whose dependencies are not met: wait */
	EV_DEP_FAIL,	/* a dependency cannot be met: do not start */
	/* Readiness (app-ready.c). */
	EV_READY,	/* the app said or showed it is ready */
	EV_READY_TIMEOUT, /* not ready within listen_timeout */
	EV_WATCHDOG,	/* no WATCHDOG=1 within watchdog_sec */
	/*
	 * A restart trigger fired (watch, memory, cron, health: the cause
	 * is in sup_in, the reason already in the record): a graceful
	 * restart, counted, never a crash. app_trigger() sends it.
	 */
	EV_TRIGGER,
};
#define SUP_NEVENTS	(EV_TRIGGER + 1)

/*
 * Why the restart sequence under way began: every counted restart is
 * counted under its cause too (restarts_by), for events and metrics.
 */
enum restart_cause {
	CAUSE_USER,	/* restart or reload asked for */
	CAUSE_CRASH,	/* exited, or not ready within listen_timeout */
	CAUSE_WATCHDOG,	/* no WATCHDOG=1 within watchdog_sec */
	CAUSE_WATCH,	/* a watched file changed */
	CAUSE_MEMORY,	/* over max_memory_restart */
	CAUSE_CRON,	/* cron_restart */
	CAUSE_HEALTH,	/* health checks failed */
};
#define SUP_NCAUSES	(CAUSE_HEALTH + 1)

/*
 * The runtime record. Everything here but the last three fields is saved in
 * RUNTIME/state/ID.json and handed over on reload (staterec.c, one encoder
 * and one decoder), so a successor daemon gets it back in one assignment.
 */
struct app_run {
	enum app_state	 state;		/* assigned by sup.c only */
	pid_t		 pid;		/* 0 when no process */
	pid_t		 pgid;		/* its group, while it may live */
	uint64_t	 starttime;	/* /proc/PID/stat field 22 */
	uint64_t	 started;	/* monotonic ms of the spawn */
	uint64_t	 timer_due;	/* monotonic ms, 0 if idle */
	unsigned	 restarts;	/* manual and automatic (opm(1)) */
	unsigned	 fails;		/* failed starts in a row */
	bool		 start_after;	/* a start waits for the stop */
	bool		 count_after;	/* ... and it is a restart */
	bool		 killed;	/* SIGKILL already sent */
	bool		 adopted;	/* not our child: exit seen by pidfd */
	bool		 leader_gone;	/* stopping: main pid reaped */
	bool		 has_exit;	/* exit_code/exit_signal are set */
	bool		 exit_unknown;	/* died while adopted */
	int		 exit_code;	/* -1 if signalled */
	int		 exit_signal;	/* 0 if exited */
	bool		 dep_wait;	/* waiting: held for depends_on */
	bool		 watch_wait;	/* waiting: a failed start with watch,
					   for the next change (no timer) */
	bool		 fail_after;	/* the stop ends a failed start */
	/*
	 * A rolling reload's other process (app-reload.c): the new one while
	 * it starts, the old one once it is being replaced. Written from the
	 * other record at every save, so that a successor daemon finds it
	 * (and stops it) after a crash: 0 when there is none.
	 */
	pid_t		 peer_pid;
	pid_t		 peer_pgid;
	uint64_t	 peer_start;
	enum restart_cause cause;	/* of the restart under way */
	unsigned	 restarts_by[SUP_NCAUSES]; /* restarts, by cause */
	char		 reason[256];	/* of the last transition */
	/*
	 * Not saved: a successor daemon never finishes a delete whose client
	 * is gone, and a spawn's intent matters only within one event.
	 */
	bool		 delete_after;	/* forget the app once stopped */
	bool		 respawn;	/* the spawn under way is automatic */
	/*
	 * A rolling reload's new process, not yet in the old one's place
	 * (app-reload.c): it is online once ready (without a ready key, once
	 * up min_uptime), and a failed start is final (errored), never
	 * retried: the old process keeps serving.
	 */
	bool		 successor;
};

/* Actions for the caller (app-event.c) to carry out, a bit set. */
#define ACT_SPAWN	0x001	/* start the program */
#define ACT_SIG_STOP	0x002	/* stop signal + SIGCONT to the group */
#define ACT_SIG_KILL	0x004	/* SIGKILL to the group; killed = true */
#define ACT_KILL_REST	0x008	/* SIGKILL what is left of a dead leader's
				   group, then forget the group */
#define ACT_TIMER	0x010	/* (re)arm the timer for out.timer_ms */
#define ACT_TIMER_STOP	0x020	/* disarm the timer */
#define ACT_COUNT	0x040	/* restarts, restarts_by[cause] += 1 */
#define ACT_DESTROY	0x080	/* unlink and free the app */
#define ACT_READY_WAIT	0x100	/* wait for readiness: listen_timeout,
				   probes (app-ready.c) */

struct sup_in {
	enum sup_event		 event;
	uint64_t		 now;		/* monotonic ms */
	bool			 group_alive;	/* leader gone, group not */
	enum restart_cause	 cause;		/* EV_TRIGGER's */
	const struct app_conf	*conf;
};

struct sup_out {
	enum app_state		 from;
	unsigned		 actions;
	uint64_t		 timer_ms;
	const char		*reason;	/* to log; NULL: nothing */
};

/* A fresh record: stopped, no process. */
void	 sup_init(struct app_run *);
/* Decides one event; updates r (state, counters, flags, reason). */
void	 sup_step(struct app_run *r, const struct sup_in *, struct sup_out *);
/* Stopping with the leader reaped: waits for the group to empty. */
bool	 sup_waits_group(const struct app_run *);
/* Delay before restart number `fails` of a failing app. */
uint64_t sup_backoff(const struct app_conf *, unsigned fails);
const char *sup_state_name(enum app_state);
const char *sup_event_name(enum sup_event);
const char *sup_cause_name(enum restart_cause);	/* "crash", "watch"... */
/* The state of that name, or -1. */
int	 sup_state_from_name(const char *);
bool	 sup_running(enum app_state);	/* a process exists */

#endif
