/*
 * Probes of an app's service, shared by readiness (app-ready.c) and health
 * checks (app-health.c): a non-blocking TCP connect, an HTTP GET whose
 * status line must say 2xx or 3xx, or a command the daemon runs whose exit
 * status 0 means success. None blocks the loop: each ends in exactly one
 * call of its callback, within its timeout, unless it is cancelled first.
 *
 * A command is the daemon's child, spawned by proc_spawn in a session of
 * its own, and reaped by the daemon's one reaper (app-reap.c), which asks
 * probe_reaped() about every pid that is no app's main process; app-tree.c
 * asks probe_owns() so that a probe is never taken for an app's orphan.
 */
#ifndef OPM_PROBE_H
#define OPM_PROBE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

struct proc_spec;
struct ready_spec;
struct probe;

#define PROBE_WHY_MAX	160

/*
 * The end of a probe: ok, or why not ("connection refused", "HTTP 503",
 * "exit 1", "timed out after 2s"). The probe is gone once the callback
 * returns: it must not be cancelled there.
 */
typedef void	(*probe_cb)(void *arg, bool ok, const char *why);

/*
 * A connect to r's address and, for an http spec, GET of its path. NULL
 * when it cannot begin (why set); cb is not called then.
 */
struct probe	*probe_net(uv_loop_t *, const struct ready_spec *r,
		    uint64_t timeout, probe_cb cb, void *arg, char *why,
		    size_t wlen);
/*
 * Runs the program of spec (its stdout and stderr as given) and waits for
 * its exit; past timeout its session is killed. NULL and why when it
 * cannot be spawned.
 */
struct probe	*probe_exec(uv_loop_t *, const struct proc_spec *spec,
		    uint64_t timeout, probe_cb cb, void *arg, char *why,
		    size_t wlen);
/* Gives the probe up: cb is not called (a command is killed). */
void		 probe_cancel(struct probe *);
/* The reaper reaped pid with status: true when it was a probe's. */
bool		 probe_reaped(pid_t pid, int status);
/* pid is the process of a probe, running or not yet reaped. */
bool		 probe_owns(pid_t pid);
/* Before the daemon's re-exec: every command under way is killed. */
void		 probe_kill_all(void);

#endif
