/*
 * opm-testapp: a scriptable stand-in for the programs opm supervises.
 *
 * The arguments are a list of actions run in order, for example
 *	opm-testapp print hello sleep 0.5 exit 3
 * so an end-to-end test can make a process that prints, exits with a code,
 * dies of a signal, ignores or traps signals, forks children or orphans,
 * floods its output, closes it or ticks forever, without any shell in between.
 * Output that matters goes through write(2), never stdio, so nothing is
 * left in a buffer when the process is killed. Running off the end of the
 * list exits 0. An unknown action or a bad argument exits 64 (EX_USAGE).
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define TESTAPP_EXIT_USAGE	64

struct testapp_signame {
	const char	*name;
	int		 signo;
};

/* Full names; parsing also accepts them without the SIG prefix. */
static const struct testapp_signame testapp_signames[] = {
	{ "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT },
	{ "SIGILL", SIGILL }, { "SIGTRAP", SIGTRAP }, { "SIGABRT", SIGABRT },
	{ "SIGBUS", SIGBUS }, { "SIGFPE", SIGFPE }, { "SIGKILL", SIGKILL },
	{ "SIGUSR1", SIGUSR1 }, { "SIGSEGV", SIGSEGV }, { "SIGUSR2", SIGUSR2 },
	{ "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM },
	{ "SIGCHLD", SIGCHLD }, { "SIGCONT", SIGCONT }, { "SIGSTOP", SIGSTOP },
	{ "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN }, { "SIGTTOU", SIGTTOU },
	{ "SIGURG", SIGURG }, { "SIGXCPU", SIGXCPU }, { "SIGXFSZ", SIGXFSZ },
	{ "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
	{ "SIGWINCH", SIGWINCH }, { "SIGIO", SIGIO }, { "SIGPWR", SIGPWR },
	{ "SIGSYS", SIGSYS },
};
#define TESTAPP_NSIGNAMES \
	(sizeof testapp_signames / sizeof testapp_signames[0])

static const char	*testapp_progname = "opm-testapp";

static void	testapp_usage_exit(const char *, const char *)
		    __attribute__((noreturn));
static int	testapp_write_all(int, const void *, size_t);
static void	testapp_line(int, const char *, int);
static const char *testapp_signame(int);
static int	testapp_parse_signal(const char *);
static double	testapp_parse_seconds(const char *, const char *);
static long	testapp_parse_long(const char *, const char *, long, long);
static void	testapp_sleep(double);
static void	testapp_trap_handler(int);
static void	testapp_lines(long);
static void	testapp_tick(int, long);
static void	testapp_fork_sleep(double);
static void	testapp_fork_many(long, double);
static void	testapp_daemonize_orphan(double);
static void	testapp_fork_setsid(double);
static void	testapp_daemonize(void);
static void	testapp_pidfile(const char *);
static void	testapp_cwd(void);

/* Reports a bad command line on stderr and exits 64. */
static void
testapp_usage_exit(const char *what, const char *arg)
{
	char	buf[512];

	snprintf(buf, sizeof buf, "%s: %s: %s\n", testapp_progname, what,
	    arg != NULL ? arg : "(missing)");
	testapp_write_all(STDERR_FILENO, buf, strlen(buf));
	_exit(TESTAPP_EXIT_USAGE);
}

/* Writes all of buf, retrying on EINTR and short writes; -1 on error. */
static int
testapp_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Writes s to fd in one write(2), followed by a newline if nl is set. */
static void
testapp_line(int fd, const char *s, int nl)
{
	size_t	 len = strlen(s);
	char	*buf;

	if ((buf = malloc(len + 1)) == NULL) {
		testapp_write_all(fd, s, len);
		if (nl)
			testapp_write_all(fd, "\n", 1);
		return;
	}
	memcpy(buf, s, len);
	if (nl)
		buf[len++] = '\n';
	testapp_write_all(fd, buf, len);
	free(buf);
}

/* Returns "SIGTERM" for SIGTERM; async-signal-safe. */
static const char *
testapp_signame(int signo)
{
	size_t	i;

	for (i = 0; i < TESTAPP_NSIGNAMES; i++)
		if (testapp_signames[i].signo == signo)
			return (testapp_signames[i].name);
	return ("SIG?");
}

/* Parses "TERM", "SIGTERM", "term" or "15"; exits 64 when unknown. */
static int
testapp_parse_signal(const char *s)
{
	const char	*name = s;
	size_t		 i;
	long		 n;

	if (s == NULL)
		testapp_usage_exit("missing signal", NULL);
	if (s[0] >= '0' && s[0] <= '9') {
		n = testapp_parse_long("bad signal", s, 1, SIGRTMAX);
		return ((int)n);
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < TESTAPP_NSIGNAMES; i++)
		if (strcasecmp(name, testapp_signames[i].name + 3) == 0)
			return (testapp_signames[i].signo);
	testapp_usage_exit("unknown signal", s);
}

/* Parses a non-negative number of seconds such as "2" or "0.3". */
static double
testapp_parse_seconds(const char *what, const char *s)
{
	char	*end;
	double	 d;

	if (s == NULL || *s == '\0')
		testapp_usage_exit(what, s);
	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(d) || d < 0)
		testapp_usage_exit(what, s);
	return (d);
}

/* Parses an integer in [min, max]; exits 64 otherwise. */
static long
testapp_parse_long(const char *what, const char *s, long min, long max)
{
	char	*end;
	long	 n;

	if (s == NULL || *s == '\0')
		testapp_usage_exit(what, s);
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		testapp_usage_exit(what, s);
	return (n);
}

/* Sleeps for the given seconds, resuming after signal handlers. */
static void
testapp_sleep(double secs)
{
	struct timespec	 ts, rem;

	if (secs > (double)INT_MAX)
		secs = (double)INT_MAX;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

/* Handler of "trap": says which signal arrived, then carries on. */
static void
testapp_trap_handler(int signo)
{
	int		 saved = errno;
	const char	*name = testapp_signame(signo);
	char		 buf[32];
	size_t		 len;

	len = strlen(name);
	memcpy(buf, "got ", 4);
	memcpy(buf + 4, name, len);
	buf[4 + len] = '\n';
	testapp_write_all(STDOUT_FILENO, buf, len + 5);
	errno = saved;
}

/* Prints 1..n, one per line, through a large buffer flushed when full. */
static void
testapp_lines(long n)
{
	static char	 buf[65536];
	size_t		 used = 0;
	long		 i;
	int		 len;

	for (i = 1; i <= n; i++) {
		if (sizeof buf - used < 32) {
			if (testapp_write_all(STDOUT_FILENO, buf, used) == -1)
				exit(1);
			used = 0;
		}
		len = snprintf(buf + used, sizeof buf - used, "%ld\n", i);
		used += (size_t)len;
	}
	if (used > 0 && testapp_write_all(STDOUT_FILENO, buf, used) == -1)
		exit(1);
}

/* Prints 1, 2, 3... on fd every ms milliseconds, forever. */
static void
testapp_tick(int fd, long ms)
{
	char		 buf[32];
	unsigned long	 seq;
	int		 len;

	for (seq = 1;; seq++) {
		len = snprintf(buf, sizeof buf, "%lu\n", seq);
		testapp_write_all(fd, buf, (size_t)len);
		testapp_sleep((double)ms / 1000.0);
	}
}

/* Forks a child, in our process group, that sleeps then exits 0. */
static void
testapp_fork_sleep(double secs)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		testapp_sleep(secs);
		_exit(0);
	}
}

/*
 * Forks n children like fork-sleep. A failed fork reports how many children
 * were made and exits 1, leaving those children behind.
 */
static void
testapp_fork_many(long n, double secs)
{
	char	buf[64];
	pid_t	pid;
	long	i;

	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1) {
			snprintf(buf, sizeof buf, "fork-many: child %ld: ",
			    i + 1);
			testapp_write_all(STDERR_FILENO, buf, strlen(buf));
			perror("fork");
			exit(1);
		}
		if (pid == 0) {
			testapp_sleep(secs);
			_exit(0);
		}
	}
}

/*
 * Double fork: the grandchild sleeps then exits, the intermediate child
 * exits at once so the grandchild is reparented (to init or the nearest
 * subreaper). The grandchild stays in our process group and session.
 */
static void
testapp_daemonize_orphan(double secs)
{
	pid_t	pid, gpid;
	int	status;

	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if ((gpid = fork()) == -1)
			_exit(1);
		if (gpid == 0) {
			testapp_sleep(secs);
			_exit(0);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}

/*
 * Forks a child that leaves our session and process group (setsid) and
 * sleeps, then exits 0: a descendant a group signal does not reach.
 */
static void
testapp_fork_setsid(double secs)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (setsid() == -1)
			_exit(1);
		testapp_sleep(secs);
		_exit(0);
	}
}

/*
 * Daemonizes the classic way: fork, the parent exits 0, the child calls
 * setsid and forks again, the intermediate exits, and the grandchild goes
 * on with the rest of the actions.
 */
static void
testapp_daemonize(void)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		_exit(1);
	if ((pid = fork()) == -1)
		_exit(1);
	if (pid != 0)
		_exit(0);
}

/* Writes our pid to path through a temporary file and rename(2). */
static void
testapp_pidfile(const char *path)
{
	char	tmp[PATH_MAX], buf[32];
	int	fd, len;

	if (path == NULL || *path == '\0')
		testapp_usage_exit("missing pidfile path", NULL);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path,
	    (long)getpid()) >= sizeof tmp)
		testapp_usage_exit("pidfile path too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		perror(tmp);
		exit(1);
	}
	len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (testapp_write_all(fd, buf, (size_t)len) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		perror(path);
		unlink(tmp);
		exit(1);
	}
}

/* Prints the working directory. */
static void
testapp_cwd(void)
{
	char	buf[PATH_MAX];

	if (getcwd(buf, sizeof buf) == NULL) {
		perror("getcwd");
		exit(1);
	}
	testapp_line(STDOUT_FILENO, buf, 1);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	const char		*act, *arg, *v;
	long			 n;
	int			 i, signo;

	if (argc > 0 && argv[0] != NULL)
		testapp_progname = argv[0];

	for (i = 1; i < argc; i++) {
		act = argv[i];
		arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(act, "sleep") == 0) {
			testapp_sleep(testapp_parse_seconds("bad seconds",
			    arg));
			i++;
		} else if (strcmp(act, "forever") == 0) {
			for (;;)
				pause();
		} else if (strcmp(act, "exit") == 0) {
			exit((int)testapp_parse_long("bad exit code", arg, 0,
			    255));
		} else if (strcmp(act, "kill") == 0) {
			signo = testapp_parse_signal(arg);
			i++;
			raise(signo);
		} else if (strcmp(act, "print") == 0) {
			if (arg == NULL)
				testapp_usage_exit("missing text for", act);
			testapp_line(STDOUT_FILENO, arg, 1);
			i++;
		} else if (strcmp(act, "eprint") == 0) {
			if (arg == NULL)
				testapp_usage_exit("missing text for", act);
			testapp_line(STDERR_FILENO, arg, 1);
			i++;
		} else if (strcmp(act, "partial") == 0) {
			if (arg == NULL)
				testapp_usage_exit("missing text for", act);
			testapp_line(STDOUT_FILENO, arg, 0);
			i++;
		} else if (strcmp(act, "lines") == 0) {
			testapp_lines(testapp_parse_long("bad line count", arg,
			    0, LONG_MAX));
			i++;
		} else if (strcmp(act, "tick") == 0 ||
		    strcmp(act, "etick") == 0) {
			testapp_tick(act[0] == 'e' ? STDERR_FILENO :
			    STDOUT_FILENO, testapp_parse_long(
			    "bad tick interval", arg, 1, INT_MAX));
		} else if (strcmp(act, "ignore") == 0 ||
		    strcmp(act, "trap") == 0 || strcmp(act, "default") == 0) {
			signo = testapp_parse_signal(arg);
			i++;
			memset(&sa, 0, sizeof sa);
			sigemptyset(&sa.sa_mask);
			sa.sa_flags = SA_RESTART;
			sa.sa_handler = act[0] == 'i' ? SIG_IGN :
			    act[0] == 'd' ? SIG_DFL : testapp_trap_handler;
			if (sigaction(signo, &sa, NULL) == -1) {
				perror(arg);
				exit(1);
			}
		} else if (strcmp(act, "fork-sleep") == 0) {
			testapp_fork_sleep(testapp_parse_seconds("bad seconds",
			    arg));
			i++;
		} else if (strcmp(act, "fork-many") == 0) {
			n = testapp_parse_long("bad child count", arg, 0,
			    LONG_MAX);
			i++;
			testapp_fork_many(n, testapp_parse_seconds(
			    "bad seconds", i + 1 < argc ? argv[i + 1] : NULL));
			i++;
		} else if (strcmp(act, "daemonize-orphan") == 0) {
			testapp_daemonize_orphan(testapp_parse_seconds(
			    "bad seconds", arg));
			i++;
		} else if (strcmp(act, "fork-setsid") == 0) {
			testapp_fork_setsid(testapp_parse_seconds(
			    "bad seconds", arg));
			i++;
		} else if (strcmp(act, "daemonize") == 0) {
			testapp_daemonize();
		} else if (strcmp(act, "pidfile") == 0) {
			testapp_pidfile(arg);
			i++;
		} else if (strcmp(act, "env") == 0) {
			if (arg == NULL)
				testapp_usage_exit("missing name for", act);
			v = getenv(arg);
			testapp_line(STDOUT_FILENO, v != NULL ? v : "(unset)",
			    1);
			i++;
		} else if (strcmp(act, "cwd") == 0) {
			testapp_cwd();
		} else if (strcmp(act, "close-stdout") == 0) {
			close(STDOUT_FILENO);
		} else if (strcmp(act, "close-stderr") == 0) {
			close(STDERR_FILENO);
		} else if (strcmp(act, "tag") == 0) {
			/* A no-op word that makes the command line unique. */
			if (arg == NULL)
				testapp_usage_exit("missing word for", act);
			i++;
		} else
			testapp_usage_exit("unknown action", act);
	}
	return (0);
}
