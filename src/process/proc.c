/*
 * Spawning and signalling. The reaping model (docs/ARCHITECTURE.md): opm
 * never uses uv_spawn; it forks and execs itself and reaps every child,
 * its apps and the orphans it inherits as a child subreaper, from one
 * SIGCHLD watcher that loops waitpid(-1, WNOHANG). Mixing that with uv_spawn would steal
 * libuv's children, so uv_spawn must not appear in the daemon.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <grp.h>

#include <linux/close_range.h>

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"

struct proc_err {
	int	stage;	/* PROC_STAGE_* */
	int	err;
	long	arg;	/* the resource, gid or uid of the stage */
};

enum {
	PROC_STAGE_CHDIR = 1, PROC_STAGE_EXEC, PROC_STAGE_STDIO,
	PROC_STAGE_RLIMIT, PROC_STAGE_GROUPS, PROC_STAGE_GID, PROC_STAGE_UID
};

/*
 * The code a vfork child runs shares the daemon's memory and stack
 * shadow: AddressSanitizer's frame poisoning would be left behind on the
 * child's stack by the exec.
 */
#define PROC_VFORKED	__attribute__((no_sanitize("address")))

/* The kernel's struct sigaction, for rt_sigaction(2) itself. */
struct proc_ksigaction {
	void		(*handler)(int);
	unsigned long	  flags;
	void		(*restorer)(void);
	uint64_t	  mask;
};

/*
 * What apps start with, whatever the daemon set for itself: the umask and
 * the soft resource limits the daemon was started with (proc_defaults).
 */
static mode_t		proc_umask = 022;
static struct rlimit	proc_limits[RLIM_NLIMITS];
static bool		proc_limit_ok[RLIM_NLIMITS];

/*
 * The vfork path (docs/ARCHITECTURE.md, "Spawning"). PROC_SLOTS descriptor
 * numbers, reserved low in the table at start-up, hold /dev/null; a spawn
 * dups what the child needs into them, and the child, which shares our
 * memory and our table until then, keeps only the numbers below the last
 * slot (close_range with CLOSE_RANGE_UNSHARE). So neither the page tables
 * nor the descriptor table are copied, whatever the number of apps. The
 * child writes the app's record itself (proc_child_record), so nothing
 * waits for the daemon between the clone and the app's exec. proc_slot is
 * -1 (the fork path, with its go pipe) when the slots are missing.
 */
#define PROC_SLOTS	(PROC_LISTEN_MAX + 4)	/* out, err, verdict, ipc */
#define PROC_STACK	(64 * 1024)

static int	 proc_slot = -1;
static int	 proc_nullfd = -1;
static char	*proc_stack;
static bool	 proc_said;

/* What a vfork child reads: the daemon is stopped until it execs. */
struct proc_vfork {
	struct proc_spec	 spec;	/* the caller's, with slot numbers */
	int			 listen[PROC_LISTEN_MAX];
	int			 errfd;
};

/*
 * The child's stack and PROC_SLOTS free numbers in a row, the lowest there
 * are: called before the daemon opens anything, so they sit right above
 * its standard descriptors.
 */
static void
proc_vfork_init(void)
{
	char	*stk;
	int	 fd, i, from = 3;

	if (proc_slot != -1)
		return;
	stk = mmap(NULL, PROC_STACK + 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		return;
	/* A guard page below it. */
	mprotect(stk, 4096, PROT_NONE);
	if ((proc_nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		munmap(stk, PROC_STACK + 4096);
		return;
	}
	for (;;) {
		if ((fd = fcntl(proc_nullfd, F_DUPFD_CLOEXEC, from)) == -1)
			goto fail;
		for (i = 1; i < PROC_SLOTS; i++) {
			if (fcntl(fd + i, F_GETFD) != -1 || errno != EBADF)
				break;
		}
		if (i == PROC_SLOTS)
			break;
		close(fd);
		from = fd + i + 1;
	}
	for (i = 1; i < PROC_SLOTS; i++) {
		if (dup3(proc_nullfd, fd + i, O_CLOEXEC) == -1) {
			while (i-- > 0)
				close(fd + i);
			goto fail;
		}
	}
	proc_slot = fd;
	proc_stack = stk + 4096;
	return;
fail:
	close(proc_nullfd);
	proc_nullfd = -1;
	munmap(stk, PROC_STACK + 4096);
}

/* Remembers the umask and soft limits apps get; prepares the vfork path. */
void
proc_defaults(mode_t mask)
{
	int	res;

	proc_umask = mask & 0777;
	for (res = 0; res < RLIM_NLIMITS; res++)
		proc_limit_ok[res] = getrlimit(res, &proc_limits[res]) == 0;
	proc_vfork_init();
}

bool
proc_spawn_direct(void)
{
	return (proc_slot != -1);
}

/* The same, handed over by the image before a re-exec. */
void
proc_defaults_set(mode_t mask, uint64_t nofile)
{
	proc_umask = mask & 0777;
	if (proc_limit_ok[RLIMIT_NOFILE])
		proc_limits[RLIMIT_NOFILE].rlim_cur = (rlim_t)nofile;
}

/* What proc_defaults_set takes, for the handover. */
void
proc_defaults_get(mode_t *mask, uint64_t *nofile)
{
	*mask = proc_umask;
	*nofile = proc_limits[RLIMIT_NOFILE].rlim_cur;
}

/* In the child: back to the umask and soft limits of proc_defaults. */
static void PROC_VFORKED
proc_child_limits(void)
{
	struct rlimit	rl;
	int		res;

	umask(proc_umask);
	for (res = 0; res < RLIM_NLIMITS; res++) {
		if (!proc_limit_ok[res] || getrlimit(res, &rl) == -1 ||
		    rl.rlim_cur == proc_limits[res].rlim_cur)
			continue;
		/* Never above the hard limit the daemon has now. */
		if (rl.rlim_max == RLIM_INFINITY ||
		    proc_limits[res].rlim_cur <= rl.rlim_max)
			rl.rlim_cur = proc_limits[res].rlim_cur;
		else
			rl.rlim_cur = rl.rlim_max;
		setrlimit(res, &rl);
	}
}

/* For the daemon at start-up: no inherited ignore, an empty mask. */
void
proc_signals_reset(void)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig;

	/*
	 * Only ignored signals: a handler here was installed by this
	 * process (the sanitizers' runtime), exec resets the others.
	 */
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    sigaction(sig, NULL, &sa) == -1 || sa.sa_handler != SIG_IGN)
			continue;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* Checks an app's cwd before the fork, so the reason is precise. */
int
proc_cwd_check(const char *cwd, char *cause, size_t clen)
{
	struct stat	st;

	if (stat(cwd, &st) == -1 || (S_ISDIR(st.st_mode) &&
	    access(cwd, X_OK) == -1)) {
		snprintf(cause, clen, "cwd %s: %s", cwd, strerror(errno));
		return (-1);
	}
	/* As chdir(2) would say: the same words as its other errors. */
	if (!S_ISDIR(st.st_mode)) {
		snprintf(cause, clen, "cwd %s: %s", cwd, strerror(ENOTDIR));
		return (-1);
	}
	return (0);
}

/* Closes every descriptor from 'from' up but a and b (both >= from). */
static void PROC_VFORKED
proc_close_but(int from, int a, int b)
{
	int	lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > from)
		syscall(SYS_close_range, from, lo - 1, 0);
	if (hi > lo + 1)
		syscall(SYS_close_range, lo + 1, hi - 1, 0);
	syscall(SYS_close_range, hi + 1, ~0U, 0);
}

/* In the child: fd moved to 'from' or above, close-on-exec; -1 on error. */
static int PROC_VFORKED
proc_child_above(int *fd, int from)
{
	int	nfd;

	if (*fd == -1 || *fd >= from)
		return (0);
	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, from)) == -1)
		return (-1);
	*fd = nfd;
	return (0);
}

/*
 * In the child: the listening sockets at 3, 4, ... in order, then Node's
 * channel (NODE_CHANNEL_FD: 3 + nlisten), without close-on-exec (dup2
 * clears it), and LISTEN_PID set to our own pid (the protocol wants the
 * pid of the process that reads it: known only now). errfd and gofd move
 * above them first. Returns the first descriptor free for the rest, or -1
 * with errno on error.
 */
static int PROC_VFORKED
proc_child_fds(const struct proc_spec *s, int *errfd, int *gofd)
{
	int	base, tmp[PROC_LISTEN_MAX + 1];
	char	digits[24];
	size_t	i, n = 0, nfd;
	pid_t	pid = getpid();

	if (s->nlisten > PROC_LISTEN_MAX) {
		errno = EMFILE;
		return (-1);
	}
	nfd = s->nlisten + (s->ipc_fd != -1 ? 1 : 0);
	base = 3 + (int)nfd;
	if (nfd == 0)
		return (base);
	if (proc_child_above(errfd, base) == -1 ||
	    proc_child_above(gofd, base) == -1)
		return (-1);
	/* Copies above base first, so that no dup2 overwrites a source. */
	for (i = 0; i < nfd; i++) {
		if ((tmp[i] = fcntl(i < s->nlisten ? s->listen_fds[i] :
		    s->ipc_fd, F_DUPFD_CLOEXEC, base)) == -1)
			return (-1);
	}
	for (i = 0; i < nfd; i++) {
		if (dup2(tmp[i], 3 + (int)i) == -1)
			return (-1);
	}
	if (s->nlisten == 0)
		return (base);
	/* No snprintf between fork and exec: the digits by hand. */
	do
		digits[n++] = '0' + pid % 10;
	while ((pid /= 10) > 0);
	for (i = 0; i < n; i++)
		s->listen_pid[i] = digits[n - 1 - i];
	s->listen_pid[n] = '\0';
	return (base);
}

/*
 * In the child: the app's resource limits, then its groups, group and
 * user. setuid last: once it is done, nothing else may be changed. -1 with
 * e's stage and arg set. The kernel's calls, not glibc's: in a vfork child
 * glibc would take the daemon's threads for ours and change their
 * credentials too (its setxid broadcast).
 */
static int PROC_VFORKED
proc_child_ident(const struct proc_spec *s, struct proc_err *e)
{
	struct rlimit	rl;
	size_t		i;

	e->stage = PROC_STAGE_RLIMIT;
	for (i = 0; i < s->nrlimits; i++) {
		e->arg = s->rlimits[i].resource;
		rl.rlim_cur = s->rlimits[i].soft == UINT64_MAX ? RLIM_INFINITY :
		    (rlim_t)s->rlimits[i].soft;
		rl.rlim_max = s->rlimits[i].hard == UINT64_MAX ? RLIM_INFINITY :
		    (rlim_t)s->rlimits[i].hard;
		if (setrlimit(s->rlimits[i].resource, &rl) == -1)
			return (-1);
	}
	if (s->set_gid) {
		e->stage = PROC_STAGE_GROUPS;
		e->arg = (long)s->gid;
		if (syscall(SYS_setgroups, s->ngroups, s->groups) == -1)
			return (-1);
		e->stage = PROC_STAGE_GID;
		if (syscall(SYS_setgid, s->gid) == -1)
			return (-1);
	}
	if (s->set_uid) {
		e->stage = PROC_STAGE_UID;
		e->arg = (long)s->uid;
		if (syscall(SYS_setuid, s->uid) == -1)
			return (-1);
		/* No way back: a failed setuid(2) would have left root. */
		if (s->uid != 0 && syscall(SYS_setuid, 0) != -1) {
			errno = EPERM;
			return (-1);
		}
	}
	return (0);
}

static void __attribute__((noreturn))
proc_child(const struct proc_spec *s, int errfd, int go[2])
{
	struct proc_err		e;
	struct proc_ksigaction	ksa;
	sigset_t		set;
	ssize_t			n;
	char			c;
	int			sig, fd, first;

	/*
	 * Undo every inherited disposition: the daemon ignores SIGPIPE, and
	 * whatever started the daemon may have left signals ignored (GNU
	 * make and glibc's posix_spawn leave 32 and 33 ignored). glibc's
	 * sigaction() refuses its internal signals, so ask the kernel.
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
	proc_child_limits();
	setsid();

	close(go[1]);
	e.arg = 0;
	if (proc_child_ident(s, &e) == -1)
		goto fail;
	e.stage = PROC_STAGE_CHDIR;
	if (s->cwd != NULL && chdir(s->cwd) == -1)
		goto fail;
	e.stage = PROC_STAGE_STDIO;
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1)
		goto fail;
	if (dup2(s->out_fd, 1) == -1 || dup2(s->err_fd, 2) == -1)
		goto fail;
	/* Node's channel (ipc_fd) goes right after the listening sockets. */
	if ((first = proc_child_fds(s, &errfd, &go[0])) == -1)
		goto fail;
	/*
	 * Everything else closes (errfd is close-on-exec already), before we
	 * wait: a child left waiting must not hold the daemon's socket. The
	 * temporary copies of the listening sockets go too.
	 */
	proc_close_but(first, errfd, go[0]);

	/* Not before the daemon has recorded us (proc_release). */
	do
		n = read(go[0], &c, 1);
	while (n == -1 && errno == EINTR);
	if (n != 1)
		_exit(0);
	close(go[0]);
	e.stage = PROC_STAGE_EXEC;
	execve(s->path, s->argv, s->envp);
fail:
	e.err = errno;
	while (write(errfd, &e, sizeof e) == -1 && errno == EINTR)
		;
	_exit(127);
}

/* In the child: n as decimal digits, right-aligned in w bytes of spaces. */
static void PROC_VFORKED
proc_child_digits(char *at, size_t w, unsigned long long n)
{
	size_t	i = w;

	memset(at, ' ', w);
	do
		at[--i] = '0' + n % 10;
	while ((n /= 10) > 0 && i > 0);
}

/* In the child: every "KEY":PLACEHOLDER of the record gets n. */
static void PROC_VFORKED
proc_child_patch(char *text, const char *key, const char *ph,
    unsigned long long n)
{
	char	*p = text;
	size_t	 klen = strlen(key), plen = strlen(ph);

	while ((p = strstr(p, key)) != NULL) {
		p += klen;
		if (strncmp(p, ph, plen) == 0 && (p[plen] == ',' ||
		    p[plen] == '}'))
			proc_child_digits(p, plen, n);
	}
}

/* In the child: its start time, field 22 of /proc/self/stat; 0 if unread. */
static unsigned long long PROC_VFORKED
proc_child_start(void)
{
	char			 buf[1024], *p;
	unsigned long long	 v = 0;
	ssize_t			 n;
	int			 fd, field = 2;

	if ((fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return (0);
	/* After the name, fields are one space apart, from field 3. */
	for (; *p != '\0' && field < 22; p++) {
		if (*p == ' ')
			field++;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	return (v);
}

/*
 * In the vfork child, first: the app's record with our pid and start time,
 * written as state.c would (in place when it fits a page, padded with
 * spaces to the old length, else a temporary file renamed over it). A
 * failed write is not the app's failure: the daemon writes the record
 * again as soon as it runs, and retries it (state.c).
 */
static void PROC_VFORKED
proc_child_record(const struct proc_spec *s)
{
	struct stat		 st;
	unsigned long long	 pid = (unsigned long long)syscall(SYS_getpid);
	unsigned long long	 start = proc_child_start();
	size_t			 want = s->rec_len;
	int			 fd;

	proc_child_patch(s->rec_text, "\"pid\":", PROC_REC_PID, pid);
	proc_child_patch(s->rec_text, "\"pgid\":", PROC_REC_PID, pid);
	proc_child_patch(s->rec_text, "\"peer_pid\":", PROC_REC_PID, pid);
	proc_child_patch(s->rec_text, "\"peer_pgid\":", PROC_REC_PID, pid);
	proc_child_patch(s->rec_text, "\"starttime\":", PROC_REC_START, start);
	proc_child_patch(s->rec_text, "\"peer_start\":", PROC_REC_START,
	    start);
	if (s->rec_len <= PROC_REC_PAGE) {
		if ((fd = open(s->rec_path, O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC)) != -1) {
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_size <= PROC_REC_PAGE) {
				if ((size_t)st.st_size > want) {
					memset(s->rec_text + want, ' ',
					    (size_t)st.st_size - want);
					want = (size_t)st.st_size;
				}
				if (pwrite(fd, s->rec_text, want, 0) == -1)
					s->rec_text[0] = '\0';
				close(fd);
				return;
			}
			close(fd);
		} else if (errno == ENOENT && (fd = open(s->rec_path,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600)) != -1) {
			if (pwrite(fd, s->rec_text, want, 0) == -1)
				s->rec_text[0] = '\0';
			close(fd);
			return;
		}
	}
	if ((fd = open(s->rec_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return;
	if (write(fd, s->rec_text, s->rec_len) != (ssize_t)s->rec_len) {
		close(fd);
		unlink(s->rec_tmp);
		return;
	}
	close(fd);
	if (rename(s->rec_tmp, s->rec_path) == -1)
		unlink(s->rec_tmp);
}

/*
 * The vfork child: the daemon's memory, a stack of its own, every signal
 * blocked (the daemon's handlers are installed until we reset them; the
 * dispositions are our own copy), and the daemon's descriptor table until
 * the first call. It writes the record, then does proc_child's setup and
 * execs the app: the daemon runs again once it has.
 */
static int PROC_VFORKED
proc_vfork_child(void *arg)
{
	struct proc_vfork	*v = arg;
	const struct proc_spec	*s = &v->spec;
	struct proc_err		 e;
	struct proc_ksigaction	 ksa;
	sigset_t		 set;
	int			 fd, first, sig, errfd = v->errfd, none = -1;

	e.arg = 0;
	e.stage = PROC_STAGE_STDIO;
	/* A table of our own: the slots and what is below them. */
	if (syscall(SYS_close_range, proc_slot + PROC_SLOTS, ~0U,
	    CLOSE_RANGE_UNSHARE) == -1)
		goto fail;
	if (s->rec_text != NULL)
		proc_child_record(s);
	memset(&ksa, 0, sizeof ksa);
	ksa.handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &ksa, NULL,
			    sizeof ksa.mask);
	}
	proc_child_limits();
	setsid();
	if (proc_child_ident(s, &e) == -1)
		goto fail;
	e.stage = PROC_STAGE_CHDIR;
	if (s->cwd != NULL && chdir(s->cwd) == -1)
		goto fail;
	e.stage = PROC_STAGE_STDIO;
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1)
		goto fail;
	if (dup2(s->out_fd, 1) == -1 || dup2(s->err_fd, 2) == -1)
		goto fail;
	if ((first = proc_child_fds(s, &errfd, &none)) == -1)
		goto fail;
	proc_close_but(first, errfd, errfd);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	e.stage = PROC_STAGE_EXEC;
	execve(s->path, s->argv, s->envp);
fail:
	e.err = errno;
	while (write(errfd, &e, sizeof e) == -1 && errno == EINTR)
		;
	_exit(127);
}

/* Puts fd in the next free slot; its number there. */
static int
proc_slot_put(int fd, int *used)
{
	int	slot = proc_slot + (*used)++;

	if (dup3(fd, slot, O_CLOEXEC) == -1)
		return (-1);
	return (slot);
}

/*
 * clone(CLONE_VM | CLONE_VFORK | CLONE_FILES): we are stopped until the
 * child has exec'd the app (or failed), and nothing is copied but the
 * slots. errfd is the child's end of the verdict pipe.
 */
static pid_t
proc_spawn_vfork(const struct proc_spec *s, int errfd, char *cause,
    size_t clen)
{
	struct proc_vfork	 v;
	sigset_t		 all, old;
	size_t			 i;
	int			 used = 0, e = 0;
	pid_t			 pid = -1;

	memset(&v, 0, sizeof v);
	v.spec = *s;
	if ((v.spec.out_fd = proc_slot_put(s->out_fd, &used)) == -1 ||
	    (v.spec.err_fd = proc_slot_put(s->err_fd, &used)) == -1 ||
	    (v.errfd = proc_slot_put(errfd, &used)) == -1 ||
	    (s->ipc_fd != -1 &&
	    (v.spec.ipc_fd = proc_slot_put(s->ipc_fd, &used)) == -1))
		goto out;
	for (i = 0; i < s->nlisten; i++) {
		if ((v.listen[i] = proc_slot_put(s->listen_fds[i],
		    &used)) == -1)
			goto out;
	}
	v.spec.listen_fds = v.listen;

	/* Our handlers must not run in the child: see proc_spawn. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = clone(proc_vfork_child, proc_stack + PROC_STACK,
	    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &v);
	/* The child shared our errno: only clone's own failure counts. */
	e = pid == -1 ? errno : 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	if (pid == -1 && e == 0)
		e = errno;
	/* The slots hold /dev/null again; their copies are gone. */
	while (used-- > 0)
		dup3(proc_nullfd, proc_slot + used, O_CLOEXEC);
	if (pid == -1) {
		snprintf(cause, clen, "clone: %s", strerror(e));
		errno = e;
	}
	return (pid);
}

pid_t
proc_spawn(const struct proc_spec *s, int *pidfd, int *execfd, int *gofd,
    char *cause, size_t clen)
{
	sigset_t	all, old;
	int		p[2], go[2] = { -1, -1 }, e;
	bool		direct = proc_slot != -1 && s->nlisten <= PROC_LISTEN_MAX;
	pid_t		pid;

	*pidfd = -1;
	*execfd = -1;
	*gofd = -1;
	if (!proc_said) {
		proc_said = true;
		log_info("spawn: %s", proc_slot != -1 ? "vfork" :
		    "fork (no descriptor slots)");
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(cause, clen, "pipe: %s", strerror(errno));
		return (-1);
	}
	/* The vfork child writes its own record: it waits for nothing. */
	if (!direct && pipe2(go, O_CLOEXEC) == -1) {
		snprintf(cause, clen, "pipe: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return (-1);
	}
	if (direct)
		pid = proc_spawn_vfork(s, p[1], cause, clen);
	else {
		/*
		 * Until the child has reset its handlers, a signal would run
		 * libuv's handler there and write into the daemon's signal
		 * pipe.
		 */
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, &old);
		if ((pid = fork()) == 0)
			proc_child(s, p[1], go);
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (pid == -1) {
			snprintf(cause, clen, "fork: %s", strerror(e));
			errno = e;
		}
	}
	if (pid == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		if (!direct) {
			close(go[0]);
			close(go[1]);
		}
		errno = e;
		return (-1);
	}
	close(p[1]);
	*execfd = p[0];
	if (!direct) {
		close(go[0]);
		*gofd = go[1];
	}
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd != -1)
		fcntl(*pidfd, F_SETFD, FD_CLOEXEC);
	return (pid);
}

void
proc_release(int gofd)
{
	if (gofd == -1)
		return;
	while (write(gofd, "g", 1) == -1 && errno == EINTR)
		;
	close(gofd);
}

/* The limits key of a resource, for messages. */
static const char *
proc_rlimit_name(int res)
{
	switch (res) {
	case RLIMIT_NOFILE:
		return ("nofile");
	case RLIMIT_NPROC:
		return ("nproc");
	case RLIMIT_CORE:
		return ("core");
	case RLIMIT_MEMLOCK:
		return ("memlock");
	case RLIMIT_STACK:
		return ("stack");
	case RLIMIT_CPU:
		return ("cpu");
	}
	return ("?");
}

int
proc_exec_result(int execfd, const struct proc_spec *s, char *cause,
    size_t clen)
{
	struct proc_err	e;
	ssize_t		n;

	do
		n = read(execfd, &e, sizeof e);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return (-1);
	if (n != (ssize_t)sizeof e)
		return (0);
	switch (e.stage) {
	case PROC_STAGE_RLIMIT:
		snprintf(cause, clen, "limits.%s: setrlimit: %s",
		    proc_rlimit_name((int)e.arg), strerror(e.err));
		break;
	case PROC_STAGE_GROUPS:
	case PROC_STAGE_GID:
		snprintf(cause, clen, "group: %s %ld: %s", e.stage ==
		    PROC_STAGE_GID ? "setgid" : "setgroups", e.arg,
		    strerror(e.err));
		break;
	case PROC_STAGE_UID:
		snprintf(cause, clen, "user: setuid %ld: %s", e.arg,
		    strerror(e.err));
		break;
	default:
		snprintf(cause, clen, "%s %s: %s", e.stage == PROC_STAGE_CHDIR ?
		    "chdir" : e.stage == PROC_STAGE_EXEC ? "exec" : "stdio",
		    e.stage == PROC_STAGE_CHDIR ? s->cwd : s->path,
		    strerror(e.err));
		break;
	}
	return (1);
}

static const char *
proc_getenv(char *const *envp, const char *name)
{
	size_t	n = strlen(name), i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++) {
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return (envp[i] + n + 1);
	}
	return (NULL);
}

static bool
proc_executable(const char *path)
{
	struct stat	st;

	return (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0);
}

int
proc_resolve(const char *prog, const char *cwd, char *const *envp, char *out,
    size_t outlen, const char **cause)
{
	const char	*path, *p, *colon;
	char		 cand[PATH_MAX];
	size_t		 dlen;

	if (strchr(prog, '/') != NULL) {
		if (prog[0] == '/' || cwd == NULL)
			snprintf(cand, sizeof cand, "%s", prog);
		else
			snprintf(cand, sizeof cand, "%s/%s", cwd, prog);
		if (!proc_executable(cand)) {
			*cause = access(cand, F_OK) == 0 ?
			    "not an executable file" : "no such file";
			return (-1);
		}
		return (strlcpy(out, cand, outlen) < outlen ? 0 : -1);
	}
	if ((path = proc_getenv(envp, "PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		dlen = colon ? (size_t)(colon - p) : strlen(p);
		if (dlen == 0)
			snprintf(cand, sizeof cand, "%s/%s", cwd ? cwd : ".",
			    prog);
		else if (p[0] != '/' && cwd != NULL)
			snprintf(cand, sizeof cand, "%s/%.*s/%s", cwd,
			    (int)dlen, p, prog);
		else
			snprintf(cand, sizeof cand, "%.*s/%s", (int)dlen, p,
			    prog);
		if (proc_executable(cand))
			return (strlcpy(out, cand, outlen) < outlen ? 0 : -1);
		if (colon == NULL)
			break;
	}
	*cause = "command not found in PATH";
	return (-1);
}

int
proc_pidfd(pid_t pid)
{
	return (pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1);
}

int
proc_signal_group(pid_t pgid, int sig)
{
	/* kill(0) or kill(-1) would hit the daemon's group or everything. */
	if (pgid <= 1) {
		errno = EINVAL;
		return (-1);
	}
	return (kill(-pgid, sig));
}

bool
proc_group_alive(pid_t pgid)
{
	if (pgid <= 1)
		return (false);
	return (kill(-pgid, 0) == 0 || errno == EPERM);
}

bool
proc_group_alive_nz(pid_t pgid)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[64], buf[512], *p, state;
	int		 fd, pgrp;
	ssize_t		 n;
	bool		 alive = false;

	if (!proc_group_alive(pgid))
		return (false);
	if ((d = opendir("/proc")) == NULL)
		return (true);
	while (!alive && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 2, "%c %*d %d", &state, &pgrp) != 2)
			continue;
		if (pgrp == pgid && state != 'Z' && state != 'X')
			alive = true;
	}
	closedir(d);
	return (alive);
}

/*
 * The fields of /proc/PID/stat after the command name (from field 3, the
 * state), in buf; NULL when the process is gone. The name may hold spaces
 * and parentheses, so it is skipped past its last ')'.
 */
const char *
proc_stat_fields(pid_t pid, char *buf, size_t len)
{
	char	 path[64], *p;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return (NULL);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (NULL);
	return (p + 2);
}

int
proc_stat_ent(pid_t pid, struct proc_ent *e)
{
	char			 buf[1024], state;
	const char		*p;
	unsigned long long	 start;
	int			 ppid, pgid, sid;

	if ((p = proc_stat_fields(pid, buf, sizeof buf)) == NULL ||
	    sscanf(p, "%c %d %d %d "
	    "%*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
	    &state, &ppid, &pgid, &sid, &start) != 5)
		return (-1);
	e->pid = pid;
	e->ppid = ppid;
	e->pgid = pgid;
	e->sid = sid;
	e->start = start;
	e->zombie = state == 'Z' || state == 'X';
	return (0);
}

static int
proc_ent_cmp(const void *a, const void *b)
{
	const struct proc_ent	*x = a, *y = b;

	return ((x->pid > y->pid) - (x->pid < y->pid));
}

int
proc_scan(struct proc_ent **out, size_t *np)
{
	struct proc_ent	*v = NULL, *nv;
	struct dirent	*de;
	size_t		 n = 0, cap = 0;
	DIR		*d;
	long		 pid;
	char		*end;

	if ((d = opendir("/proc")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL) {
				free(v);
				closedir(d);
				return (-1);
			}
			v = nv;
		}
		if (proc_stat_ent((pid_t)pid, &v[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(v, n, sizeof *v, proc_ent_cmp);
	*out = v;
	*np = n;
	return (0);
}

const struct proc_ent *
proc_scan_find(const struct proc_ent *v, size_t n, pid_t pid)
{
	struct proc_ent	key = { .pid = pid };

	if (n == 0)
		return (NULL);
	return (bsearch(&key, v, n, sizeof *v, proc_ent_cmp));
}

bool
proc_alive_as(pid_t pid, uint64_t start)
{
	struct proc_ent	e;

	return (pid > 1 && proc_stat_ent(pid, &e) == 0 && e.start == start &&
	    !e.zombie);
}

int
proc_signal_as(pid_t pid, uint64_t start, int sig)
{
	struct proc_ent	e;
	int		fd, r;

	if (pid <= 1) {
		errno = EINVAL;
		return (-1);
	}
	/* The pidfd pins the process; then we check it is the one meant. */
	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return (-1);
	if (proc_stat_ent(pid, &e) == -1 || e.start != start) {
		close(fd);
		errno = ESRCH;
		return (-1);
	}
	r = (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	close(fd);
	return (r);
}

long
proc_hz(void)
{
	static long	hz;

	if (hz == 0 && (hz = sysconf(_SC_CLK_TCK)) <= 0)
		hz = 100;
	return (hz);
}

/* Reads utime+stime, rss and thread count of one process. */
static int
proc_stat1(pid_t pid, uint64_t *ticks, uint64_t *rss, long *threads)
{
	char			 buf[1024];
	const char		*p;
	unsigned long long	 ut, st;
	long			 nthr, rsspages;

	if ((p = proc_stat_fields(pid, buf, sizeof buf)) == NULL)
		return (-1);
	/* Fields from 3 (state); utime is 14, threads 20, rss 24. */
	if (sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu %*d %*d %*d %*d %ld %*d %*u %*u %ld", &ut, &st, &nthr,
	    &rsspages) != 4)
		return (-1);
	*ticks = ut + st;
	*rss = (uint64_t)(rsspages > 0 ? rsspages : 0) * (uint64_t)getpagesize();
	*threads = nthr;
	return (0);
}

/* Appends the children of every thread of pid to the stack. */
static void
proc_children(pid_t pid, long threads, pid_t *stack, size_t *n, size_t max)
{
	char		 path[64], buf[4096], *p, *end;
	struct dirent	*de;
	DIR		*d = NULL;
	long		 tid = pid, v;
	ssize_t		 r;
	size_t		 have;
	int		 fd;

	if (threads > 1) {
		snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
		d = opendir(path);
	}
	for (;;) {
		if (d != NULL) {
			if ((de = readdir(d)) == NULL)
				break;
			if (de->d_name[0] == '.')
				continue;
			tid = strtol(de->d_name, NULL, 10);
		}
		snprintf(path, sizeof path, "/proc/%d/task/%ld/children",
		    (int)pid, tid);
		/*
		 * Read to the end: the daemon's own list (every app's main
		 * process) is far over one buffer with 1000 apps. A number cut
		 * at the buffer's end is carried to the next read.
		 */
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			/*
			 * An empty file (no children) reads nothing: the
			 * number after the loop must not come from what the
			 * stack held before (it made pid 8, then the whole
			 * machine, one app's tree).
			 */
			have = 0;
			buf[0] = '\0';
			while ((r = read(fd, buf + have, sizeof buf - 1 -
			    have)) > 0 || (r == -1 && errno == EINTR)) {
				if (r == -1)
					continue;
				have += (size_t)r;
				buf[have] = '\0';
				for (p = buf; *n < max; p = end) {
					v = strtol(p, &end, 10);
					/* Not a whole number yet: keep it. */
					if (end == p || *end == '\0')
						break;
					stack[(*n)++] = (pid_t)v;
				}
				have = strlen(p);
				memmove(buf, p, have + 1);
			}
			close(fd);
			if ((v = strtol(buf, &end, 10)) > 0 && end != buf &&
			    *n < max)
				stack[(*n)++] = (pid_t)v;
		}
		if (d == NULL)
			break;
	}
	if (d != NULL)
		closedir(d);
}

size_t
proc_own_children(pid_t *out, size_t max)
{
	size_t	n = 0;

	/* Every thread: an orphan is handed to any thread of a subreaper. */
	proc_children(getpid(), 2, out, &n, max);
	return (n);
}

int
proc_stats_add(pid_t pid, struct proc_stats *ps)
{
	pid_t		 stack[4096];
	size_t		 n = 0;
	uint64_t	 ticks, rss;
	unsigned	 before = ps->nprocs;
	long		 threads;
	pid_t		 p;

	if (pid <= 0)
		return (-1);
	stack[n++] = pid;
	while (n > 0) {
		p = stack[--n];
		if (proc_stat1(p, &ticks, &rss, &threads) == -1)
			continue;
		ps->rss += rss;
		ps->cpu_ticks += ticks;
		ps->nprocs++;
		proc_children(p, threads, stack, &n,
		    sizeof stack / sizeof stack[0]);
	}
	return (ps->nprocs > before ? 0 : -1);
}

int
proc_stats(pid_t pid, struct proc_stats *ps)
{
	memset(ps, 0, sizeof *ps);
	return (proc_stats_add(pid, ps));
}

void
proc_raise_nofile(void)
{
	struct rlimit	rl;

	/* Five a running app (two log files, two pipes, a pidfd): all. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
proc_nofile(long *open, long *limit)
{
	struct rlimit	 rl;
	struct dirent	*de;
	DIR		*d;

	*open = *limit = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		*limit = rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
	if ((d = opendir("/proc/self/fd")) == NULL)
		return (-1);
	*open = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			(*open)++;
	}
	closedir(d);
	/* Not the one reading the directory. */
	(*open)--;
	return (0);
}
