/*
 * opmd-exec: the second half of an app's spawn on the vfork path (proc.c).
 * The daemon's vfork child has done the setup (session, limits, identity,
 * cwd, descriptors) and execs this small static program at once, which
 * lets the daemon run again without a copy of its address space. Here we
 * wait for the daemon's go (it has recorded our pid), then exec the app.
 * The contract is in include/procexec.h.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procexec.h"

/* The kernel's struct sched_attr (glibc has no sched_setattr). */
struct exec_sched_attr {
	uint32_t	size;
	uint32_t	policy;
	uint64_t	flags;
	int32_t		nice;
	uint32_t	priority;
	uint64_t	runtime;
	uint64_t	deadline;
	uint64_t	period;
};

/* The kernel's struct sigaction, for rt_sigaction(2) itself. */
struct exec_ksigaction {
	void		(*handler)(int);
	unsigned long	  flags;
	void		(*restorer)(void);
	uint64_t	  mask;
};

static void __attribute__((noreturn))
exec_fail(int fd, int stage, int err)
{
	struct proc_err	e;

	memset(&e, 0, sizeof e);
	e.stage = stage;
	e.err = err;
	while (write(fd, &e, sizeof e) == -1 && errno == EINTR)
		;
	_exit(127);
}

int
main(int argc, char **argv, char **envp)
{
	struct exec_ksigaction	ksa;
	struct exec_sched_attr	sa;
	sigset_t		set;
	ssize_t			n;
	char			c, *end;
	long			fd;
	int			sig;

	if (argc < 5)
		_exit(127);
	fd = strtol(argv[1], &end, 10);
	if (*end != '\0' || fd < 3 || fd > 1024)
		_exit(127);
	/*
	 * exec reset the daemon's handlers; what it ignored (SIGPIPE, and
	 * whatever started it: GNU make leaves 32 and 33 ignored, which
	 * glibc's sigaction() refuses to touch) is reset here, by the
	 * kernel's call. The vfork child kept every signal blocked.
	 */
	memset(&ksa, 0, sizeof ksa);
	ksa.handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &ksa, NULL,
			    sizeof ksa.mask);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1)
		_exit(127);

	/* Not before the daemon has recorded us (proc_release). */
	do
		n = read((int)fd + 1, &c, 1);
	while (n == -1 && errno == EINTR);
	if (n != 1)
		_exit(0);
	close((int)fd + 1);
	/* The daemon's short slice (proc_sched_latency) is not the app's. */
	if (strcmp(argv[2], "-") != 0) {
		memset(&sa, 0, sizeof sa);
		if (syscall(SYS_sched_getattr, 0, &sa, sizeof sa, 0) == 0) {
			sa.size = sizeof sa;
			sa.flags = 0;
			sa.runtime = strtoull(argv[2], NULL, 10);
			syscall(SYS_sched_setattr, 0, &sa, 0);
		}
	}
	execve(argv[3], argv + 4, envp);
	exec_fail((int)fd, PROC_STAGE_EXEC, errno);
}
