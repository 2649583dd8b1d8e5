/*
 * The runtime state record (RUNTIME/state/ID.json, or one app of a reload
 * handover): one encoder and one decoder, both walking one table of the
 * fields of struct app_run. The decoder is pure and validating, so a
 * damaged or hostile record is refused as a whole instead of half-applied;
 * the conf inside goes through the dump's own entry parser. Fuzzed by
 * tests/fuzz/fuzz_state.c.
 */
#ifndef OPM_STATEREC_H
#define OPM_STATEREC_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "conf.h"
#include "dump.h"
#include "sup.h"

/* Linux's PID_MAX_LIMIT: no pid or group id is larger. */
#define STATE_PID_MAX	4194304

struct state_rec {
	int			 id;
	int			 instance;	/* -1: the app has none */
	struct dump_entry	 entry;		/* entry.conf is the conf */
	struct app_run		 run;		/* unsaved fields false */
};

/*
 * The record of one app: {"id", "conf", "state", "pid", ...}, the format
 * of every opm since runtime state files exist. The caller adds boot_id.
 */
cJSON	*state_rec_encode(int id, int instance, const struct app_conf *,
	    const struct app_run *);
/* 0, or -1 with cause set; on success free r with state_rec_free(). */
int	 state_rec_decode(const cJSON *st, struct state_rec *r, char *cause,
	    size_t clen);
void	 state_rec_free(struct state_rec *r);

#endif
