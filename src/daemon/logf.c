/*
 * App log capture, rotation and following.
 *
 * Each spawn gets fresh pipes. A chunk read from a pipe is written to the
 * file at once, in the read callback, so that bytes taken from the pipe
 * are in the file before anything else runs (a SIGKILL of the daemon then
 * loses nothing: what it has not read stays in the pipe, which the keeper
 * holds). When that write fails, is short, or the file has a backlog,
 * reading stops while the chunk is written through uv_fs_write, one at a
 * time per file, in the order the chunks were read: a full disk makes the
 * app block on its own write (back-pressure) instead of losing lines. On
 * ENOSPC the chunk is kept and retried every second until space returns.
 * A direct write that takes long (a slow disk) sends the file's chunks
 * through the thread pool for a while, so the loop does not wait on it.
 *
 * A pipe lives until EOF, so output of grandchildren that outlive a restart
 * still lands, in order, in the same file. A partial line is written as it
 * arrives and completed by the next chunk, never dropped; with timestamps,
 * each line gets an ISO 8601 UTC prefix taken when its first byte was read.
 *
 * Rotation is by rename and reopen, never copy-and-truncate, and happens
 * only at a line boundary (a single line longer than max_size is split).
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "events.h"
#include "handle.h"
#include "ipc.h"
#include "keeper.h"
#include "log.h"
#include "logf.h"
#include "logfmt.h"
#include "logsink.h"
#include "opm.h"
#include "parse.h"
#include "run.h"
#include "xmem.h"

#define LOGF_CHUNK	65536
#define LOGF_FOLLOW_WQ	(1024 * 1024)	/* a follower's backlog before skips */
#define LOGF_SLOW_NS	(20 * 1000000ULL) /* a direct write this slow... */
#define LOGF_SLOW_MS	5000		/* ...sends writes to the pool this long */

struct logpipe;

struct logsub {
	struct ipc_client	*client;
	struct logfile		*lf;
	char			*part;	/* partial line */
	size_t			 plen;
	bool			 discard;	/* rest of a cut line */
	unsigned long		 skipped;
	LIST_ENTRY(logsub)	 entry;
};

struct logfile {
	char			*path;
	char			*app;
	char			*stream;
	int			 fd;
	int			 refs;
	int			 nsubs;		/* followers among refs */
	bool			 timestamps;
	char			*datefmt;	/* log_date_format, translated */
	bool			 discard;	/* /dev/null: drained, not kept */
	struct logfile		*also;		/* log_file: both streams */
	struct run_line		*echo;		/* opm run: a partial line */
	bool			 also_warned;
	uint64_t		 max_size;
	unsigned		 keep;
	uint64_t		 size;
	uint64_t		 partial;	/* bytes since the last newline */
	bool			 busy;		/* a write is in flight */
	uint64_t		 async_until;	/* slow disk: no direct writes */
	bool			 warned;
	uv_fs_t			 req;
	uv_timer_t		*retry;
	struct logpipe		*cur;		/* whose chunk is written */
	TAILQ_HEAD(, logpipe)	 queue;		/* pipes waiting their turn */
	LIST_HEAD(, logsub)	 subs;
	/* log_target other than file (logsink.h): whole lines to them. */
	unsigned		 sinks;
	char			*sname;		/* the app's name for them */
	int			 instance;
	char			*sline;		/* a partial line for them */
	size_t			 slen;
	bool			 scut;		/* in the rest of a cut line */
};

struct logpipe {
	uv_pipe_t		 pipe;
	struct logfile		*lf;
	uint64_t		 serial;	/* its name at the keeper */
	int			 fd;
	bool			 stopped;	/* quiesced for a reload */
	LIST_ENTRY(logpipe)	 all;
	bool			 at_line_start;
	bool			 eof;
	char			*data;		/* the chunk, stamped */
	size_t			 len;
	size_t			 off;		/* written so far */
	TAILQ_ENTRY(logpipe)	 entry;
};

struct logall {
	struct ipc_client	*client;
	bool			 out;
	bool			 err;
	LIST_ENTRY(logall)	 entry;
};

static LIST_HEAD(, logall) logf_alls = LIST_HEAD_INITIALIZER(logf_alls);
static uv_loop_t	*logf_loop;
static uint64_t		 logf_serial = 1;
static LIST_HEAD(, logpipe) logf_pipes = LIST_HEAD_INITIALIZER(logf_pipes);
static bool		 logf_quiescing;
static void		(*logf_quiet_cb)(void);

static void	logf_next(struct logfile *);
static void	logf_write_some(struct logfile *);
static void	logf_read_cb(uv_stream_t *, ssize_t, const uv_buf_t *);
static bool	logf_write_now(struct logfile *, struct logpipe *);
static void	logf_check_quiet(void);
static void	logf_follow_new(struct logfile *);

void
logf_init(uv_loop_t *loop)
{
	logf_loop = loop;
}

static int
logf_reopen(struct logfile *lf)
{
	struct stat	st;
	int		fd;

	if (lf->discard)
		return (0);
	/* A symbolic link planted at the path is refused (ELOOP). */
	fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return (-1);
	if (lf->fd != -1)
		close(lf->fd);
	lf->fd = fd;
	lf->size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return (0);
}

struct logfile *
logf_open(const char *path, const char *app, const char *stream)
{
	struct logfile	*lf = xcalloc(1, sizeof *lf);

	lf->path = xstrdup(path);
	lf->app = xstrdup(app);
	lf->stream = xstrdup(stream);
	lf->fd = -1;
	lf->refs = 1;
	lf->max_size = 10 * 1024 * 1024;
	lf->keep = 5;
	/* Nothing is kept, but the pipe is read: the app never blocks. */
	lf->discard = strcmp(path, "/dev/null") == 0;
	TAILQ_INIT(&lf->queue);
	LIST_INIT(&lf->subs);
	if (logf_reopen(lf) == -1) {
		free(lf->path);
		free(lf->app);
		free(lf->stream);
		free(lf);
		return (NULL);
	}
	logf_follow_new(lf);
	return (lf);
}

void
logf_configure(struct logfile *lf, bool timestamps, const char *datefmt,
    uint64_t max_size, unsigned keep)
{
	char		 fmt[LOGFMT_MAX];
	const char	*cause;

	lf->timestamps = timestamps || datefmt != NULL;
	free(lf->datefmt);
	lf->datefmt = NULL;
	/* Checked when the configuration was read; ISO if it fails here. */
	if (datefmt != NULL &&
	    logfmt_translate(datefmt, fmt, sizeof fmt, &cause) == 0)
		lf->datefmt = xstrdup(fmt);
	lf->max_size = max_size;
	lf->keep = keep;
}

void
logf_combine(struct logfile *lf, struct logfile *all)
{
	if (lf->also != NULL)
		logf_unref(lf->also);
	lf->also = all;
	if (all != NULL)
		logf_ref(all);
}

void
logf_ref(struct logfile *lf)
{
	lf->refs++;
}

static void	logf_sub_close_cb(struct ipc_client *, void *);
static void	logf_sub_free(struct logsub *);

void
logf_unref(struct logfile *lf)
{
	struct logsub	*s;

	if (--lf->refs > lf->nsubs)
		return;
	/*
	 * Only followers hold it: its apps are gone and no pipe writes into
	 * it any more, so nothing will ever be streamed. Let them go, or
	 * one follower pins the descriptors of every deleted app.
	 */
	while ((s = LIST_FIRST(&lf->subs)) != NULL) {
		ipc_remove_close_cb(s->client, logf_sub_close_cb, s);
		logf_sub_free(s);
		lf->refs--;
	}
	if (lf->retry != NULL)
		uv_close((uv_handle_t *)lf->retry, handle_free);
	if (lf->also != NULL)
		logf_unref(lf->also);
	if (lf->fd != -1)
		close(lf->fd);
	free(lf->echo);
	free(lf->datefmt);
	free(lf->sline);
	free(lf->sname);
	free(lf->path);
	free(lf->app);
	free(lf->stream);
	free(lf);
}

void
logf_targets(struct logfile *lf, unsigned sinks, const char *name,
    int instance)
{
	lf->sinks = sinks & ~LOGSINK_FILE;
	free(lf->sname);
	lf->sname = xstrdup(name);
	lf->instance = instance;
	if (lf->sinks != 0 && lf->sline == NULL)
		lf->sline = xmalloc(LOGF_LINE_MAX);
}

/*
 * Written bytes to the log targets, one line at a time: a partial line
 * waits for its end, as for followers; one longer than LOGF_LINE_MAX goes
 * cut, and its rest is dropped.
 */
static void
logf_sink(struct logfile *lf, const char *p, size_t len)
{
	struct logsink_from	 from;
	const char		*end = p + len, *nl;
	size_t			 seg, n;

	from.app = lf->sname;
	from.instance = lf->instance;
	from.err = strcmp(lf->stream, "err") == 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		seg = (nl != NULL ? nl : end) - p;
		if (!lf->scut) {
			n = seg < LOGF_LINE_MAX - lf->slen ? seg :
			    LOGF_LINE_MAX - lf->slen;
			memcpy(lf->sline + lf->slen, p, n);
			lf->slen += n;
			if (n < seg) {
				logsink_line(lf->sinks, &from, lf->sline,
				    lf->slen);
				lf->slen = 0;
				lf->scut = true;
			}
		}
		if (nl == NULL)
			break;
		if (!lf->scut)
			logsink_line(lf->sinks, &from, lf->sline, lf->slen);
		lf->slen = 0;
		lf->scut = false;
	}
}

const char *
logf_path(const struct logfile *lf)
{
	return (lf->path);
}

uint64_t
logf_size(const struct logfile *lf)
{
	/* Up to the last complete line: a partial one comes by the stream. */
	return (lf->size - (lf->partial < lf->size ? lf->partial : lf->size));
}

/* path.N for N >= 1. */
static void
logf_rotated(const struct logfile *lf, unsigned n, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%u", lf->path, n);
}

/* Renames path -> path.1 -> ... -> path.keep (dropped) and reopens. */
static void
logf_rotate(struct logfile *lf)
{
	char		from[4200], to[4200];
	unsigned	i;

	if (lf->keep == 0)
		unlink(lf->path);
	else {
		logf_rotated(lf, lf->keep, to, sizeof to);
		unlink(to);
		for (i = lf->keep; i > 1; i--) {
			logf_rotated(lf, i - 1, from, sizeof from);
			logf_rotated(lf, i, to, sizeof to);
			rename(from, to);
		}
		logf_rotated(lf, 1, to, sizeof to);
		if (rename(lf->path, to) == -1)
			log_warn("%s: rename %s", __func__, lf->path);
	}
	if (logf_reopen(lf) == -1)
		log_warn("%s: reopen %s", __func__, lf->path);
	lf->partial = 0;
	events_rotate(lf->app, lf->stream, lf->path);
}

int
logf_flush(struct logfile *lf)
{
	char		path[4200];
	unsigned	i;

	if (lf->also != NULL && logf_flush(lf->also) == -1)
		return (-1);
	if (lf->discard)
		return (0);
	for (i = 1; i <= lf->keep + 1; i++) {
		logf_rotated(lf, i, path, sizeof path);
		unlink(path);
	}
	if (ftruncate(lf->fd, 0) == -1)
		return (-1);
	lf->size = 0;
	return (0);
}

/* Sends one line to a follower, or counts it skipped if it lags. */
static void
logf_sub_line(struct logsub *s, const char *line, size_t len, bool cut)
{
	cJSON	*m;
	char	*text, note[96];
	size_t	 i, o = 0;

	if (ipc_gone(s->client))
		return;
	if (ipc_pending(s->client) > LOGF_FOLLOW_WQ) {
		s->skipped++;
		return;
	}
	if (s->skipped > 0) {
		m = cJSON_CreateObject();
		snprintf(note, sizeof note, "[opm: %lu lines skipped: the "
		    "reader was too slow]", s->skipped);
		cJSON_AddStringToObject(m, "event", "notice");
		cJSON_AddStringToObject(m, "text", note);
		ipc_send(s->client, m);
		cJSON_Delete(m);
		s->skipped = 0;
	}
	/* JSON needs UTF-8: invalid bytes become U+FFFD. */
	text = xmalloc(len * 3 + 32);
	for (i = 0; i < len; ) {
		size_t n = 1;
		unsigned char c = line[i];
		if (c >= 0xc2 && c <= 0xf4)
			n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (c == 0 || (c >= 0x80 && (n == 1 || i + n > len ||
		    !parse_utf8_ok(line + i, n)))) {
			memcpy(text + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(text + o, line + i, n);
		o += n;
		i += n;
	}
	if (cut)
		o += snprintf(text + o, 32, "...[cut]");
	text[o] = '\0';
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "event", "line");
	cJSON_AddStringToObject(m, "name", s->lf->app);
	cJSON_AddStringToObject(m, "stream", s->lf->stream);
	cJSON_AddStringToObject(m, "line", text);
	ipc_send(s->client, m);
	cJSON_Delete(m);
	free(text);
}

/*
 * Feeds written bytes to every follower, one message per whole line, and
 * to opm run's echo on our stdout/stderr (src/daemon/run.c).
 */
static void
logf_publish(struct logfile *lf, const char *p, size_t len)
{
	struct logsub	*s;
	const char	*end = p + len, *q, *nl;
	size_t		 seg, room, n;

	if (lf->sinks != 0)
		logf_sink(lf, p, len);
	/* opm run echoes every app's output, once: not again where a
	 * stdout target has already written it. */
	if (run_echoing && !(lf->sinks & LOGSINK_STDOUT))
		run_echo(&lf->echo, lf->app, lf->stream, p, len);
	LIST_FOREACH(s, &lf->subs, entry) {
		for (q = p; q < end; q = nl + 1) {
			nl = memchr(q, '\n', end - q);
			seg = (nl ? nl : end) - q;
			if (!s->discard) {
				room = LOGF_LINE_MAX - s->plen;
				n = seg < room ? seg : room;
				memcpy(s->part + s->plen, q, n);
				s->plen += n;
				if (seg > room) {
					logf_sub_line(s, s->part, s->plen,
					    true);
					s->plen = 0;
					s->discard = true;
				}
			}
			if (nl == NULL)
				break;
			if (!s->discard)
				logf_sub_line(s, s->part, s->plen, false);
			s->plen = 0;
			s->discard = false;
		}
	}
}

/* Unlinks and frees a follower; the caller drops its reference to lf. */
static void
logf_sub_free(struct logsub *s)
{
	LIST_REMOVE(s, entry);
	s->lf->nsubs--;
	ipc_unref(s->client);
	free(s->part);
	free(s);
}

static void
logf_sub_close_cb(struct ipc_client *c, void *arg)
{
	struct logsub	*s = arg;
	struct logfile	*lf = s->lf;

	(void)c;
	logf_sub_free(s);
	logf_unref(lf);
}

void
logf_follow(struct logfile *lf, struct ipc_client *c)
{
	struct logsub	*s = xcalloc(1, sizeof *s);

	s->client = c;
	s->lf = lf;
	s->part = xmalloc(LOGF_LINE_MAX + 1);
	/* A line half written now is sent whole, once it ends. */
	if (lf->partial > 0 && lf->partial <= lf->size) {
		int	rfd = open(lf->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		size_t	want = lf->partial > LOGF_LINE_MAX ? LOGF_LINE_MAX :
			    lf->partial;
		ssize_t	r = rfd == -1 ? -1 : pread(rfd, s->part, want,
			    (off_t)(lf->size - lf->partial));

		if (r == (ssize_t)want) {
			s->plen = want;
			s->discard = lf->partial > LOGF_LINE_MAX;
		}
		if (rfd != -1)
			close(rfd);
	}
	logf_ref(lf);
	lf->nsubs++;
	ipc_ref(c);
	LIST_INSERT_HEAD(&lf->subs, s, entry);
	ipc_add_close_cb(c, logf_sub_close_cb, s);
}

static void
logf_all_close_cb(struct ipc_client *c, void *arg)
{
	struct logall	*a = arg;

	LIST_REMOVE(a, entry);
	free(a);
	ipc_unref(c);
}

void
logf_follow_all(struct ipc_client *c, bool out, bool err)
{
	struct logall	*a = xcalloc(1, sizeof *a);

	a->client = c;
	a->out = out;
	a->err = err;
	ipc_ref(c);
	LIST_INSERT_HEAD(&logf_alls, a, entry);
	ipc_add_close_cb(c, logf_all_close_cb, a);
}

/* A new app's log: clients following every app follow it too. */
static void
logf_follow_new(struct logfile *lf)
{
	struct logall	*a;
	bool		 out = strcmp(lf->stream, "out") == 0;
	bool		 err = strcmp(lf->stream, "err") == 0;

	LIST_FOREACH(a, &logf_alls, entry) {
		if (!ipc_gone(a->client) && ((out && a->out) || (err && a->err)))
			logf_follow(lf, a->client);
	}
}

/* ISO 8601 UTC, or log_date_format in local time as PM2 writes it. */
static void
logf_stamp(const struct logfile *lf, char *buf, size_t len)
{
	struct timeval	tv;
	struct tm	tm;
	size_t		n;

	gettimeofday(&tv, NULL);
	if (lf->datefmt != NULL) {
		n = logfmt_format(lf->datefmt, &tv, buf, len > 2 ? len - 2 : 0);
		snprintf(buf + n, len - n, ": ");
		return;
	}
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

/* Copies a chunk into lp->data, stamping each line start if asked. */
static void
logf_prepare(struct logpipe *lp, const char *p, size_t n)
{
	const char	*end = p + n, *nl;
	char		 stamp[LOGFMT_MAX + 8];
	size_t		 lines = 0, slen = 0, o = 0;

	if (lp->lf->timestamps) {
		for (nl = p; (nl = memchr(nl, '\n', end - nl)) != NULL; nl++)
			lines++;
		logf_stamp(lp->lf, stamp, sizeof stamp);
		slen = strlen(stamp);
	}
	lp->data = xmalloc(n + (lines + 1) * slen + 1);
	if (slen == 0) {
		memcpy(lp->data, p, n);
		o = n;
		lp->at_line_start = n > 0 ? p[n - 1] == '\n' :
		    lp->at_line_start;
	}
	while (slen > 0 && p < end) {
		if (lp->at_line_start) {
			memcpy(lp->data + o, stamp, slen);
			o += slen;
		}
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			memcpy(lp->data + o, p, end - p);
			o += end - p;
			lp->at_line_start = false;
			break;
		}
		memcpy(lp->data + o, p, nl + 1 - p);
		o += nl + 1 - p;
		lp->at_line_start = true;
		p = nl + 1;
	}
	lp->len = o;
	lp->off = 0;
}

/*
 * One read buffer for every pipe: a chunk is copied out (logf_prepare)
 * before the read callback returns, and the loop reads one pipe at a
 * time. A buffer per pipe cost 64 KiB per live run.
 */
static char	logf_rbuf[LOGF_CHUNK];

static void
logf_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	(void)hint;
	*buf = uv_buf_init(logf_rbuf, sizeof logf_rbuf);
}

static void
logf_pipe_close_cb(uv_handle_t *h)
{
	struct logpipe	*lp = h->data;

	LIST_REMOVE(lp, all);
	keeper_drop(lp->serial);
	logf_unref(lp->lf);
	free(lp->data);
	free(lp);
}

static void
logf_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct logpipe	*lp = s->data;
	struct logfile	*lf = lp->lf;

	if (n == 0)
		return;
	if (n < 0 && lp->at_line_start) {
		uv_read_stop(s);
		uv_close((uv_handle_t *)s, logf_pipe_close_cb);
		if (logf_quiescing)
			logf_check_quiet();
		return;
	}
	if (n < 0) {
		/* EOF in the middle of a line: end it, then close. */
		lp->eof = true;
		logf_prepare(lp, "\n", 1);
		lp->at_line_start = true;
	} else
		logf_prepare(lp, buf->base, n);
	if (logf_write_now(lf, lp)) {
		free(lp->data);
		lp->data = NULL;
		if (lp->eof) {
			uv_read_stop(s);
			uv_close((uv_handle_t *)s, logf_pipe_close_cb);
		} else if (logf_quiescing) {
			uv_read_stop(s);
			lp->stopped = true;
		}
		if (logf_quiescing)
			logf_check_quiet();
		return;
	}
	uv_read_stop(s);
	TAILQ_INSERT_TAIL(&lf->queue, lp, entry);
	if (!lf->busy)
		logf_next(lf);
}

static void
logf_retry_cb(uv_timer_t *t)
{
	struct logfile	*lf = t->data;

	logf_write_some(lf);
}

/*
 * The log_file of an app, which gets both streams: a copy of what went to
 * its own file, written at once. Rotated at a chunk boundary; a failed
 * write loses the copy, never the stream file (warned once).
 */
static void
logf_copy(struct logfile *all, const char *p, size_t len)
{
	ssize_t	r;

	if (all->discard)
		return;
	if (all->size >= all->max_size)
		logf_rotate(all);
	while (len > 0) {
		if ((r = write(all->fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!all->also_warned)
				log_warn("%s: write", all->path);
			all->also_warned = true;
			return;
		}
		all->also_warned = false;
		all->size += (uint64_t)r;
		p += r;
		len -= (size_t)r;
	}
}

/* Accounts r bytes of the current chunk as written. */
static void
logf_wrote(struct logfile *lf, struct logpipe *lp, size_t r)
{
	const char	*p = lp->data + lp->off, *nl;

	logf_publish(lf, p, r);
	if (lf->also != NULL)
		logf_copy(lf->also, p, r);
	lf->size += r;
	if (p[r - 1] == '\n')
		lf->partial = 0;
	else {
		nl = memrchr(p, '\n', r);
		lf->partial = nl ? (uint64_t)(p + r - nl - 1) : lf->partial + r;
	}
	lp->off += r;
}

/* How much of lp's chunk to write next, rotating first when due. */
static size_t
logf_take(struct logfile *lf, struct logpipe *lp)
{
	const char	*p = lp->data + lp->off, *nl;
	size_t		 left = lp->len - lp->off, take = left, room;

	if (lf->size >= lf->max_size && (lf->partial == 0 ||
	    lf->partial >= lf->max_size))
		logf_rotate(lf);
	if (lf->size + left > lf->max_size) {
		/* Up to the newline that ends the line crossing the limit. */
		room = lf->max_size > lf->size ? lf->max_size - lf->size : 0;
		if (room > 0 && (nl = memchr(p + room - 1, '\n',
		    left - room + 1)) != NULL)
			take = nl + 1 - p;
		else if (room == 0 && (nl = memchr(p, '\n', left)) != NULL)
			take = nl + 1 - p;
	}
	return (take);
}

/*
 * Writes lp's chunk at once, in the read callback, when the file has no
 * backlog: the bytes are out of the pipe and not yet in the file only for
 * the few microseconds between two system calls, so a SIGKILL of the
 * daemon loses nothing in practice (through the thread pool, a loaded
 * machine made that window milliseconds long, and lines went missing).
 * A write that fails or is short leaves the rest to the queued path,
 * which retries; a write that took long (a slow disk: ext4 has no
 * RWF_NOWAIT for buffered writes) sends this file's chunks through the
 * thread pool for a while, so the loop does not wait on the disk.
 */
static bool
logf_write_now(struct logfile *lf, struct logpipe *lp)
{
	uint64_t	t0;
	ssize_t		r;
	size_t		take;

	if (lf->discard) {
		logf_publish(lf, lp->data, lp->len);
		if (lf->also != NULL)
			logf_copy(lf->also, lp->data, lp->len);
		lp->off = lp->len;
		return (true);
	}
	if (lf->busy || !TAILQ_EMPTY(&lf->queue) ||
	    uv_now(logf_loop) < lf->async_until)
		return (false);
	while (lp->off < lp->len) {
		take = logf_take(lf, lp);
		t0 = uv_hrtime();
		r = write(lf->fd, lp->data + lp->off, take);
		if (uv_hrtime() - t0 > LOGF_SLOW_NS) {
			lf->async_until = uv_now(logf_loop) + LOGF_SLOW_MS;
			log_warnx("%s: a write took %llu ms; writing through "
			    "the thread pool for a while", lf->path,
			    (unsigned long long)(uv_hrtime() - t0) / 1000000);
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (false);
		logf_wrote(lf, lp, (size_t)r);
		if (lf->async_until > uv_now(logf_loop))
			return (lp->off == lp->len);
	}
	return (true);
}

static void
logf_write_cb(uv_fs_t *req)
{
	struct logfile	*lf = req->data;
	struct logpipe	*lp = lf->cur;
	ssize_t		 r = req->result;

	uv_fs_req_cleanup(req);
	if (r <= 0) {
		/* Keep the chunk; the app blocks on its full pipe meanwhile. */
		if (!lf->warned)
			log_warnx("%s: write: %s; retrying every second",
			    lf->path, r == 0 ? "nothing written" :
			    uv_strerror((int)r));
		lf->warned = true;
		if (lf->retry == NULL) {
			lf->retry = xcalloc(1, sizeof *lf->retry);
			uv_timer_init(logf_loop, lf->retry);
			lf->retry->data = lf;
		}
		uv_timer_start(lf->retry, logf_retry_cb, 1000, 0);
		return;
	}
	if (lf->warned) {
		log_info("%s: writing again", lf->path);
		lf->warned = false;
	}
	logf_wrote(lf, lp, (size_t)r);
	if (lp->off < lp->len) {
		logf_write_some(lf);
		return;
	}
	free(lp->data);
	lp->data = NULL;
	lf->cur = NULL;
	lf->busy = false;
	if (lp->eof)
		uv_close((uv_handle_t *)&lp->pipe, logf_pipe_close_cb);
	else if (logf_quiescing)
		lp->stopped = true;
	else if (!uv_is_closing((uv_handle_t *)&lp->pipe))
		uv_read_start((uv_stream_t *)&lp->pipe, logf_alloc_cb,
		    logf_read_cb);
	logf_next(lf);
	logf_unref(lf);
	if (logf_quiescing)
		logf_check_quiet();
}

/* Writes the next piece of the current chunk through the thread pool. */
static void
logf_write_some(struct logfile *lf)
{
	struct logpipe	*lp = lf->cur;
	uv_buf_t	 b;

	b = uv_buf_init(lp->data + lp->off, logf_take(lf, lp));
	lf->req.data = lf;
	if (uv_fs_write(logf_loop, &lf->req, lf->fd, &b, 1, -1,
	    logf_write_cb) != 0) {
		lf->req.result = UV_EIO;
		logf_write_cb(&lf->req);
	}
}

static void
logf_next(struct logfile *lf)
{
	struct logpipe	*lp;

	if (lf->busy || (lp = TAILQ_FIRST(&lf->queue)) == NULL)
		return;
	TAILQ_REMOVE(&lf->queue, lp, entry);
	lf->busy = true;
	lf->cur = lp;
	logf_ref(lf);		/* held while the write is in flight */
	logf_write_some(lf);
}

/* Starts reading fd (a pipe's read end) into lf. */
static struct logpipe *
logf_attach(struct logfile *lf, int fd, uint64_t serial, bool als)
{
	struct logpipe	*lp = xcalloc(1, sizeof *lp);

	lp->lf = lf;
	lp->fd = fd;
	lp->serial = serial;
	lp->at_line_start = als;
	if (serial >= logf_serial)
		logf_serial = serial + 1;
	logf_ref(lf);
	LIST_INSERT_HEAD(&logf_pipes, lp, all);
	uv_pipe_init(logf_loop, &lp->pipe, 0);
	lp->pipe.data = lp;
	if (uv_pipe_open(&lp->pipe, fd) != 0 ||
	    uv_read_start((uv_stream_t *)&lp->pipe, logf_alloc_cb,
	    logf_read_cb) != 0) {
		uv_close((uv_handle_t *)&lp->pipe, logf_pipe_close_cb);
		return (NULL);
	}
	return (lp);
}

int
logf_capture(struct logfile *lf)
{
	struct logpipe	*lp;
	int		 fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1)
		return (-1);
	if ((lp = logf_attach(lf, fds[0], logf_serial++, true)) == NULL) {
		close(fds[1]);
		errno = EIO;
		return (-1);
	}
	keeper_hold(lp->serial, lf->path, true, fds[0]);
	return (fds[1]);
}

void
logf_adopt(struct logfile *lf, int fd, uint64_t serial, bool als)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	logf_attach(lf, fd, serial, als);
}

void
logf_rehold(void)
{
	struct logpipe	*lp;

	LIST_FOREACH(lp, &logf_pipes, all)
		keeper_hold(lp->serial, lp->lf->path, lp->at_line_start,
		    lp->fd);
}

static void
logf_check_quiet(void)
{
	struct logpipe	*lp;

	LIST_FOREACH(lp, &logf_pipes, all) {
		/* Stopped, with no chunk still queued or being written. */
		if ((!lp->stopped || lp->data != NULL) &&
		    !uv_is_closing((uv_handle_t *)&lp->pipe))
			return;
	}
	if (logf_quiet_cb != NULL) {
		void (*cb)(void) = logf_quiet_cb;
		logf_quiet_cb = NULL;
		cb();
	}
}

void
logf_quiesce(void (*cb)(void))
{
	struct logpipe	*lp;

	logf_quiescing = true;
	logf_quiet_cb = cb;
	LIST_FOREACH(lp, &logf_pipes, all) {
		/* A pipe with a chunk in the queue stops when it is written. */
		if (lp->data == NULL && !uv_is_closing((uv_handle_t *)
		    &lp->pipe)) {
			uv_read_stop((uv_stream_t *)&lp->pipe);
			lp->stopped = true;
		}
	}
	logf_check_quiet();
}

void
logf_resume(void)
{
	struct logpipe	*lp;

	logf_quiescing = false;
	LIST_FOREACH(lp, &logf_pipes, all) {
		if (lp->stopped) {
			lp->stopped = false;
			uv_read_start((uv_stream_t *)&lp->pipe, logf_alloc_cb,
			    logf_read_cb);
		}
	}
}

cJSON *
logf_handover(void)
{
	struct logpipe	*lp;
	cJSON		*arr = cJSON_CreateArray(), *o;

	LIST_FOREACH(lp, &logf_pipes, all) {
		if (uv_is_closing((uv_handle_t *)&lp->pipe))
			continue;
		/* Keep the descriptor open across exec. */
		fcntl(lp->fd, F_SETFD, 0);
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "fd", lp->fd);
		cJSON_AddNumberToObject(o, "serial", (double)lp->serial);
		cJSON_AddBoolToObject(o, "als", lp->at_line_start);
		cJSON_AddStringToObject(o, "path", lp->lf->path);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}
