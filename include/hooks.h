/*
 * Hooks (issue 17 item 2): an app's `hooks` commands, run by the daemon
 * when the app's events happen, as /bin/sh -c CMD in a process group of
 * their own, off the event loop (forked, reaped by app-reap.c's one
 * waitpid loop), with a timeout and a rate limit per app and event.
 */
#ifndef OPM_HOOKS_H
#define OPM_HOOKS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>
#include <uv.h>

struct app;

#define HOOKS_RUNNING_MAX	64	/* hooks running at once */
#define HOOKS_OUTPUT_MAX	8192	/* bytes of a run's output logged */

void	 hooks_init(uv_loop_t *);
/* The event ev of app a happened: runs the hooks that follow it. */
void	 hooks_fire(struct app *a, const cJSON *ev);
/* pid was reaped with status: true when it was a hook (then handled). */
bool	 hooks_reaped(pid_t pid, int status);
/* A process of a running hook (its pid or process group): no app's. */
bool	 hooks_owns(pid_t pid, pid_t pgid);
/* Counters for metrics. */
struct hooks_stats {
	uint64_t	runs;		/* started */
	uint64_t	suppressed;	/* held back by hook_window */
	uint64_t	timeouts;	/* killed after hook_timeout */
	uint64_t	failures;	/* exited non-zero, signalled, or
					   could not start */
	unsigned	running;
};
void	 hooks_stats(struct hooks_stats *);

#endif
