/*
 * Readiness, the daemon's side (the pure parsers are src/common/ready.c).
 * An app with a `ready` key stays launching after its exec until it is
 * ready, and EV_READY makes it online; listen_timeout (EV_READY_TIMEOUT)
 * makes it a failed start. Every wait is a handle on the loop:
 *
 *	notify	an AF_UNIX datagram socket per app, RUNTIME/notify/ID (in the
 *		0700 runtime directory, so no other user can send to it),
 *		named by NOTIFY_SOCKET; SO_PASSCRED gives each datagram's
 *		sender, and only the app's main process, its process group or
 *		its session count (systemd's NotifyAccess=all, within the app)
 *	ipc	Node's channel (NODE_CHANNEL_FD=3, JSON serialization): one
 *		end of a socketpair on fd 3, our end read line by line for
 *		process.send('ready'), PM2's wait_ready
 *	tcp	a non-blocking connect to HOST:PORT (probe.c), again after
 *		100 ms, doubling up to 1 s, while launching only
 *	http	the same, then GET PATH; the status line says 2xx or 3xx
 *
 * The watchdog (watchdog_sec, with notify) runs while online: WATCHDOG=1
 * rearms it, and when it fires EV_WATCHDOG restarts the app.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "events.h"
#include "handle.h"
#include "log.h"
#include "parse.h"
#include "probe.h"
#include "proc.h"
#include "ready.h"
#include "xmem.h"

#define READY_DELAY_FIRST	100	/* ms before the second probe */
#define READY_DELAY_MAX		1000
#define READY_ATTEMPT_MAX	2000	/* one probe at most this long (ms) */

static char	app_ready_dir[4096];

/* Descriptors inherited over a reload's exec, until their app takes them. */
struct ready_inherited {
	int	 id;
	int	 fd;			/* notify socket, -1 */
	char	 path[108];
	int	 ipc;			/* Node's channel, -1 */
	char	 status[256];		/* its last STATUS= */
};
static struct ready_inherited	*ready_inh;
static size_t			 ready_ninh;

void
app_ready_init(const char *runtime)
{
	snprintf(app_ready_dir, sizeof app_ready_dir, "%s/notify", runtime);
}

void
app_ready_new(struct app *a)
{
	memset(&a->ready, 0, sizeof a->ready);
	a->ready.fd = -1;
	a->ready.ipc = -1;
}

bool
app_ready_pending(const struct app *a)
{
	return (a->run.state == APP_LAUNCHING && a->conf.ready != NULL);
}

bool
app_ready_failed(const struct app *a)
{
	return (a->conf.ready != NULL && (a->run.state == APP_WAITING ||
	    a->run.state == APP_ERRORED));
}

bool
app_ready_is(const struct app *a)
{
	return (a->run.state == APP_ONLINE && !a->ready.reloading &&
	    !a->ready.stopping);
}

/* The timer *t, made on first use. */
static uv_timer_t *
app_ready_timer(struct app *a, uv_timer_t **t)
{
	if (*t == NULL) {
		*t = xcalloc(1, sizeof **t);
		uv_timer_init(app_loop, *t);
		(*t)->data = a;
	}
	return (*t);
}

static void
app_ready_timer_close(uv_timer_t **t)
{
	if (*t == NULL)
		return;
	uv_close((uv_handle_t *)*t, handle_free);
	*t = NULL;
}

static void
app_ready_timer_stop(uv_timer_t *t)
{
	if (t != NULL)
		uv_timer_stop(t);
}

/*
 * The app says or shows it is ready (how, for the log). The exec verdict
 * comes first: a process that talks has executed, and its pipe's EOF may
 * simply not have been seen yet.
 */
static void
app_ready_signal(struct app *a, const char *how)
{
	a->ready.reloading = false;
	if (a->run.state != APP_LAUNCHING || a->conf.ready == NULL)
		return;
	if (app_exec_pending(a) && app_exec_check(a) != 0)
		return;
	if (a->run.state != APP_LAUNCHING)
		return;
	log_info("%s: ready (%s)", a->conf.name, how);
	app_event(a, EV_READY);
}

/* --- Probes -------------------------------------------------------- */

static void	app_ready_attempt(struct app *);

/* Gives the probe under way up. */
static void
app_ready_probe_close(struct app *a)
{
	if (a->ready.probe != NULL)
		probe_cancel(a->ready.probe);
	a->ready.probe = NULL;
}

static void
app_ready_retry_cb(uv_timer_t *t)
{
	struct app	*a = t->data;

	app_ready_probe_close(a);
	if (app_ready_pending(a))
		app_ready_attempt(a);
}

/* Not (yet) ready: the next probe after the delay, which doubles. */
static void
app_ready_probe_fail(struct app *a)
{
	if (!app_ready_pending(a))
		return;
	uv_timer_start(app_ready_timer(a, &a->ready.retry), app_ready_retry_cb,
	    a->ready.delay, 0);
	a->ready.delay = a->ready.delay * 2 > READY_DELAY_MAX ?
	    READY_DELAY_MAX : a->ready.delay * 2;
}

/* The end of a probe (probe.h). */
static void
app_ready_probe_cb(void *arg, bool ok, const char *why)
{
	struct app	*a = arg;
	char		 how[READY_HOST_MAX + 64];

	a->ready.probe = NULL;
	if (!ok) {
		log_debug("%s: not ready yet: %s", a->conf.name, why);
		app_ready_probe_fail(a);
		return;
	}
	app_ready_timer_stop(a->ready.retry);
	snprintf(how, sizeof how, "%s answered", a->conf.ready);
	app_ready_signal(a, how);
}

/* One probe of a tcp: or http:// app; never blocks. */
static void
app_ready_attempt(struct app *a)
{
	struct ready_spec	 r;
	const char		*cause;
	char			 why[PROBE_WHY_MAX];

	if (ready_parse(a->conf.ready, &r, &cause) == -1 ||
	    (r.kind != READY_TCP && r.kind != READY_HTTP))
		return;
	/* A connect that hangs is given up, and tried again. */
	a->ready.probe = probe_net(app_loop, &r, READY_ATTEMPT_MAX,
	    app_ready_probe_cb, a, why, sizeof why);
	if (a->ready.probe == NULL) {
		log_debug("%s: probe: %s", a->conf.name, why);
		app_ready_probe_fail(a);
	}
}

/* --- The notify socket ------------------------------------------------ */

/* Whether pid, a datagram's sender, is one of a's processes. */
static bool
app_ready_sender(const struct app *a, pid_t pid)
{
	struct proc_ent	e;

	if (pid <= 0 || a->run.pid <= 0)
		return (false);
	if (pid == a->run.pid)
		return (true);
	if (proc_stat_ent(pid, &e) == -1)
		return (false);
	return ((a->run.pgid > 1 && e.pgid == a->run.pgid) ||
	    (a->session > 1 && e.sid == a->session));
}

static void
app_ready_watchdog_cb(uv_timer_t *t)
{
	struct app	*a = t->data;
	char		 d[32];

	parse_fmt_duration(a->conf.watchdog_sec, d, sizeof d);
	log_warnx("%s: no WATCHDOG=1 within watchdog_sec (%s)", a->conf.name,
	    d);
	a->ready.bitten = true;
	app_event(a, EV_WATCHDOG);
}

/* Arms (again) the watchdog of an online app. */
static void
app_ready_watchdog(struct app *a)
{
	if (a->conf.watchdog_sec == 0 || a->run.state != APP_ONLINE)
		return;
	uv_timer_start(app_ready_timer(a, &a->ready.watchdog),
	    app_ready_watchdog_cb, a->conf.watchdog_sec, 0);
}

/* What one datagram of the app says. */
static void
app_ready_message(struct app *a, const char *buf, size_t len)
{
	struct ready_msg	m;

	ready_msg_parse(buf, len, &m);
	if (m.has_status) {
		strlcpy(a->ready.status, m.status, sizeof a->ready.status);
		log_debug("%s: STATUS=%s", a->conf.name, m.status);
	}
	/* opm follows the process it started (and what it daemonized). */
	if (m.has_mainpid)
		log_debug("%s: MAINPID=%ld ignored", a->conf.name, m.mainpid);
	if (m.reloading && !a->ready.reloading) {
		a->ready.reloading = true;
		log_info("%s: reloading (RELOADING=1)", a->conf.name);
	}
	if (m.stopping && !a->ready.stopping) {
		a->ready.stopping = true;
		log_info("%s: stopping by itself (STOPPING=1)", a->conf.name);
	}
	if (m.watchdog)
		app_ready_watchdog(a);
	if (m.ready)
		app_ready_signal(a, "READY=1");
	events_ready_sync(a);
}

static void
app_ready_notify_cb(uv_poll_t *h, int status, int events)
{
	struct app	*a = h->data;
	char		 buf[4096];
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(struct ucred))];
	}		 cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	struct ucred	 cred;
	ssize_t		 n;
	size_t		 k, nfd;
	int		 i, fds[64];
	bool		 have;

	(void)status;
	(void)events;
	/* A few datagrams per turn: an app cannot starve the loop. */
	for (i = 0; i < 16 && a->ready.fd != -1; i++) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = buf;
		iov.iov_len = sizeof buf - 1;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = &cm;
		msg.msg_controllen = sizeof cm;
		n = recvmsg(a->ready.fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n == -1)
			break;
		have = false;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		    c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len == CMSG_LEN(sizeof cred)) {
				memcpy(&cred, CMSG_DATA(c), sizeof cred);
				have = true;
			}
			/* Descriptors are not wanted (FDSTORE=1). */
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_RIGHTS) {
				nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				nfd = nfd > 64 ? 64 : nfd;
				memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
				for (k = 0; k < nfd; k++)
					close(fds[k]);
			}
		}
		/* During a reload, the other process shares the socket. */
		if (have && cred.uid == getuid() && a->peer != NULL &&
		    !app_ready_sender(a, cred.pid) &&
		    app_ready_sender(a->peer, cred.pid)) {
			app_ready_message(a->peer, buf, (size_t)n);
			continue;
		}
		if (!have || cred.uid != getuid() ||
		    !app_ready_sender(a, cred.pid)) {
			log_warnx("%s: notify datagram from pid %d ignored: "
			    "not one of the app's processes", a->conf.name,
			    have ? (int)cred.pid : -1);
			continue;
		}
		app_ready_message(a, buf, (size_t)n);
	}
}

static void
app_ready_notify_close(struct app *a)
{
	if (a->ready.fd == -1)
		return;
	uv_close((uv_handle_t *)a->ready.poll, handle_free);
	a->ready.poll = NULL;
	close(a->ready.fd);
	a->ready.fd = -1;
	if (a->ready.path[0] == '/')
		unlink(a->ready.path);
	a->ready.path[0] = '\0';
}

/* A name for the socket when the runtime path is too long for one. */
static void
app_ready_abstract(const struct app *a, char *buf, size_t len)
{
	uint64_t	h = 14695981039346656037ULL;
	const char	*p;

	for (p = app_ready_dir; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(buf, len, "@opm-notify-%u-%016llx-%d", (unsigned)getuid(),
	    (unsigned long long)h, a->id);
}

static void
app_ready_notify_poll(struct app *a)
{
	a->ready.poll = xcalloc(1, sizeof *a->ready.poll);
	uv_poll_init(app_loop, a->ready.poll, a->ready.fd);
	a->ready.poll->data = a;
	uv_poll_start(a->ready.poll, UV_READABLE, app_ready_notify_cb);
}

/* Binds a's notify socket, if it has none; -1 with the reason set. */
static int
app_ready_notify_open(struct app *a)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	socklen_t		 slen;
	char			 path[sizeof app_ready_dir + 16];
	int			 fd, on = 1, e;
	mode_t			 old;

	if (a->ready.fd != -1)
		return (0);
	if (mkdir(app_ready_dir, 0700) == -1 && errno != EEXIST)
		goto fail;
	if (lstat(app_ready_dir, &st) == -1)
		goto fail;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
		errno = ENOTDIR;
		goto fail;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(path, sizeof path, "%s/%d", app_ready_dir, a->id);
	if (strlen(path) < sizeof sun.sun_path) {
		strlcpy(sun.sun_path, path, sizeof sun.sun_path);
		slen = sizeof sun;
		unlink(path);
	} else {
		/*
		 * Abstract: anyone on the machine can reach it, but only the
		 * app's processes are believed (SO_PASSCRED).
		 */
		app_ready_abstract(a, path, sizeof path);
		memcpy(sun.sun_path + 1, path + 1, strlen(path) - 1);
		slen = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		goto fail;
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, slen) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1) {
		e = errno;
		umask(old);
		close(fd);
		errno = e;
		goto fail;
	}
	umask(old);
	strlcpy(a->ready.path, path, sizeof a->ready.path);
	a->ready.fd = fd;
	app_ready_notify_poll(a);
	return (0);
fail:
	snprintf(a->run.reason, sizeof a->run.reason, "notify socket "
	    "%.160s: %s", app_ready_dir, strerror(errno));
	return (-1);
}

/* --- Node's IPC channel ---------------------------------------------- */

static void
app_ready_ipc_close(struct app *a)
{
	free(a->ready.line);
	a->ready.line = NULL;
	if (a->ready.ipc == -1)
		return;
	uv_close((uv_handle_t *)a->ready.ipcpoll, handle_free);
	a->ready.ipcpoll = NULL;
	close(a->ready.ipc);
	a->ready.ipc = -1;
	a->ready.linelen = 0;
	a->ready.skip = false;
}

/* The lines of the channel; process.send('ready') is "\"ready\"\n". */
static void
app_ready_ipc_cb(uv_poll_t *h, int status, int events)
{
	struct app	*a = h->data;
	char		 buf[4096], *p, *nl;
	ssize_t		 n;
	size_t		 left, k;
	bool		 ready = false;

	(void)status;
	(void)events;
	while ((n = read(a->ready.ipc, buf, sizeof buf)) > 0) {
		if (a->ready.line == NULL)
			a->ready.line = xmalloc(APP_READY_LINE);
		for (p = buf, left = (size_t)n; left > 0; p += k, left -= k) {
			nl = memchr(p, '\n', left);
			k = nl != NULL ? (size_t)(nl - p) + 1 : left;
			if (!a->ready.skip && a->ready.linelen + k <=
			    APP_READY_LINE) {
				memcpy(a->ready.line + a->ready.linelen, p, k);
				a->ready.linelen += k;
			} else
				a->ready.skip = true;
			if (nl == NULL)
				continue;
			if (!a->ready.skip && ready_ipc_line(a->ready.line,
			    a->ready.linelen - 1))
				ready = true;
			a->ready.linelen = 0;
			a->ready.skip = false;
		}
	}
	/* The app closed its end, or is gone. */
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
		app_ready_ipc_close(a);
	if (ready)
		app_ready_signal(a, "process.send('ready')");
}

/* --- The life of a process ------------------------------------------- */

/* Ends a readiness wait: listen_timeout and the probes. */
static void
app_ready_unwait(struct app *a)
{
	app_ready_timer_stop(a->ready.timeout);
	app_ready_timer_stop(a->ready.retry);
	app_ready_probe_close(a);
}

int
app_ready_prepare(struct app *a, char ***envp, size_t *n, int *ipcfd)
{
	struct app	*o;
	int		 kind = conf_ready_kind(&a->conf), sv[2];
	char		 kv[256], d[32];

	*ipcfd = -1;
	app_ready_unwait(a);
	app_ready_ipc_close(a);
	a->ready.status[0] = '\0';
	a->ready.reloading = a->ready.stopping = false;
	if (a->ready.bitten) {
		parse_fmt_duration(a->conf.watchdog_sec, d, sizeof d);
		snprintf(a->note, sizeof a->note, "restarted by the watchdog: "
		    "no WATCHDOG=1 within watchdog_sec (%s)", d);
		a->ready.bitten = false;
	}
	if (kind != READY_NOTIFY)
		app_ready_notify_close(a);
	/* A reload's new process: the app's one socket (app-reload.c). */
	if (kind == READY_NOTIFY) {
		o = a->hidden && a->peer != NULL ? a->peer : a;
		if (app_ready_notify_open(o) == -1) {
			if (o != a)
				strlcpy(a->run.reason, o->run.reason,
				    sizeof a->run.reason);
			return (-1);
		}
		snprintf(kv, sizeof kv, "NOTIFY_SOCKET=%s", o->ready.path);
		*envp = app_setenv(*envp, n, kv);
		if (a->conf.watchdog_sec > 0) {
			snprintf(kv, sizeof kv, "WATCHDOG_USEC=%llu",
			    (unsigned long long)a->conf.watchdog_sec * 1000);
			*envp = app_setenv(*envp, n, kv);
		}
	}
	/* Also the way of PM2's shutdown_with_message. */
	if (kind == READY_IPC || a->conf.shutdown_with_message) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    sv) == -1) {
			snprintf(a->run.reason, sizeof a->run.reason,
			    "socketpair for Node's IPC channel: %s",
			    strerror(errno));
			return (-1);
		}
		fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
		a->ready.ipc = sv[0];
		*ipcfd = sv[1];
		/* Right after the listening sockets (proc.c). */
		snprintf(kv, sizeof kv, "NODE_CHANNEL_FD=%zu",
		    3 + xlenv(a->conf.listen));
		*envp = app_setenv(*envp, n, kv);
		*envp = app_setenv(*envp, n,
		    "NODE_CHANNEL_SERIALIZATION_MODE=json");
	}
	return (0);
}

static void
app_ready_ipc_poll(struct app *a)
{
	a->ready.ipcpoll = xcalloc(1, sizeof *a->ready.ipcpoll);
	uv_poll_init(app_loop, a->ready.ipcpoll, a->ready.ipc);
	a->ready.ipcpoll->data = a;
	uv_poll_start(a->ready.ipcpoll, UV_READABLE | UV_DISCONNECT,
	    app_ready_ipc_cb);
}

void
app_ready_spawned(struct app *a, int ipcfd, bool ok)
{
	if (ipcfd != -1)
		close(ipcfd);
	if (a->ready.ipc == -1)
		return;
	if (!ok) {
		close(a->ready.ipc);
		a->ready.ipc = -1;
		return;
	}
	app_ready_ipc_poll(a);
}

static void
app_ready_timeout_cb(uv_timer_t *t)
{
	struct app	*a = t->data;
	char		 d[32];

	parse_fmt_duration(a->conf.listen_timeout, d, sizeof d);
	log_warnx("%s: not ready within listen_timeout (%s): %s", a->conf.name,
	    d, a->conf.ready);
	app_event(a, EV_READY_TIMEOUT);
}

void
app_ready_wait(struct app *a)
{
	if (!app_ready_pending(a))
		return;
	uv_timer_start(app_ready_timer(a, &a->ready.timeout),
	    app_ready_timeout_cb, a->conf.listen_timeout, 0);
	a->ready.delay = READY_DELAY_FIRST;
	app_ready_attempt(a);
}

void
app_ready_sync(struct app *a, enum app_state from)
{
	if (a->run.state != APP_LAUNCHING)
		app_ready_unwait(a);
	if (a->run.state != APP_ONLINE)
		app_ready_timer_stop(a->ready.watchdog);
	else if (from != APP_ONLINE)
		app_ready_watchdog(a);
	if (!sup_running(a->run.state)) {
		app_ready_ipc_close(a);
		a->ready.reloading = a->ready.stopping = false;
	}
}

/* Takes what a reload's exec handed over for a, if anything. */
static void
app_ready_take(struct app *a)
{
	struct ready_inherited	*r;
	size_t			 i;

	for (i = 0; i < ready_ninh; i++) {
		r = &ready_inh[i];
		if (r->id != a->id)
			continue;
		if (r->fd != -1 && a->ready.fd == -1) {
			a->ready.fd = r->fd;
			strlcpy(a->ready.path, r->path, sizeof a->ready.path);
			app_ready_notify_poll(a);
			r->fd = -1;
		}
		strlcpy(a->ready.status, r->status, sizeof a->ready.status);
		if (r->ipc != -1 && a->ready.ipc == -1 && a->run.pid > 0) {
			a->ready.ipc = r->ipc;
			app_ready_ipc_poll(a);
			r->ipc = -1;
		}
	}
}

void
app_ready_adopted(struct app *a)
{
	app_ready_take(a);
	if (a->run.pid <= 0 || !sup_running(a->run.state))
		return;
	if (conf_ready_kind(&a->conf) == READY_NOTIFY &&
	    app_ready_notify_open(a) == -1)
		log_warnx("%s: %s", a->conf.name, a->run.reason);
	/* The wait starts again (after a crash, Node's channel is gone). */
	if (app_ready_pending(a))
		app_ready_wait(a);
	app_ready_watchdog(a);
}

void
app_ready_free(struct app *a)
{
	app_ready_unwait(a);
	app_ready_notify_close(a);
	app_ready_ipc_close(a);
	app_ready_timer_close(&a->ready.timeout);
	app_ready_timer_close(&a->ready.retry);
	app_ready_timer_close(&a->ready.watchdog);
}

void
app_ready_handoff(struct app *from, struct app *to)
{
	if (from->ready.fd == -1 || to->ready.fd != -1)
		return;
	to->ready.fd = from->ready.fd;
	to->ready.poll = from->ready.poll;
	to->ready.poll->data = to;
	strlcpy(to->ready.path, from->ready.path, sizeof to->ready.path);
	from->ready.fd = -1;
	from->ready.poll = NULL;
	from->ready.path[0] = '\0';
}

int
app_ready_send(struct app *a, const char *msg)
{
	size_t	len = strlen(msg);

	if (a->ready.ipc == -1 || write(a->ready.ipc, msg, len) !=
	    (ssize_t)len)
		return (-1);
	return (0);
}

/* Sets or clears close-on-exec on every app's readiness descriptors. */
static void
app_ready_setcloexec(bool on)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->ready.fd != -1)
			fcntl(a->ready.fd, F_SETFD, on ? FD_CLOEXEC : 0);
		if (a->ready.ipc != -1)
			fcntl(a->ready.ipc, F_SETFD, on ? FD_CLOEXEC : 0);
	}
}

cJSON *
app_ready_handover(void)
{
	struct app	*a;
	cJSON		*arr = cJSON_CreateArray(), *o;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->ready.fd == -1 && a->ready.ipc == -1 &&
		    a->ready.status[0] == '\0')
			continue;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", a->id);
		cJSON_AddNumberToObject(o, "notify_fd", a->ready.fd);
		cJSON_AddStringToObject(o, "notify_path", a->ready.path);
		cJSON_AddNumberToObject(o, "ipc_fd", a->ready.ipc);
		cJSON_AddStringToObject(o, "status", a->ready.status);
		cJSON_AddItemToArray(arr, o);
	}
	app_ready_setcloexec(false);
	return (arr);
}

void
app_ready_cloexec(void)
{
	app_ready_setcloexec(true);
}

/* A descriptor number of the handover, or -1. */
static int
app_ready_fdnum(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	int		 fd;

	if (!cJSON_IsNumber(v) || v->valuedouble < 3 ||
	    v->valuedouble > 65535)
		return (-1);
	fd = (int)v->valuedouble;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return (-1);
	return (fd);
}

void
app_ready_inherit(const cJSON *arr)
{
	struct ready_inherited	*r;
	const cJSON		*o, *v;

	cJSON_ArrayForEach(o, arr) {
		v = cJSON_GetObjectItemCaseSensitive(o, "id");
		if (!cJSON_IsNumber(v))
			continue;
		ready_inh = xreallocarray(ready_inh, ready_ninh + 1,
		    sizeof *ready_inh);
		r = &ready_inh[ready_ninh++];
		r->id = (int)v->valuedouble;
		r->fd = app_ready_fdnum(o, "notify_fd");
		r->ipc = app_ready_fdnum(o, "ipc_fd");
		v = cJSON_GetObjectItemCaseSensitive(o, "notify_path");
		strlcpy(r->path, cJSON_IsString(v) ? v->valuestring : "",
		    sizeof r->path);
		v = cJSON_GetObjectItemCaseSensitive(o, "status");
		strlcpy(r->status, cJSON_IsString(v) ? v->valuestring : "",
		    sizeof r->status);
		if (r->path[0] == '\0' && r->fd != -1) {
			close(r->fd);
			r->fd = -1;
		}
	}
}

void
app_ready_inherit_end(void)
{
	size_t	i;

	for (i = 0; i < ready_ninh; i++) {
		if (ready_inh[i].fd != -1)
			close(ready_inh[i].fd);
		if (ready_inh[i].ipc != -1)
			close(ready_inh[i].ipc);
	}
	free(ready_inh);
	ready_inh = NULL;
	ready_ninh = 0;
}
