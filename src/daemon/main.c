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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "app.h"
#include "cmd.h"
#include "events.h"
#include "hooks.h"
#include "metrics.h"
#include "daemon.h"
#include "detach.h"
#include "dump.h"
#include "ipc.h"
#include "json.h"
#include "keeper.h"
#include "log.h"
#include "logf.h"
#include "opm.h"
#include "parse.h"
#include "paths.h"
#include "probe.h"
#include "proc.h"
#include "run.h"
#include "state.h"
#include "xmem.h"

static struct paths	 d_paths;
static uv_loop_t	*d_loop;
static uv_signal_t	 d_sigchld, d_sigterm, d_sigint, d_sigquit;
static uv_signal_t	 d_sigquiet[4];	/* logged and ignored */
static uint64_t		 d_started;
static int		 d_ready_fd = -1;
static int		 d_lock_fd = -1;
static bool		 d_stopping;
static char		 d_self[4096];	/* this binary, for re-exec */
static char		**d_argv;
static int		 d_reloads;
static bool		 d_reloading;
static char		 d_notify[108];	/* NOTIFY_SOCKET, for `opm daemon run` */
static bool		 d_run;		/* opm run: a container's PID 1 */

/*
 * Only a daemon in the foreground (`opm daemon run`, systemd's ExecStart)
 * speaks to NOTIFY_SOCKET. A daemon started by a CLI inside some other
 * service would otherwise tell that service READY=1 and STOPPING=1. The
 * variable leaves the environment either way, so the keeper never sees
 * it; a re-exec puts it back for the new image.
 */
static void
daemon_sd_take(bool foreground)
{
	const char	*path = getenv("NOTIFY_SOCKET");

	if (foreground && path != NULL && (path[0] == '/' || path[0] == '@') &&
	    strlen(path) < sizeof d_notify)
		strlcpy(d_notify, path, sizeof d_notify);
	unsetenv("NOTIFY_SOCKET");
}

/* Tells systemd, if it asked: READY=1, STOPPING=1. */
static void
daemon_sd_notify(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path = d_notify;
	socklen_t		 len;
	int			 fd;

	if (path[0] == '\0')
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

	if (errno == ELOOP)
		snprintf(msg, sizeof msg, "%s %.300s: a symbolic link; opm "
		    "does not follow links in its directories", what, path);
	else
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

	d_lock_fd = open(d_paths.pidfile, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
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
	events_daemon("daemon_stop", "the daemon stops");
	ipc_shutdown();
	state_freeze();
	TAILQ_FOREACH(a, &apps, entry) {
		if (sup_running(a->run.state) || a->peer != NULL)
			running = true;
		else
			state_remove(a->id);
	}
	if (!running) {
		app_listen_close_all();
		keeper_quit();
		paths_release_runtime(&d_paths);
	}
	uv_stop(d_loop);
}

void
daemon_shutdown(const char *why)
{
	log_info("shutting down: %s", why);
	daemon_exit_now();
}

bool
daemon_stopping(void)
{
	return (d_stopping);
}

static void
daemon_all_stopped(void *arg)
{
	(void)arg;
	daemon_shutdown("every app stopped");
}

/* SIGTERM/SIGINT: stop every app in parallel, then exit. */
static void
daemon_stop_all(const char *why)
{
	if (d_stopping)
		return;
	d_stopping = true;
	log_info("%s: stopping every app", why);
	daemon_sd_notify("STOPPING=1");
	if (cmd_stop_all(daemon_all_stopped, NULL) == 0)
		daemon_shutdown("no app running");
}

static void
daemon_signal_cb(uv_signal_t *h, int sig)
{
	(void)h;
	if (sig == SIGCHLD)
		app_reap();
	else if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT)
		daemon_stop_all(parse_signame(sig));
	else
		log_info("%s ignored", parse_signame(sig));
}

/*
 * Whatever started us may have blocked or ignored signals (a blocked
 * SIGCHLD hid every exit): start clean. Then ignore every signal whose
 * default is to end the process, but SIGTERM and SIGINT (a graceful stop)
 * and the core-dumping ones: a stray SIGUSR1 or a write past RLIMIT_FSIZE
 * must not end the daemon or the keeper. Apps get default dispositions
 * back (proc_spawn).
 */
static void
daemon_signals(void)
{
	static const int ign[] = { SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2,
	    SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGXFSZ, SIGSTKFLT };
	size_t	i;
	int	sig;

	proc_signals_reset();
	for (i = 0; i < sizeof ign / sizeof ign[0]; i++)
		signal(ign[i], SIG_IGN);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		signal(sig, SIG_IGN);
}

/* Signals a user may send by hand are logged (the rest stay ignored). */
static void
daemon_signals_watch(void)
{
	static const int quiet[] = { SIGHUP, SIGUSR1, SIGUSR2, SIGALRM };
	size_t	i;

	for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
		uv_signal_init(d_loop, &d_sigquiet[i]);
		uv_signal_start(&d_sigquiet[i], daemon_signal_cb, quiet[i]);
	}
}

/*
 * A relative OPM_HOME or OPM_RUNTIME_DIR made absolute, before paths_init:
 * the daemon leaves the directory it was started in (chdir to /).
 */
static void
daemon_env_abs(const char *name)
{
	const char	*v = getenv(name);
	char		 cwd[PATH_MAX], *abs;

	if (v == NULL || *v == '\0' || *v == '/')
		return;
	if (getcwd(cwd, sizeof cwd) == NULL)
		daemon_die_errno("cannot make absolute", name);
	xasprintf(&abs, "%s/%s", cwd, v);
	setenv(name, abs, 1);
	free(abs);
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
	struct app_run	 run;
	cJSON		*h, *arr;
	char		*text = NULL, fdstr[16];
	int		 mfd = -1, lfd = ipc_fileno();
	size_t		 len;
	mode_t		 mask;
	uint64_t	 nofile;

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
	proc_defaults_get(&mask, &nofile);
	cJSON_AddNumberToObject(h, "app_umask", mask);
	cJSON_AddNumberToObject(h, "app_nofile", (double)nofile);
	arr = cJSON_AddArrayToObject(h, "apps");
	TAILQ_FOREACH(a, &apps, entry) {
		/* A reload's other process too: the successor stops it. */
		app_record(a, &run);
		cJSON_AddItemToArray(arr, state_encode(a->id, a->instance,
		    &a->conf, &run));
	}
	cJSON_AddItemToObject(h, "pipes", logf_handover());
	cJSON_AddItemToObject(h, "sockets", app_listen_handover());
	cJSON_AddItemToObject(h, "clients", ipc_handover());
	cJSON_AddItemToObject(h, "ready", app_ready_handover());
	cJSON_AddItemToObject(h, "events", events_handover());
	cJSON_AddItemToObject(h, "metrics", metrics_handover());
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
	if (d_notify[0] != '\0')
		setenv("NOTIFY_SOCKET", d_notify, 1);
	log_info("reload: exec %s (%zu bytes of state)", d_self, len);
	/* Health commands under way would outlive their timeouts. */
	probe_kill_all();
	execv(d_self, d_argv);
	log_warn("reload: exec %s", d_self);
	unsetenv("OPM_REEXEC_FD");
	unsetenv("NOTIFY_SOCKET");
fail:
	cJSON_free(text);
	if (mfd != -1)
		close(mfd);
	fcntl(lfd, F_SETFD, FD_CLOEXEC);
	fcntl(d_lock_fd, F_SETFD, FD_CLOEXEC);
	app_ready_cloexec();
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
		app_listen_rehold();
		keeper_watch(d_loop, daemon_keeper_lost);
	}
}

static void
daemon_adopt_state(const cJSON *st)
{
	app_adopt(st, false);
}

/*
 * opm run starts from its file alone: records an earlier daemon of this
 * OPM_HOME left (a container restarted, an image built with opm in it)
 * are dropped, not adopted; their processes died with that container.
 */
static void
daemon_drop_state(const cJSON *st)
{
	long long	 id;
	const char	*why;
	bool		 present;

	if (json_int(st, "id", 0, INT_MAX, &id, &present, &why) == 0) {
		log_info("opm run: runtime state of app %lld dropped", id);
		state_remove((int)id);
	}
}

/* opm run: the start request the CLI left in a memfd (OPM_RUN_FD). */
static char *
daemon_run_request(void)
{
	const char	*env = getenv("OPM_RUN_FD"), *why;
	struct stat	 st;
	long long	 fd;
	char		*buf = NULL;

	if (env == NULL)
		return (NULL);
	if (parse_int(env, 0, 65535, &fd, &why) == -1 ||
	    fstat((int)fd, &st) == -1 || st.st_size > PROTO_LINE_MAX)
		daemon_die("opm run: OPM_RUN_FD: no request there");
	buf = xmalloc(st.st_size + 1);
	if (pread((int)fd, buf, st.st_size, 0) != st.st_size)
		daemon_die_errno("opm run: cannot read", "OPM_RUN_FD");
	buf[st.st_size] = '\0';
	close((int)fd);
	unsetenv("OPM_RUN_FD");
	return (buf);
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
	/* What apps get: the umask and limit of the first image's start. */
	if (cJSON_IsNumber(cJSON_GetObjectItem(h, "app_umask")) &&
	    cJSON_IsNumber(cJSON_GetObjectItem(h, "app_nofile")))
		proc_defaults_set((mode_t)cJSON_GetObjectItem(h,
		    "app_umask")->valuedouble, (uint64_t)cJSON_GetObjectItem(h,
		    "app_nofile")->valuedouble);
	return (h);
}

static void
daemon_takeover(cJSON *h)
{
	const cJSON	*e;

	app_listen_takeover(cJSON_GetObjectItem(h, "sockets"));
	/* Notify sockets and Node channels, for the apps to take. */
	app_ready_inherit(cJSON_GetObjectItem(h, "ready"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(h, "apps"))
		app_adopt(e, true);
	app_ready_inherit_end();
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
	long	 pages = 0, fds, fdlim;
	FILE	*f;

	if ((f = fopen("/proc/self/statm", "re")) != NULL) {
		if (fscanf(f, "%*s %ld", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	cJSON_AddNumberToObject(d, "pid", getpid());
	cJSON_AddStringToObject(d, "version", OPM_VERSION);
	cJSON_AddNumberToObject(d, "protocol", ipc_proto_version);
	cJSON_AddNumberToObject(d, "uptime_ms",
	    (double)(uv_hrtime() / 1000000 - d_started));
	cJSON_AddNumberToObject(d, "apps", app_count());
	cJSON_AddNumberToObject(d, "spawns", (double)app_spawned());
	cJSON_AddNumberToObject(d, "clients", ipc_count());
	cJSON_AddNumberToObject(d, "reloads", d_reloads);
	cJSON_AddNumberToObject(d, "memory_bytes",
	    (double)pages * getpagesize());
	cJSON_AddNumberToObject(d, "memory_samples",
	    (double)app_memory_wakeups());
	/* How close the daemon is to its descriptor limit (apps need 5). */
	proc_nofile(&fds, &fdlim);
	cJSON_AddNumberToObject(d, "fds_open", (double)fds);
	cJSON_AddNumberToObject(d, "fds_limit", (double)fdlim);
	cJSON_AddStringToObject(d, "home", d_paths.home);
	cJSON_AddStringToObject(d, "socket", d_paths.sock);
	cJSON_AddStringToObject(d, "log", d_paths.daemon_log);
	return (d);
}

static void
usage(void)
{
	fprintf(stderr, "usage: opmd [--foreground] [--restore] | "
	    "--run [--raw]\n");
	exit(EXIT_USAGE);
}

/*
 * Long because start-up is one ordered sequence (signals, umask, cwd,
 * paths, lock, keeper, handover or adoption, socket, restore, ready) and its
 * order is the point: each step relies on the ones before it.
 */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "restore", no_argument, NULL, 'r' },
		{ "keeper", no_argument, NULL, 'k' },
		{ "run", no_argument, NULL, 'R' },
		{ "raw", no_argument, NULL, 'w' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cause, *env;
	const cJSON	*e;
	cJSON		*handover = NULL, *res;
	bool		 foreground = false, restore = false, keeper = false;
	bool		 raw = false;
	char		*run_args = NULL;
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
		case 'R':
			d_run = foreground = true;
			break;
		case 'w':
			raw = true;
			break;
		case 'V':
			printf("opmd %s\n", OPM_VERSION);
			return (0);
		default:
			usage();
		}
	}
	if (optind != argc || (raw && !d_run) || (d_run && restore))
		usage();
	/* Read before anything is spawned, and never inherited. */
	if (d_run)
		run_args = daemon_run_request();
	/*
	 * The keeper spawns nothing: the vfork spawn's descriptor slots
	 * (proc_defaults) would be 20 descriptors it holds for nothing.
	 */
	if (keeper)
		(void)umask(077);
	else
		proc_defaults(umask(077));
	daemon_sd_take(foreground);
	daemon_signals();
	daemon_env_abs("OPM_HOME");
	daemon_env_abs("OPM_RUNTIME_DIR");
	/* Never keep the caller's file system busy; apps have their cwd. */
	if (chdir("/") == -1)
		daemon_die_errno("cannot change directory to", "/");
	if (paths_init(&d_paths, &cause) == -1)
		daemon_die(cause);
	if (keeper) {
		paths_runtime(&d_paths);
		keeper_main(&d_paths);
	}
	if ((env = getenv(DETACH_READY_ENV)) != NULL &&
	    parse_int(env, 3, 1024, &fd, &cause) == 0 &&
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0)
		d_ready_fd = (int)fd;
	unsetenv(DETACH_READY_ENV);
	/* Test-only: a daemon of another protocol version (docs/PROTOCOL.md). */
	if ((env = getenv("OPM_TEST_PROTOCOL_VERSION")) != NULL &&
	    parse_int(env, 0, 1000, &fd, &cause) == 0)
		ipc_proto_version = (int)fd;
	/*
	 * Started by hand without --foreground: detach, and let the parent
	 * exit once we are ready (or say why not), as opm daemon start does.
	 */
	if (!foreground && d_ready_fd == -1 &&
	    getenv("OPM_REEXEC_FD") == NULL)
		detach_fork("opmd", &d_ready_fd);
	if (realpath("/proc/self/exe", d_self) == NULL)
		strlcpy(d_self, argv[0], sizeof d_self);

	/* Checked before anything is written there, the pointer included. */
	if (paths_prepare(&d_paths, &cause) == -1)
		daemon_die(cause);
	paths_runtime(&d_paths);
	if (paths_prepare(&d_paths, &cause) == -1 ||
	    paths_claim_runtime(&d_paths, &cause) == -1)
		daemon_die(cause);
	if (log_init(foreground ? NULL : d_paths.daemon_log, 10 * 1024 * 1024,
	    LOG_LVL_INFO) == -1)
		daemon_die_errno("cannot open", d_paths.daemon_log);
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
	/* Left by a daemon killed during a save. */
	dump_clean(d_paths.dump);

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	proc_raise_nofile();

	d_loop = uv_default_loop();
	logf_init(d_loop);
	logf_ledger(d_paths.runtime);
	hooks_init(d_loop);
	if (handover != NULL)
		events_takeover(cJSON_GetObjectItem(handover, "events"));
	app_init(d_loop, &d_paths);
	app_prod_init();
	state_init(&d_paths);
	kept = keeper_init(&d_paths, d_self);
	if (handover != NULL) {
		daemon_takeover(handover);
		metrics_takeover(cJSON_GetObjectItem(handover, "metrics"));
	} else {
		/*
		 * After a crash: find the apps that kept running. Their
		 * sockets first: an app that died meanwhile respawns at once.
		 */
		if (kept == 1)
			keeper_take_socks(app_listen_stash);
		state_load(d_run ? daemon_drop_state : daemon_adopt_state);
		if (kept == 1)
			keeper_take(daemon_adopt_pipe);
		else
			app_check_pipes();
	}
	app_listen_unclaimed();
	logf_adopted();
	keeper_watch(d_loop, daemon_keeper_lost);
	uv_timer_init(d_loop, &d_reexec_timer);
	uv_unref((uv_handle_t *)&d_reexec_timer);
	uv_signal_init(d_loop, &d_sigchld);
	uv_signal_start(&d_sigchld, daemon_signal_cb, SIGCHLD);
	uv_signal_init(d_loop, &d_sigterm);
	uv_signal_start(&d_sigterm, daemon_signal_cb, SIGTERM);
	uv_signal_init(d_loop, &d_sigint);
	uv_signal_start(&d_sigint, daemon_signal_cb, SIGINT);
	/* docker stop sends SIGTERM; some images stop with SIGQUIT. */
	if (d_run) {
		uv_signal_init(d_loop, &d_sigquit);
		uv_signal_start(&d_sigquit, daemon_signal_cb, SIGQUIT);
	}
	daemon_signals_watch();
	/* Exits during the exec or while no daemon ran. */
	app_reap();
	/* Apps held for their dependencies look at them again. */
	app_deps_recheck_all();

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
		events_daemon("daemon_reload", "the daemon re-executed "
		    "itself; apps kept running");
	} else {
		if (ipc_listen(d_loop, d_paths.sock, cmd_dispatch,
		    &cause) == -1)
			daemon_die(cause);
		log_info("opmd %s started, pid %d, home %s", OPM_VERSION,
		    (int)getpid(), d_paths.home);
		events_daemon("daemon_start", "the daemon started");
	}
	if (restore) {
		if ((res = app_restore(d_paths.dump, msg,
		    sizeof msg)) == NULL)
			log_warnx("restore: %s", msg);
		cJSON_Delete(res);
	}
	if (d_run) {
		run_init(d_loop, run_args, raw);
		free(run_args);
	}
	daemon_tell(DETACH_READY "\n");
	daemon_sd_notify("READY=1");

	uv_run(d_loop, UV_RUN_DEFAULT);

	unlink(d_paths.sock);
	unlink(d_paths.pidfile);
	log_info("opmd stopped");
	return (run_exit_code());
}
