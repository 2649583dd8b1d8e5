/*
 * A runtime state record (RUNTIME/state/ID.json, or one app of a reload
 * handover) read back: pure and validated, so a damaged or hostile record
 * is refused as a whole instead of half-applied. The conf inside goes
 * through the dump's own reader. Fuzzed by tests/fuzz/fuzz_state.c.
 */
#ifndef OPM_STATEREC_H
#define OPM_STATEREC_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "dump.h"
#include "sup.h"

/* Linux's PID_MAX_LIMIT: no pid or group id is larger. */
#define STATE_PID_MAX	4194304

struct state_rec {
	struct dump_entry	*entry;		/* entry[0].conf is the conf */
	size_t			 nentry;
	int			 id;
	enum app_state		 state;
	pid_t			 pid;		/* 0: none */
	pid_t			 pgid;
	uint64_t		 starttime;	/* /proc/PID/stat field 22 */
	uint64_t		 started;	/* monotonic ms */
	uint64_t		 timer_due;	/* monotonic ms, 0: none */
	unsigned		 restarts;
	unsigned		 fails;
	bool			 start_after;
	bool			 count_after;
	bool			 killed;
	bool			 adopted;
	bool			 leader_gone;
	bool			 has_exit;
	bool			 exit_unknown;
	int			 exit_code;
	int			 exit_signal;
	char			 reason[256];
};

/* 0, or -1 with cause set; on success free r with state_rec_free(). */
int	state_rec_decode(const cJSON *st, struct state_rec *r, char *cause,
	    size_t clen);
void	state_rec_free(struct state_rec *r);

#endif
