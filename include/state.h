/*
 * Runtime state: what a daemon that replaces a dead one needs to find and
 * verify the apps still running. One file per app in OPM_RUNTIME_DIR/state
 * (a tmpfs under systemd), holding pids, process start times and the boot
 * id. This is never the dump: the dump holds no pid.
 */
#ifndef OPM_STATE_H
#define OPM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cJSON.h>

#include "paths.h"

struct app;

void		 state_init(const struct paths *);
/* The process's start time in clock ticks since boot (stat field 22). */
uint64_t	 state_starttime(pid_t);
/* Everything about the app: conf and runtime. */
cJSON		*state_app_json(const struct app *);
void		 state_save(const struct app *);
void		 state_remove(int id);
/* Clean shutdown: nothing is saved any more (the files are removed). */
void		 state_freeze(void);
/*
 * Calls cb for each app file written during this boot. Files of another
 * boot (power loss, reboot) are removed: their pids mean nothing now.
 */
void		 state_load(void (*cb)(const cJSON *));

#endif
