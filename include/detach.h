/*
 * Starting a helper detached and waiting for its ready line: opm starts
 * opmd this way, opmd its descriptor keeper, and opmd started by hand
 * detaches itself. The helper finds the write end of a pipe in the
 * descriptor named by OPM_READY_FD and writes DETACH_READY and a newline
 * once it serves, or one line saying why it cannot, then closes it.
 */
#ifndef OPM_DETACH_H
#define OPM_DETACH_H

#include <stddef.h>

#define DETACH_READY_ENV	"OPM_READY_FD"
#define DETACH_READY		"ready"

/*
 * Executes path with argv in its own session, a grandchild (so init's
 * child, nobody else's), stdio on /dev/null, the ready pipe as fd 3 and
 * nothing else open. 0 once it is ready; 1 if it is not, with its first
 * line in buf ("" when it closed the pipe without one); -1 with errno
 * when it could not be started (buf names the call that failed).
 */
int	 detach_exec(const char *path, char *const argv[], char *buf,
	    size_t len);
/*
 * Forks. The child returns 0 in its own session with stdio on /dev/null
 * and *readyfd the pipe's write end (close-on-exec). The parent does not
 * return: it exits 0 once the child is ready, else prints "name: reason"
 * on stderr and exits 1. -1 when no child could be made.
 */
int	 detach_fork(const char *name, int *readyfd);

#endif
