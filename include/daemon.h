/*
 * What the daemon's main.c offers the rest of the daemon: its paths, its
 * status, and the two ways it ends or renews itself. The commands that
 * call these are in cmd-*.c.
 */
#ifndef OPM_DAEMON_H
#define OPM_DAEMON_H

#include <stdbool.h>

#include <cJSON.h>

#include "paths.h"

/* Stops the daemon now (cmd-kill, once every app is stopped). */
void		 daemon_shutdown(const char *why);
/* True once the daemon is stopping every app or shutting down. */
bool		 daemon_stopping(void);
const struct paths *daemon_paths(void);
/* Re-executes the daemon once replies are out and log writes are done. */
void		 daemon_reload(void);
/* pid, version, uptime and counters: the reply of ping and status. */
cJSON		*daemon_status(void);

#endif
