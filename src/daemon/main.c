/*
 * opmd: the daemon. One libuv loop owns all state; nothing else spawns,
 * signals or reaps. Start-up order matters: take the single-instance lock,
 * only then remove a stale socket and bind a new one under umask 077 in a
 * 0700 directory, then tell whoever waits that we are ready (the CLI via
 * OPM_READY_FD, systemd via NOTIFY_SOCKET).
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "app.h"
#include "cmd.h"
#include "ipc.h"
#include "log.h"
#include "logf.h"
#include "opm.h"
#include "parse.h"
#include "paths.h"

static struct paths	 d_paths;
static uv_loop_t	*d_loop;
static uv_signal_t	 d_sigchld, d_sigterm, d_sigint, d_sighup;
static uint64_t		 d_started;
static int		 d_ready_fd = -1;
static int		 d_lock_fd = -1;
static bool		 d_stopping;

/* Tells systemd, if it asked: READY=1, STOPPING=1. */
static void
daemon_sd_notify(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof sun.sun_path)
		return;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, path, sizeof sun.sun_path);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_warn("%s: %s", __func__, path);
	close(fd);
}

/* Tells the CLI that started us how start-up went, then closes the pipe. */
static void
daemon_tell(const char *msg)
{
	if (d_ready_fd == -1)
		return;
	if (write(d_ready_fd, msg, strlen(msg)) == -1)
		log_debug("%s: write: %s", __func__, strerror(errno));
	close(d_ready_fd);
	d_ready_fd = -1;
}

/* Start-up failure: log it, tell the waiting CLI, exit. */
static void __attribute__((noreturn))
daemon_die(const char *msg)
{
	char	line[600];

	log_warnx("%s", msg);
	snprintf(line, sizeof line, "%s\n", msg);
	daemon_tell(line);
	exit(1);
}

static void __attribute__((noreturn))
daemon_die_errno(const char *what, const char *path)
{
	char	msg[512];

	snprintf(msg, sizeof msg, "%s %.300s: %s", what, path,
	    strerror(errno));
	daemon_die(msg);
}

/* The single-instance lock, held for the daemon's life, close-on-exec. */
static void
daemon_lock(void)
{
	char	buf[32], msg[128];
	int	n;

	d_lock_fd = open(d_paths.pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d_lock_fd == -1)
		daemon_die_errno("cannot open", d_paths.pidfile);
	if (flock(d_lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			n = read(d_lock_fd, buf, sizeof buf - 1);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			snprintf(msg, sizeof msg, "another opmd (pid %s) "
			    "serves this OPM_HOME", buf);
			daemon_die(msg);
		}
		daemon_die_errno("cannot lock", d_paths.pidfile);
	}
	n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (ftruncate(d_lock_fd, 0) == -1 || pwrite(d_lock_fd, buf, n, 0) != n)
		daemon_die_errno("cannot write", d_paths.pidfile);
}

static void
daemon_rlimits(void)
{
	struct rlimit	rl;

	/* Thousands of clients and apps need descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
daemon_exit_now(void)
{
	daemon_sd_notify("STOPPING=1");
	ipc_shutdown();
	uv_stop(d_loop);
}

void
daemon_shutdown(const char *why)
{
	log_info("shutting down: %s", why);
	daemon_exit_now();
}

static void
daemon_app_settled(void *arg)
{
	struct app	*a;

	(void)arg;
	TAILQ_FOREACH(a, &apps, entry) {
		if (a->state == APP_STOPPING)
			return;
	}
	daemon_shutdown("every app stopped");
}

/* SIGTERM/SIGINT: stop every app in parallel, then exit. */
static void
daemon_stop_all(const char *why)
{
	struct app	*a;
	int		 waiting = 0;

	if (d_stopping)
		return;
	d_stopping = true;
	log_info("%s: stopping every app", why);
	daemon_sd_notify("STOPPING=1");
	TAILQ_FOREACH(a, &apps, entry) {
		app_event(a, EV_STOP);
		if (a->state == APP_STOPPING) {
			app_wait(a, daemon_app_settled, NULL);
			waiting++;
		}
	}
	if (waiting == 0)
		daemon_shutdown("no app running");
}

static void
daemon_signal_cb(uv_signal_t *h, int sig)
{
	(void)h;
	if (sig == SIGCHLD)
		app_reap();
	else if (sig == SIGHUP)
		log_info("SIGHUP ignored");
	else
		daemon_stop_all(parse_signame(sig));
}

const struct paths *
daemon_paths(void)
{
	return (&d_paths);
}

cJSON *
daemon_status(void)
{
	cJSON	*d = cJSON_CreateObject();
	long	 pages = 0;
	FILE	*f;

	if ((f = fopen("/proc/self/statm", "re")) != NULL) {
		if (fscanf(f, "%*s %ld", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	cJSON_AddNumberToObject(d, "pid", getpid());
	cJSON_AddStringToObject(d, "version", OPM_VERSION);
	cJSON_AddNumberToObject(d, "protocol", OPM_PROTO);
	cJSON_AddNumberToObject(d, "uptime_ms",
	    (double)(uv_hrtime() / 1000000 - d_started));
	cJSON_AddNumberToObject(d, "apps", app_count());
	cJSON_AddNumberToObject(d, "clients", ipc_count());
	cJSON_AddNumberToObject(d, "memory_bytes",
	    (double)pages * getpagesize());
	cJSON_AddStringToObject(d, "home", d_paths.home);
	cJSON_AddStringToObject(d, "socket", d_paths.sock);
	cJSON_AddStringToObject(d, "log", d_paths.daemon_log);
	return (d);
}

static void
usage(void)
{
	fprintf(stderr, "usage: opmd [--foreground]\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cause, *e;
	bool		 foreground = false;
	int		 ch;
	long long	 fd;

	while ((ch = getopt_long(argc, argv, "fV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			foreground = true;
			break;
		case 'V':
			printf("opmd %s\n", OPM_VERSION);
			return (0);
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if ((e = getenv("OPM_READY_FD")) != NULL &&
	    parse_int(e, 3, 1024, &fd, &cause) == 0 &&
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0)
		d_ready_fd = (int)fd;
	unsetenv("OPM_READY_FD");

	umask(077);
	if (paths_init(&d_paths, &cause) == -1)
		daemon_die(cause);
	if (paths_make_dirs(&d_paths) == -1)
		daemon_die_errno("cannot create", d_paths.home);
	log_init(foreground ? NULL : d_paths.daemon_log, 10 * 1024 * 1024,
	    LOG_LVL_INFO);
	daemon_lock();

	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	daemon_rlimits();

	d_loop = uv_default_loop();
	d_started = uv_hrtime() / 1000000;
	logf_init(d_loop);
	app_init(d_loop, &d_paths);
	uv_signal_init(d_loop, &d_sigchld);
	uv_signal_start(&d_sigchld, daemon_signal_cb, SIGCHLD);
	uv_signal_init(d_loop, &d_sigterm);
	uv_signal_start(&d_sigterm, daemon_signal_cb, SIGTERM);
	uv_signal_init(d_loop, &d_sigint);
	uv_signal_start(&d_sigint, daemon_signal_cb, SIGINT);
	uv_signal_init(d_loop, &d_sighup);
	uv_signal_start(&d_sighup, daemon_signal_cb, SIGHUP);

	if (ipc_listen(d_loop, d_paths.sock, cmd_dispatch, &cause) == -1) {
		errno = EINVAL;
		daemon_die(cause);
	}
	log_info("opmd %s started, pid %d, home %s", OPM_VERSION,
	    (int)getpid(), d_paths.home);
	daemon_tell("ready\n");
	daemon_sd_notify("READY=1");

	uv_run(d_loop, UV_RUN_DEFAULT);

	unlink(d_paths.sock);
	unlink(d_paths.pidfile);
	log_info("opmd stopped");
	return (0);
}
