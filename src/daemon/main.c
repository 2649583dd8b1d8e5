/*
 * opmd: the daemon. One libuv loop owns all state; nothing else spawns,
 * signals or reaps. Start-up order matters: take the single-instance lock,
 * only then remove a stale socket and bind a new one under umask 077 in a
 * 0700 directory, then tell whoever waits that we are ready (the CLI via
 * OPM_READY_FD, systemd via NOTIFY_SOCKET).
 */
#include <sys/file.h>
#include <sys/mman.h>
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
#include "json.h"
#include "keeper.h"
#include "log.h"
#include "logf.h"
#include "opm.h"
#include "parse.h"
#include "paths.h"
#include "state.h"
#include "xmem.h"

static struct paths	 d_paths;
static uv_loop_t	*d_loop;
static uv_signal_t	 d_sigchld, d_sigterm, d_sigint, d_sighup;
static uint64_t		 d_started;
static int		 d_ready_fd = -1;
static int		 d_lock_fd = -1;
static bool		 d_stopping;
static char		 d_self[4096];	/* this binary, for re-exec */
static char		**d_argv;
static int		 d_reloads;
static bool		 d_reloading;

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
	/* Started by hand: whoever started us reads stderr. */
	if (d_ready_fd == -1)
		fprintf(stderr, "opmd: %s", line);
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

/*
 * A clean stop forgets runtime state (every app is stopped): the next
 * daemon starts empty, and restore brings back what was saved.
 */
static void
daemon_exit_now(void)
{
	struct app	*a;
	bool		 running = false;

	if (!d_stopping)
		daemon_sd_notify("STOPPING=1");
	d_stopping = true;
	ipc_shutdown();
	state_freeze();
	TAILQ_FOREACH(a, &apps, entry) {
		if (sup_running(a->state))
			running = true;
		else
			state_remove(a->id);
	}
	if (!running)
		keeper_quit();
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

static uv_timer_t	 d_reexec_timer;
static int		 d_reexec_waits;
static void		 daemon_reexec(void);

static void
daemon_reexec_timer_cb(uv_timer_t *t)
{
	(void)t;
	daemon_reexec();
}

/* Once every log write and every reply is out: hand over to a fresh image. */
static void
daemon_reexec(void)
{
	struct app	*a;
	cJSON		*h, *arr;
	char		*text = NULL, fdstr[16];
	int		 mfd = -1, lfd = ipc_fileno();
	size_t		 len;

	/* Replies in flight would be cut by the exec: wait (1 s at most). */
	if (ipc_writes_pending() && d_reexec_waits++ < 1000) {
		uv_timer_start(&d_reexec_timer, daemon_reexec_timer_cb, 1, 0);
		return;
	}
	h = cJSON_CreateObject();
	cJSON_AddNumberToObject(h, "started", (double)d_started);
	cJSON_AddNumberToObject(h, "reloads", d_reloads + 1);
	cJSON_AddNumberToObject(h, "listen_fd", lfd);
	cJSON_AddNumberToObject(h, "lock_fd", d_lock_fd);
	arr = cJSON_AddArrayToObject(h, "apps");
	TAILQ_FOREACH(a, &apps, entry)
		cJSON_AddItemToArray(arr, state_app_json(a));
	cJSON_AddItemToObject(h, "pipes", logf_handover());
	cJSON_AddItemToObject(h, "clients", ipc_handover());
	text = json_text(h);
	cJSON_Delete(h);
	mfd = memfd_create("opmd-handover", 0);
	len = text ? strlen(text) : 0;
	if (text == NULL || mfd == -1 || write(mfd, text, len) !=
	    (ssize_t)len || lseek(mfd, 0, SEEK_SET) == -1) {
		log_warn("reload: cannot write the handover");
		goto fail;
	}
	fcntl(lfd, F_SETFD, 0);
	fcntl(d_lock_fd, F_SETFD, 0);
	snprintf(fdstr, sizeof fdstr, "%d", mfd);
	setenv("OPM_REEXEC_FD", fdstr, 1);
	log_info("reload: exec %s (%zu bytes of state)", d_self, len);
	execv(d_self, d_argv);
	log_warn("reload: exec %s", d_self);
	unsetenv("OPM_REEXEC_FD");
fail:
	cJSON_free(text);
	if (mfd != -1)
		close(mfd);
	fcntl(lfd, F_SETFD, FD_CLOEXEC);
	fcntl(d_lock_fd, F_SETFD, FD_CLOEXEC);
	d_reloading = false;
	logf_resume();
}

void
daemon_reload(void)
{
	if (d_reloading || d_stopping)
		return;
	d_reloading = true;
	d_reexec_waits = 0;
	log_info("reload requested");
	logf_quiesce(daemon_reexec);
}

/* A pipe handed back by the keeper or inherited over exec. */
static void
daemon_adopt_pipe(uint64_t serial, const char *path, bool als, int fd)
{
	struct logfile	*lf;

	if ((lf = app_logfile(path)) != NULL) {
		logf_adopt(lf, fd, serial, als);
		return;
	}
	/* Its app is gone; drain it into its file until EOF. */
	if ((lf = logf_open(path, "?", "?")) == NULL) {
		close(fd);
		keeper_drop(serial);
		return;
	}
	logf_adopt(lf, fd, serial, als);
	logf_unref(lf);
}

/* The keeper died: start another and give it every live pipe. */
static void
daemon_keeper_lost(void)
{
	log_warnx("the descriptor keeper went away; starting a new one");
	if (keeper_init(&d_paths, d_self) != -1) {
		logf_rehold();
		keeper_watch(d_loop, daemon_keeper_lost);
	}
}

static void
daemon_adopt_state(const cJSON *st)
{
	app_adopt(st, false);
}

/* Re-exec: take over apps, pipes, the socket and the lock. */
static cJSON *
daemon_handover(const char *fdstr)
{
	char		*buf, cause[128];
	cJSON		*h;
	struct stat	 st;
	long long	 fd;
	const char	*why;

	if (parse_int(fdstr, 0, 65535, &fd, &why) == -1 ||
	    fstat((int)fd, &st) == -1)
		return (NULL);
	buf = xmalloc(st.st_size + 1);
	if (pread((int)fd, buf, st.st_size, 0) != st.st_size) {
		free(buf);
		close((int)fd);
		return (NULL);
	}
	close((int)fd);
	h = json_parse(buf, st.st_size, cause, sizeof cause);
	free(buf);
	if (h == NULL)
		return (NULL);
	d_lock_fd = (int)cJSON_GetObjectItem(h, "lock_fd")->valuedouble;
	fcntl(d_lock_fd, F_SETFD, FD_CLOEXEC);
	d_started = (uint64_t)cJSON_GetObjectItem(h, "started")->valuedouble;
	d_reloads = (int)cJSON_GetObjectItem(h, "reloads")->valuedouble;
	return (h);
}

static void
daemon_takeover(cJSON *h)
{
	const cJSON	*e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(h, "apps"))
		app_adopt(e, true);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(h, "pipes"))
		daemon_adopt_pipe((uint64_t)cJSON_GetObjectItem(e,
		    "serial")->valuedouble, json_str(e, "path"),
		    cJSON_IsTrue(cJSON_GetObjectItem(e, "als")),
		    (int)cJSON_GetObjectItem(e, "fd")->valuedouble);
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
	cJSON_AddNumberToObject(d, "spawns", (double)app_spawned());
	cJSON_AddNumberToObject(d, "clients", ipc_count());
	cJSON_AddNumberToObject(d, "reloads", d_reloads);
	cJSON_AddNumberToObject(d, "memory_bytes",
	    (double)pages * getpagesize());
	cJSON_AddStringToObject(d, "home", d_paths.home);
	cJSON_AddStringToObject(d, "socket", d_paths.sock);
	cJSON_AddStringToObject(d, "log", d_paths.daemon_log);
	return (d);
}

static void
daemon_detach(void)
{
	char	buf[600];
	int	p[2], null;
	ssize_t	n;
	size_t	len = 0;

	if (pipe2(p, O_CLOEXEC) == -1)
		return;
	switch (fork()) {
	case -1:
		close(p[0]);
		close(p[1]);
		return;
	case 0:
		close(p[0]);
		setsid();
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		d_ready_fd = p[1];
		return;
	}
	close(p[1]);
	while (len < sizeof buf - 1) {
		n = read(p[0], buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (strcmp(buf, "ready\n") == 0)
		exit(0);
	fprintf(stderr, "opmd: %s", len > 0 ? buf : "exited while starting\n");
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: opmd [--foreground] [--restore]\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "restore", no_argument, NULL, 'r' },
		{ "keeper", no_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cause, *env;
	const cJSON	*e;
	cJSON		*handover = NULL, *res;
	bool		 foreground = false, restore = false, keeper = false;
	int		 ch, kept;
	long long	 fd;
	char		 msg[600];

	d_argv = argv;
	while ((ch = getopt_long(argc, argv, "frkV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			foreground = true;
			break;
		case 'r':
			restore = true;
			break;
		case 'k':
			keeper = true;
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
	umask(077);
	if (paths_init(&d_paths, &cause) == -1)
		daemon_die(cause);
	if (keeper) {
		paths_runtime(&d_paths);
		keeper_main(&d_paths);
	}
	if ((env = getenv("OPM_READY_FD")) != NULL &&
	    parse_int(env, 3, 1024, &fd, &cause) == 0 &&
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0)
		d_ready_fd = (int)fd;
	unsetenv("OPM_READY_FD");
	/*
	 * Started by hand without --foreground: detach, and let the parent
	 * exit once we are ready (or say why not), as opm daemon start does.
	 */
	if (!foreground && d_ready_fd == -1 &&
	    getenv("OPM_REEXEC_FD") == NULL)
		daemon_detach();
	if (realpath("/proc/self/exe", d_self) == NULL)
		strlcpy(d_self, argv[0], sizeof d_self);

	if (paths_make_dirs(&d_paths) == -1)
		daemon_die_errno("cannot create", d_paths.home);
	paths_runtime(&d_paths);
	log_init(foreground ? NULL : d_paths.daemon_log, 10 * 1024 * 1024,
	    LOG_LVL_INFO);
	d_started = uv_hrtime() / 1000000;
	if ((env = getenv("OPM_REEXEC_FD")) != NULL) {
		handover = daemon_handover(env);
		unsetenv("OPM_REEXEC_FD");
		if (handover == NULL)
			log_warnx("reload: handover unreadable; adopting from "
			    "the runtime state instead");
	}
	if (handover == NULL)
		daemon_lock();

	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	daemon_rlimits();

	d_loop = uv_default_loop();
	logf_init(d_loop);
	app_init(d_loop, &d_paths);
	state_init(&d_paths);
	kept = keeper_init(&d_paths, d_self);
	if (handover != NULL)
		daemon_takeover(handover);
	else {
		/* After a crash: find the apps that kept running. */
		state_load(daemon_adopt_state);
		if (kept == 1)
			keeper_take(daemon_adopt_pipe);
		else
			app_check_pipes();
	}
	keeper_watch(d_loop, daemon_keeper_lost);
	uv_timer_init(d_loop, &d_reexec_timer);
	uv_unref((uv_handle_t *)&d_reexec_timer);
	uv_signal_init(d_loop, &d_sigchld);
	uv_signal_start(&d_sigchld, daemon_signal_cb, SIGCHLD);
	uv_signal_init(d_loop, &d_sigterm);
	uv_signal_start(&d_sigterm, daemon_signal_cb, SIGTERM);
	uv_signal_init(d_loop, &d_sigint);
	uv_signal_start(&d_sigint, daemon_signal_cb, SIGINT);
	uv_signal_init(d_loop, &d_sighup);
	uv_signal_start(&d_sighup, daemon_signal_cb, SIGHUP);
	/* Exits during the exec or while no daemon ran. */
	app_reap();

	if (handover != NULL) {
		fd = (long long)cJSON_GetObjectItem(handover,
		    "listen_fd")->valuedouble;
		if (ipc_listen_fd(d_loop, (int)fd, cmd_dispatch, &cause) == -1)
			fatalx("reload: the control socket: %s", cause);
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(handover,
		    "clients"))
			ipc_adopt_client(d_loop, (int)cJSON_GetObjectItem(e,
			    "fd")->valuedouble, json_str(e, "buf"));
		cJSON_Delete(handover);
		log_info("opmd %s reloaded, pid %d", OPM_VERSION,
		    (int)getpid());
	} else {
		if (ipc_listen(d_loop, d_paths.sock, cmd_dispatch,
		    &cause) == -1)
			daemon_die(cause);
		log_info("opmd %s started, pid %d, home %s", OPM_VERSION,
		    (int)getpid(), d_paths.home);
	}
	if (restore) {
		if ((res = restore_apply(d_paths.dump, msg,
		    sizeof msg)) == NULL)
			log_warnx("restore: %s", msg);
		cJSON_Delete(res);
	}
	daemon_tell("ready\n");
	daemon_sd_notify("READY=1");

	uv_run(d_loop, UV_RUN_DEFAULT);

	unlink(d_paths.sock);
	unlink(d_paths.pidfile);
	log_info("opmd stopped");
	return (0);
}
