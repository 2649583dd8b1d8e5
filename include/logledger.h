/*
 * The capture ledger: RUNTIME/logs.ledger, a small file the daemon keeps
 * mapped (MAP_SHARED), one slot per live log pipe. A store into it is a
 * store into the page cache: it survives a SIGKILL of the daemon at once,
 * with no system call. logf.c notes there whether each pipe is at a line
 * start and, for a timestamped chunk, where its raw bytes wait in the
 * spool (RUNTIME/logs.spool) and where in the log file their stamped form
 * goes; the next daemon writes what a killed one left unwritten.
 */
#ifndef OPM_LOGLEDGER_H
#define OPM_LOGLEDGER_H

#include <stdbool.h>
#include <stdint.h>

struct logledger_slot {
	uint64_t	serial;		/* the pipe's (keeper.h); 0: free */
	uint64_t	off;		/* pending: where in the log file */
	uint64_t	spool;		/* pending: where in the spool */
	uint32_t	max;		/* pending: pipe bytes asked for */
	int32_t		moved;		/* pending: moved, -1 not known yet */
	int64_t		sec;		/* pending: the stamp's time */
	uint32_t	usec;
	uint8_t		pending;	/* a stamped chunk not yet written */
	uint8_t		als;		/* at a line start, as moved so far */
	uint8_t		spare[2];
	uint64_t	dev;		/* pending: the log file */
	uint64_t	ino;
};

/* Maps dir/logs.ledger (created 0600); -1 with errno (no ledger then). */
int		 logledger_open(const char *dir);
/* The highest serial the ledger holds: new pipes are numbered above. */
uint64_t	 logledger_max_serial(void);
/*
 * A slot for pipe serial: with adopt, the one a previous daemon left
 * (*found true) if any; else a free one, zeroed but for serial. NULL when
 * there is no ledger or no room.
 */
struct logledger_slot	*logledger_claim(uint64_t serial, bool adopt,
			    bool *found);
void		 logledger_release(struct logledger_slot *);
/* Frees the slots a previous daemon left that nobody claimed. */
void		 logledger_sweep(void);

#endif
