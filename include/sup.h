/*
 * The supervision state machine as one pure function, in the manner of
 * s6-supervise's transition table: (state, event, monotonic now, counters,
 * policy) -> (next state, actions). It touches no process and no clock, so
 * unit tests drive every transition with a fake clock.
 */
#ifndef OPM_SUP_H
#define OPM_SUP_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

enum app_state {
	APP_LAUNCHING,	/* spawned, not yet past min_uptime */
	APP_ONLINE,
	APP_WAITING,	/* restart delayed by backoff or restart_delay */
	APP_STOPPING,
	APP_STOPPED,
	APP_ERRORED,
};

enum sup_event {
	EV_START,	/* user: start */
	EV_STOP,	/* user: stop (or delete) */
	EV_RESTART,	/* user: restart / reload */
	EV_EXIT,	/* the app's process and its group are gone */
	EV_TIMER,	/* the app's timer fired */
	EV_SPAWN_FAIL,	/* fork or exec failed */
	EV_SPAWN_RETRY,	/* a restart found no descriptors or memory */
};

/* Actions, a bit set. */
#define ACT_SPAWN	0x01	/* start the program */
#define ACT_SIG_STOP	0x02	/* stop signal + SIGCONT to the group */
#define ACT_SIG_KILL	0x04	/* SIGKILL to the group */
#define ACT_TIMER	0x08	/* (re)arm the timer for out.timer_ms */
#define ACT_TIMER_STOP	0x10	/* disarm the timer */
#define ACT_COUNT	0x20	/* restarts += 1 */

struct sup_in {
	enum app_state		 state;
	enum sup_event		 event;
	uint64_t		 now;		/* monotonic ms */
	uint64_t		 started;	/* monotonic ms of the spawn */
	unsigned		 fails;		/* failed starts in a row */
	bool			 start_after;	/* a start waits for the stop */
	bool			 count_after;	/* ... and it is a restart */
	bool			 killed;	/* SIGKILL already sent */
	int			 exit_code;	/* EV_EXIT: -1 if signalled */
	int			 exit_signal;	/* EV_EXIT: 0 if exited */
	const struct app_conf	*conf;
};

struct sup_out {
	enum app_state		 state;
	unsigned		 actions;
	uint64_t		 timer_ms;
	unsigned		 fails;
	bool			 start_after;
	bool			 count_after;
	const char		*reason;	/* static string */
};

void	 sup_step(const struct sup_in *, struct sup_out *);
/* Delay before restart number `fails` of a failing app. */
uint64_t sup_backoff(const struct app_conf *, unsigned fails);
const char *sup_state_name(enum app_state);
bool	 sup_running(enum app_state);	/* a process exists */

#endif
