/*
 * Watch (issue 15 item 1), the pure part: which changed paths are ignored
 * (the defaults plus ignore_watch, PM2-style globs), and when a pending
 * restart is due (a trailing debounce with a cap). The daemon's inotify
 * side is src/daemon/app-watch.c; this part touches no clock and no file
 * so unit tests drive it (tests/unit/test_watch.c).
 */
#ifndef OPM_WATCH_H
#define OPM_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/* The patterns ignored in every watched tree, NULL-terminated. */
extern const char *const watch_defaults[];

/*
 * Whether the change of rel, a path relative to the watched root ("src/
 * a.js"), is ignored: a pattern of the defaults or of globs (NULL-
 * terminated, may be NULL) matches, by fnmatch(3) without FNM_PATHNAME,
 * the whole of rel, one of its leading directories ("src"), or one of its
 * components ("a.js"). A pattern led by "./" or ending in "/" is read
 * without them.
 */
bool	 watch_ignored(const char *rel, char *const *globs);

/*
 * The delay in ms before a pending restart fires, now: delay after the
 * last change, but no later than 10 * delay after the first one, so a
 * tree that never goes quiet still restarts. 0: due now.
 */
uint64_t watch_due(uint64_t first, uint64_t last, uint64_t now,
	    uint64_t delay);

/* The cap of watch_due: the longest a pending restart waits. */
#define WATCH_CAP(delay)	((delay) * 10)

#endif
