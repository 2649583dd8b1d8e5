/*
 * opm run (opm-runtime): the daemon as the main process of a container,
 * the job of PM2's pm2-runtime.
 *
 * The CLI reads the app file (every format it reads for opm start FILE)
 * and hands the arguments of that start request over; they reach the
 * daemon as any client's would, through a socketpair whose other end is
 * adopted as a control client, so the request is checked, answered and
 * carried out by cmd-start.c exactly as for opm start FILE. Until that
 * reply is in, the run cannot end.
 *
 * Output: logf.c hands every byte it writes to an app's log (or drains for
 * /dev/null) to run_echo, which writes each complete line to our stdout or
 * stderr as "LABEL | line" (LABEL: NAME, or NAME:K for instance K), one
 * write per line, so lines of different apps never mix mid-line. A line
 * longer than RUN_LINE_MAX goes out in pieces of that size.
 *
 * The end: a prepare handle looks at every app before the loop waits for
 * events again (whatever phase changed a state, idle reaps included).
 * The run ends once no app runs (launching, online, stopping) or waits to
 * be restarted (waiting on a timer; an app held for a dependency does not
 * count: nothing would start it). Its exit status is that of the first app
 * to fail: one that became errored, or stopped on its own (restart policy,
 * stop_exit_codes) after a non-zero exit or a signal: its exit code, 128 +
 * N for signal N, 1 without an exit status. Apps stopped by opm (opm stop,
 * the stop signal of the run) did not fail. No failure: 0.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "app.h"
#include "daemon.h"
#include "ipc.h"
#include "json.h"
#include "log.h"
#include "logsink.h"
#include "protocol.h"
#include "run.h"
#include "xmem.h"

#define RUN_LINE_MAX	(64 * 1024)

struct run_line {
	size_t	len;
	char	buf[RUN_LINE_MAX];
};

/* The last state seen of an app, by id: a transition is judged once. */
struct run_seen {
	int		id;
	enum app_state	state;
};

bool			 run_echoing;
static bool		 run_raw;
static bool		 run_armed;	/* the start's reply is in */
static bool		 run_over;	/* shutdown asked */
static bool		 run_failed;
static int		 run_code;
static uv_loop_t	*run_loop;
static uv_prepare_t	 run_prep;
static uv_pipe_t	 run_pipe;	/* our end of the socketpair */
static uv_write_t	 run_wreq;
static char		*run_req;	/* the request line, while written */
static char		*run_rbuf;	/* the reply, as it comes */
static size_t		 run_rlen;
static struct run_seen	*run_seen;
static size_t		 run_nseen;

/* Writes all of buf to fd, waiting when fd is non-blocking and full. */
static void
run_write_all(int fd, const char *buf, size_t len)
{
	struct pollfd	pfd;
	ssize_t		r;

	while (len > 0) {
		if ((r = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				pfd.fd = fd;
				pfd.events = POLLOUT;
				poll(&pfd, 1, -1);
				continue;
			}
			/* No reader (EPIPE) or worse: the line is lost. */
			return;
		}
		buf += r;
		len -= (size_t)r;
	}
}

/* One line (with or without its newline) led by the prefix, one write. */
static void
run_emit(int fd, const char *label, const char *p, size_t n)
{
	char	*out;
	size_t	 plen = run_raw ? 0 : strlen(label) + 3, o = 0;

	if (n > 0 && p[n - 1] == '\n')
		n--;
	out = xmalloc(plen + n + 1);
	if (plen > 0) {
		memcpy(out, label, plen - 3);
		memcpy(out + plen - 3, " | ", 3);
		o = plen;
	}
	memcpy(out + o, p, n);
	o += n;
	out[o++] = '\n';
	run_write_all(fd, out, o);
	free(out);
}

void
run_echo(struct run_line **part, const char *label, const char *stream,
    const char *p, size_t len)
{
	struct run_line	*l = *part;
	const char	*end = p + len, *nl;
	size_t		 seg, n;
	int		 fd = strcmp(stream, "err") == 0 ? 2 : 1;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		seg = (nl != NULL ? nl + 1 : end) - p;
		/* A whole line and nothing pending: straight out. */
		if (nl != NULL && (l == NULL || l->len == 0) &&
		    seg <= RUN_LINE_MAX) {
			run_emit(fd, label, p, seg);
			p += seg;
			continue;
		}
		if (l == NULL)
			l = *part = xcalloc(1, sizeof *l);
		while (seg > 0) {
			n = RUN_LINE_MAX - l->len < seg ? RUN_LINE_MAX -
			    l->len : seg;
			memcpy(l->buf + l->len, p, n);
			l->len += n;
			p += n;
			seg -= n;
			if (l->len == RUN_LINE_MAX || l->buf[l->len - 1] ==
			    '\n') {
				run_emit(fd, label, l->buf, l->len);
				l->len = 0;
			}
		}
	}
}

/* A process exists, or a timer will start one. */
static bool
run_live(const struct app *a)
{
	switch (a->run.state) {
	case APP_LAUNCHING:
	case APP_ONLINE:
	case APP_STOPPING:
		return (true);
	case APP_WAITING:
		return (!a->run.dep_wait);
	default:
		return (false);
	}
}

/* The exit status an app's failure gives the run. */
static int
run_app_code(const struct app *a)
{
	const struct app_run	*r = &a->run;

	if (r->has_exit && !r->exit_unknown && r->exit_signal > 0)
		return (128 + r->exit_signal);
	if (r->has_exit && !r->exit_unknown && r->exit_code > 0 &&
	    r->exit_code < 256)
		return (r->exit_code);
	return (1);
}

/* Judges a's move from prev to its state: did it fail? */
static void
run_judge(const struct app *a, int prev)
{
	const struct app_run	*r = &a->run;
	bool			 failed;

	if (r->state == APP_ERRORED)
		failed = true;
	else if (r->state == APP_STOPPED)
		failed = prev != APP_STOPPING && !daemon_stopping() &&
		    r->has_exit && (r->exit_code != 0 || r->exit_signal != 0);
	else
		return;
	if (!failed || run_failed)
		return;
	run_failed = true;
	run_code = run_app_code(a);
	log_info("%s: failed (%s); opm run will exit with status %d",
	    a->label, r->reason, run_code);
}

static struct run_seen *
run_seen_find(int id)
{
	size_t	i;

	for (i = 0; i < run_nseen; i++) {
		if (run_seen[i].id == id)
			return (&run_seen[i]);
	}
	run_seen = xreallocarray(run_seen, run_nseen + 1, sizeof *run_seen);
	run_seen[run_nseen].id = id;
	run_seen[run_nseen].state = -1;
	return (&run_seen[run_nseen++]);
}

/* Before each wait of the loop: judge what changed, end when all is done. */
static void
run_prep_cb(uv_prepare_t *h)
{
	struct app	*a;
	struct run_seen	*s;
	bool		 live = false;

	(void)h;
	TAILQ_FOREACH(a, &apps, entry) {
		s = run_seen_find(a->id);
		if ((int)a->run.state != (int)s->state) {
			run_judge(a, (int)s->state);
			s->state = a->run.state;
		}
		live |= run_live(a);
	}
	if (live || !run_armed || run_over || daemon_stopping())
		return;
	run_over = true;
	daemon_shutdown(run_failed ? "opm run: no app left running (one "
	    "failed)" : "opm run: no app left running");
}

static void
run_close_cb(uv_handle_t *h)
{
	(void)h;
	free(run_rbuf);
	run_rbuf = NULL;
}

/* The start request was refused: nothing runs, the run fails. */
static void
run_refused(const char *why)
{
	fprintf(stderr, "opm: run: %s\n", why);
	run_failed = true;
	run_code = 1;
	run_armed = true;
}

/* The reply to the start request: report what failed, arm the end. */
static void
run_reply(const char *line, size_t len)
{
	const cJSON	*a, *data;
	cJSON		*r;
	const char	*act, *err, *reason;
	char		 cause[128];

	if ((r = json_parse(line, len, cause, sizeof cause)) == NULL) {
		run_refused(cause);
		return;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItem(r, PROTO_OK))) {
		err = json_str(r, PROTO_ERROR);
		run_refused(err != NULL ? err : "the start was refused");
		cJSON_Delete(r);
		return;
	}
	data = cJSON_GetObjectItem(r, PROTO_DATA);
	cJSON_ArrayForEach(a, data) {
		act = json_str(a, PROTO_ACTION);
		reason = json_str(a, PROTO_REASON);
		if (act != NULL && strcmp(act, PROTO_ACTION_FAILED) == 0)
			fprintf(stderr, "opm: %s: cannot start: %s\n",
			    json_str(a, "name"), reason != NULL ? reason :
			    "see opm info");
	}
	cJSON_Delete(r);
	run_armed = true;
}

static void
run_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	(void)hint;
	run_rbuf = xreallocarray(run_rbuf, run_rlen + 65536, 1);
	*buf = uv_buf_init(run_rbuf + run_rlen, 65536);
}

static void
run_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	char	*nl;

	(void)buf;
	if (n == 0)
		return;
	if (n < 0) {
		run_refused("the daemon closed the request");
		uv_close((uv_handle_t *)s, run_close_cb);
		return;
	}
	run_rlen += (size_t)n;
	if ((nl = memchr(run_rbuf, '\n', run_rlen)) == NULL) {
		if (run_rlen > PROTO_REPLY_MAX) {
			run_refused("the reply is too long");
			uv_close((uv_handle_t *)s, run_close_cb);
		}
		return;
	}
	run_reply(run_rbuf, nl - run_rbuf);
	uv_close((uv_handle_t *)s, run_close_cb);
}

static void
run_write_cb(uv_write_t *w, int status)
{
	(void)w;
	free(run_req);
	run_req = NULL;
	if (status != 0)
		log_warnx("%s: %s", __func__, uv_strerror(status));
}

/* Sends the start request through a socketpair the daemon serves. */
static void
run_send(const char *args)
{
	cJSON		*req, *a;
	char		 cause[128];
	size_t		 len;
	uv_buf_t	 b;
	int		 sv[2];

	if ((a = json_parse(args, strlen(args), cause, sizeof cause)) ==
	    NULL) {
		run_refused(cause);
		return;
	}
	req = cJSON_CreateObject();
	cJSON_AddNumberToObject(req, PROTO_V, PROTO_VERSION);
	cJSON_AddNumberToObject(req, PROTO_ID, 1);
	cJSON_AddStringToObject(req, PROTO_CMD, PROTO_CMD_START);
	cJSON_AddItemToObject(req, PROTO_ARGS, a);
	run_req = json_line(req, &len);
	cJSON_Delete(req);
	if (run_req == NULL || socketpair(AF_UNIX, SOCK_STREAM |
	    SOCK_CLOEXEC, 0, sv) == -1) {
		run_refused(strerror(errno));
		return;
	}
	ipc_adopt_client(run_loop, sv[0], NULL);
	uv_pipe_init(run_loop, &run_pipe, 0);
	if (uv_pipe_open(&run_pipe, sv[1]) != 0) {
		close(sv[1]);
		run_refused("cannot open the request's socket");
		return;
	}
	b = uv_buf_init(run_req, len);
	uv_write(&run_wreq, (uv_stream_t *)&run_pipe, &b, 1, run_write_cb);
	uv_read_start((uv_stream_t *)&run_pipe, run_alloc_cb, run_read_cb);
}

void
run_init(uv_loop_t *loop, const char *args, bool raw)
{
	struct app	*a;

	run_loop = loop;
	run_raw = raw;
	/* An app's own stdout target is bare too (it is not echoed twice). */
	logsink_set_raw(raw);
	run_echoing = true;
	uv_prepare_init(loop, &run_prep);
	uv_prepare_start(&run_prep, run_prep_cb);
	uv_unref((uv_handle_t *)&run_prep);
	if (args != NULL) {
		run_send(args);
		return;
	}
	/* A reload's new image: what the apps went through was judged. */
	TAILQ_FOREACH(a, &apps, entry)
		run_seen_find(a->id)->state = a->run.state;
	run_armed = true;
}

int
run_exit_code(void)
{
	return (run_failed ? run_code : 0);
}
