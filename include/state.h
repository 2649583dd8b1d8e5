/*
 * Runtime state: what a daemon that replaces a dead one needs to find and
 * verify the apps still running. One file per app in OPM_RUNTIME_DIR/state
 * (a tmpfs under systemd), holding the runtime record (struct app_run:
 * pids, process start times, counters) and the boot id. This is never the
 * dump: the dump holds no pid. It knows records, not apps.
 */
#ifndef OPM_STATE_H
#define OPM_STATE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "conf.h"
#include "paths.h"
#include "sup.h"

void		 state_init(const struct paths *);
/* The process's start time in clock ticks since boot (stat field 22). */
uint64_t	 state_starttime(pid_t);
/* The record of one app with this boot's id, as saved and handed over. */
/* instance: the app's instance number, -1 when it has none. */
cJSON		*state_encode(int id, int instance, const struct app_conf *,
		    const struct app_run *);
/*
 * The text state_save would write and the paths it would write it to, for
 * a spawn's child (proc.h: rec_text); NULL when nothing is written (no
 * state directory, frozen). The buffer has room for a page; free it.
 */
char		*state_text(int id, int instance, const struct app_conf *,
		    const struct app_run *, char *path, size_t plen, char *tmp,
		    size_t tlen, size_t *len);
void		 state_save(int id, int instance, const struct app_conf *,
		    const struct app_run *);
void		 state_remove(int id);
/* Clean shutdown: nothing is saved any more (the files are removed). */
void		 state_freeze(void);
/*
 * Calls cb for each app file written during this boot. Files of another
 * boot (power loss, reboot) are removed: their pids mean nothing now.
 */
void		 state_load(void (*cb)(const cJSON *));

#endif
