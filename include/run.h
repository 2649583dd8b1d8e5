/*
 * opm run (opm-runtime): the daemon as the main process of a container
 * (src/daemon/run.c). It starts the apps of the request the CLI handed
 * over, echoes every line of their output to its own stdout and stderr,
 * and ends once no app runs or waits to be restarted.
 */
#ifndef OPM_RUN_H
#define OPM_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

/* The partial line of one log stream, kept until its newline comes. */
struct run_line;

/* Set by run_init: logf.c echoes what it writes through run_echo. */
extern bool	run_echoing;

/*
 * Enters run mode once the control socket listens. args: the arguments of
 * the start request (JSON text, as opm start FILE sends them; copied), or
 * NULL when the apps are already there (a reload's new image). raw: lines
 * go out without the "NAME | " prefix.
 */
void	 run_init(uv_loop_t *, const char *args, bool raw);
/*
 * Writes every complete line of p to stdout (stream "out") or stderr
 * ("err"), led by "label | ", each with one write; a partial line waits
 * in *part (allocated here, freed with free()).
 */
void	 run_echo(struct run_line **part, const char *label,
	    const char *stream, const char *p, size_t len);
/* The exit status of the run: 0, or that of the first app that failed. */
int	 run_exit_code(void);

#endif
