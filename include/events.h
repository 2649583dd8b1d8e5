/*
 * The daemon's events (issue 17 item 1): every state transition, exit,
 * counted restart, readiness change and log rotation of an app, and the
 * daemon's start, reload and stop, each numbered (seq, increasing for the
 * life of the daemon, across `opm daemon reload`) and stamped with the wall
 * clock. The last EVENTS_RING are kept for `opm events`; followers get
 * each one as it happens, through a bounded backlog (docs/PROTOCOL.md,
 * "events"). Hooks are fed from here (hooks.c).
 */
#ifndef OPM_EVENTS_H
#define OPM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "opm.h"
#include "sup.h"

#define EVENTS_RING	1000		/* events kept for replay */
#define EVENTS_WQ	(256 * 1024)	/* a follower's unwritten bytes
					   before events are dropped */

struct app;
struct ipc_client;

/* An app's exit: cause "crash" when nobody asked, else NULL or the
 * restart's. */
void	 events_exit(struct app *, const char *cause);
/* A counted restart, under the app's run.cause. */
void	 events_restart(struct app *);
/* The app entered its current state from `from`. */
void	 events_transition(struct app *, enum app_state from,
	    const char *reason);
/* The app is forgotten (deleted). */
void	 events_deleted(struct app *);
/* After a step or a notify message: "ready" or "unready" if it changed. */
void	 events_ready_sync(struct app *);
/* A log file was rotated; label is the logfile's (NAME, NAME:K). */
void	 events_rotate(const char *label, const char *stream,
	    const char *path);
/* The daemon's own: daemon_start, daemon_reload, daemon_stop. */
void	 events_daemon(const char *event, const char *reason);
/* Which apps a reader wants: a name, every instance (-1) or one. */
struct events_sel {
	char	name[OPM_NAME_MAX + 1];
	int	instance;
};
/*
 * The kept events after seq since, of the apps of sel (n 0: every event,
 * the daemon's too), the last limit of them (0: all), oldest first.
 */
cJSON	*events_list(const struct events_sel *sel, size_t n, uint64_t since,
	    size_t limit);
/* Streams every later event of sel to the client (sel is copied). */
void	 events_follow(struct ipc_client *, const struct events_sel *sel,
	    size_t n);
/* The last seq given (0: none yet). */
uint64_t events_last_seq(void);
/* Reload: the ring and the counter, and the successor's taking them. */
cJSON	*events_handover(void);
void	 events_takeover(const cJSON *);

#endif
