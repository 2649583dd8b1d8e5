/*
 * App log capture, rotation and following.
 *
 * Each spawn gets fresh pipes. Output moves from a pipe to its file with
 * splice(2), which takes out of the pipe exactly what it put in the file:
 * a byte is always either still in the pipe (which the keeper holds while
 * no daemon runs) or in the file, so a SIGKILL of the daemon at any point
 * loses nothing and duplicates nothing. What must see the bytes reads them
 * back from the file once they are in it (followers, log_target sinks, the
 * log_file copy, the tail of a partial line), or peeks at them in the pipe
 * with tee(2) without taking them (where a rotation must cut at a line
 * end). Timestamped lines are a transformation: the raw chunk is spliced
 * into the spool (RUNTIME/logs.spool), the ledger (logledger.h) notes where
 * it is and where its stamped form goes in the file, and the stamped form
 * is written from there: a daemon killed before that write is done leaves
 * the chunk in the spool, and the next daemon writes it, at the same
 * offset (again, if it was half written), so a kill neither loses nor
 * duplicates a timestamped line either.
 *
 * A full disk leaves the bytes in the pipe (the app blocks on its own
 * write: back-pressure) and the file is tried again every second. A move
 * that takes long (a slow disk) sends the file's moves through the thread
 * pool for a while, so the loop does not wait on it; one move per file is
 * in flight at a time, in the order the pipes became readable.
 *
 * A pipe lives until EOF, so output of grandchildren that outlive a restart
 * still lands, in order, in the same file. A partial line is written as it
 * arrives and completed by the next chunk, never dropped; with timestamps,
 * each line gets an ISO 8601 UTC prefix taken when its first byte moved.
 *
 * Rotation is by rename and reopen, never copy-and-truncate, and happens
 * only at a line boundary (a single line longer than max_size is split).
 */
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "events.h"
#include "handle.h"
#include "ipc.h"
#include "keeper.h"
#include "log.h"
#include "logf.h"
#include "logledger.h"
#include "logfmt.h"
#include "logsink.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"
#include "run.h"
#include "xmem.h"

#define LOGF_CHUNK	65536		/* pipe bytes per move at most */
#ifndef LOGF_PIECE
#define LOGF_PIECE	16384		/* ...by a plain splice */
#endif
#ifndef LOGF_BURST
#define LOGF_BURST	16		/* moves per wake-up at most */
#endif
#define LOGF_PIPE_BIG	(1024 * 1024)	/* a pipe found full grows to this, */
#define LOGF_PIPE_BIGS	16		/* ...so many pipes at most */
#define LOGF_SPOOL_RESET (16 * 1024 * 1024) /* spool emptied past this */
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
	bool			 batch;	/* "lines" messages */
	LIST_ENTRY(logsub)	 entry;
};

struct logfile {
	char			*path;
	char			*app;
	char			*stream;
	int			 fd;		/* -1: dozing (logf_doze) */
	unsigned		 active;	/* pipes into it, or its sources' */
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
	bool			 unknown;	/* ...as of tail_from only */
	uint64_t		 tail_from;
	unsigned		 gen;		/* rotations */
	dev_t			 dev;		/* the file open now */
	ino_t			 ino;
	bool			 busy;		/* a move is in the pool */
	bool			 blocked;	/* a move failed: retry armed */
	uint64_t		 async_until;	/* slow disk: moves in the pool */
	bool			 warned;
	uv_timer_t		*retry;
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

/*
 * One move of a pipe's bytes into its file: a splice (LOGOP_SPLICE), or a
 * stamped chunk written from the spool (LOGOP_STAMP). logf_run() does its
 * system calls and nothing else, so it may run in the thread pool.
 */
enum logop_kind { LOGOP_SPLICE, LOGOP_STAMP };

struct logop {
	uv_work_t		 work;
	enum logop_kind		 kind;
	int			 fd;		/* the file (or /dev/null) */
	int			 pfd;		/* the pipe */
	bool			 seek;		/* a file: at off */
	uint64_t		 off;
	size_t			 max;		/* SPLICE: pipe bytes at most */
	bool			 peeked;	/* SPLICE: they are in logf_pbuf */
	uint64_t		 spool;		/* STAMP: the raw bytes there */
	size_t			 n;
	char			 stamp[LOGFMT_MAX + 8];	/* STAMP */
	bool			 als;		/* STAMP: at a line start */
	bool			 als_after;
	char			*out;		/* STAMP: the stamped chunk */
	size_t			 nout;
	ssize_t			 r;	/* SPLICE: moved; STAMP: written */
	int			 err;
};

struct logpipe {
	uv_poll_t		 poll;
	struct logfile		*lf;
	uint64_t		 serial;	/* its name at the keeper */
	int			 fd;
	struct logledger_slot	*slot;		/* NULL: no ledger */
	LIST_ENTRY(logpipe)	 all;
	bool			 at_line_start;
	bool			 als_unknown;	/* ...as of last_end in gen */
	uint64_t		 last_end;
	unsigned		 gen;
	bool			 queued;	/* in lf->queue */
	bool			 inflight;	/* its move is in the pool */
	bool			 pending;	/* a STAMP op not yet written */
	bool			 closing;
	bool			 grown;		/* F_SETPIPE_SZ tried */
	bool			 big;		/* ...and done */
	struct logop		 op;
	TAILQ_ENTRY(logpipe)	 entry;
};

struct logall {
	struct ipc_client	*client;
	bool			 out;
	bool			 err;
	bool			 batch;
	LIST_ENTRY(logall)	 entry;
};

static LIST_HEAD(, logall) logf_alls = LIST_HEAD_INITIALIZER(logf_alls);
static uv_loop_t	*logf_loop;
static uint64_t		 logf_serial = 1;
static LIST_HEAD(, logpipe) logf_pipes = LIST_HEAD_INITIALIZER(logf_pipes);
static bool		 logf_quiescing;
static void		(*logf_quiet_cb)(void);
static unsigned		 logf_inflight;	/* moves in the thread pool */
static int		 logf_null = -1;	/* /dev/null, for writing */
static int		 logf_scratch[2] = { -1, -1 };	/* tee's target */
static int		 logf_spool = -1;
static uint64_t		 logf_spool_next;	/* its end */
static unsigned		 logf_spool_users;	/* chunks waiting there */
static unsigned		 logf_bigs;	/* pipes grown to LOGF_PIPE_BIG */
/* Test knob: a pause between spooling a stamped chunk and writing it. */
#define LOGF_DELAY_ENV	"OPM_TEST_STAMP_DELAY_MS"
static unsigned		 logf_delay_ms;

static void	logf_check_quiet(void);
static void	logf_follow_new(struct logfile *);
static void	logf_pump(struct logpipe *);

void
logf_init(uv_loop_t *loop)
{
	const char	*env;

	logf_loop = loop;
	if ((logf_null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		fatal("%s: /dev/null", __func__);
	if (pipe2(logf_scratch, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("%s: pipe2", __func__);
	if ((env = getenv(LOGF_DELAY_ENV)) != NULL)
		logf_delay_ms = (unsigned)strtonum(env, 0, 1000, NULL);
	/* Until logf_ledger() opens the one a successor can read. */
	if ((logf_spool = memfd_create("opmd-spool", MFD_CLOEXEC)) == -1)
		fatal("%s: memfd_create", __func__);
}

void
logf_ledger(const char *dir)
{
	struct stat	st;
	char		path[4200];
	uint64_t	max;
	int		fd;

	if (logledger_open(dir) == -1)
		log_warn("%s: %s/logs.ledger", __func__, dir);
	if ((max = logledger_max_serial()) >= logf_serial)
		logf_serial = max + 1;
	snprintf(path, sizeof path, "%s/logs.spool", dir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		/* Stamped lines still move, but a kill may lose a chunk. */
		log_warn("%s: %s", __func__, path);
		return;
	}
	close(logf_spool);
	logf_spool = fd;
	if (fstat(logf_spool, &st) == 0)
		logf_spool_next = (uint64_t)st.st_size;
}

void
logf_adopted(void)
{
	logledger_sweep();
	if (logf_spool_users == 0 && logf_spool_next > 0 &&
	    ftruncate(logf_spool, 0) == 0)
		logf_spool_next = 0;
}

/*
 * Bytes after the last newline of [from, to) of fd, read back from the
 * end (in the page cache: just written); prev + (to - from) when there is
 * none. Looks at 1 MiB at most.
 */
static uint64_t
logf_tail(int fd, uint64_t from, uint64_t to, uint64_t prev)
{
	char		 buf[4096], *nl;
	uint64_t	 end = to, at;
	ssize_t		 r;
	size_t		 n;

	while (end > from && to - end < 1024 * 1024) {
		n = end - from < sizeof buf ? end - from : sizeof buf;
		at = end - n;
		if ((r = pread(fd, buf, n, (off_t)at)) != (ssize_t)n)
			return (prev + (to - from));
		if ((nl = memrchr(buf, '\n', n)) != NULL)
			return (to - (at + (uint64_t)(nl - buf) + 1));
		end = at;
	}
	return (prev + (to - from));
}

static int
logf_reopen(struct logfile *lf)
{
	struct stat	st;
	int		fd;

	if (lf->discard)
		return (0);
	/* A symbolic link planted at the path is refused (ELOOP). */
	/*
	 * Not O_APPEND, which splice(2) refuses: the daemon is the file's
	 * one writer and writes at its own offset (lf->size).
	 */
	fd = open(lf->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return (-1);
	if (lf->fd != -1)
		close(lf->fd);
	lf->fd = fd;
	if (fstat(fd, &st) == 0) {
		lf->size = (uint64_t)st.st_size;
		lf->dev = st.st_dev;
		lf->ino = st.st_ino;
	} else
		lf->size = 0;
	lf->partial = logf_tail(fd, 0, lf->size, 0);
	lf->unknown = false;
	lf->gen++;
	return (0);
}

/*
 * Plain splices do not look at the bytes they move: where the line state
 * is needed (logs, a new follower, rotation, EOF, stamps) it is read back
 * from the file's tail then.
 */
static void
logf_settle(struct logfile *lf)
{
	if (!lf->unknown)
		return;
	lf->partial = logf_tail(lf->fd, lf->tail_from, lf->size, lf->partial);
	lf->unknown = false;
}

/* Whether lp's last byte ended a line. */
static void
logf_settle_pipe(struct logpipe *lp)
{
	char	c;

	if (!lp->als_unknown)
		return;
	lp->als_unknown = false;
	/* Rotated since: that was at a line end. */
	lp->at_line_start = lp->gen != lp->lf->gen || lp->last_end == 0 ||
	    pread(lp->lf->fd, &c, 1, (off_t)(lp->last_end - 1)) != 1 ||
	    c == '\n';
	if (lp->slot != NULL)
		lp->slot->als = lp->at_line_start;
}

/*
 * A file is open only while a pipe moves into it (or into a file that
 * copies to it: log_file): 10,000 stopped apps held 20,000 descriptors,
 * the whole of this machine's hard limit, and a running app 5. Woken by
 * the first pipe, put to sleep (closed, its size and partial line kept)
 * when the last one ends; what needs the file meanwhile wakes it for the
 * time it takes (logf_size, logf_flush, logf_follow).
 */
static int
logf_wake(struct logfile *lf)
{
	if (lf->fd != -1 || lf->discard)
		return (0);
	return (logf_reopen(lf));
}

static void
logf_doze(struct logfile *lf)
{
	if (lf->fd == -1 || lf->active > 0 || lf->busy || lf->blocked)
		return;
	logf_settle(lf);
	close(lf->fd);
	lf->fd = -1;
}

/* A pipe into lf begins (n 1) or ends (n -1); so does one into all. */
static int
logf_activate(struct logfile *lf, int n)
{
	if (n > 0 && (logf_wake(lf) == -1 ||
	    (lf->also != NULL && logf_wake(lf->also) == -1))) {
		logf_doze(lf);
		return (-1);
	}
	lf->active += n;
	if (lf->also != NULL)
		lf->also->active += n;
	if (lf->also != NULL)
		logf_doze(lf->also);
	logf_doze(lf);
	return (0);
}

static struct logfile *
logf_new(const char *path, const char *app, const char *stream)
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
	logf_follow_new(lf);
	return (lf);
}

struct logfile *
logf_lazy(const char *path, const char *app, const char *stream)
{
	return (logf_new(path, app, stream));
}

struct logfile *
logf_open(const char *path, const char *app, const char *stream)
{
	struct logfile	*lf;
	int		 fd;

	/* Made now, so that a path that cannot be written is told now. */
	if (strcmp(path, "/dev/null") != 0) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0600);
		if (fd == -1)
			return (NULL);
		close(fd);
	}
	lf = logf_new(path, app, stream);
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
	if (all != NULL && lf->active > 0 && logf_wake(all) == -1)
		log_warn("%s: %s", __func__, all->path);
	if (lf->also != NULL) {
		lf->also->active -= lf->active;
		logf_doze(lf->also);
		logf_unref(lf->also);
	}
	lf->also = all;
	if (all != NULL) {
		all->active += lf->active;
		logf_ref(all);
	}
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
logf_size(struct logfile *lf)
{
	uint64_t	n;

	/* Asleep: as it is on disk now. */
	if (lf->fd == -1 && logf_wake(lf) == -1)
		return (0);
	logf_settle(lf);
	/* Up to the last complete line: a partial one comes by the stream. */
	n = lf->size - (lf->partial < lf->size ? lf->partial : lf->size);
	logf_doze(lf);
	return (n);
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
	if (logf_wake(lf) == -1)
		return (-1);
	if (ftruncate(lf->fd, 0) == -1) {
		logf_doze(lf);
		return (-1);
	}
	logf_doze(lf);
	lf->size = 0;
	lf->partial = 0;
	lf->unknown = false;
	lf->gen++;
	return (0);
}

/*
 * A follower's messages for one chunk, built as JSON text by hand (cJSON
 * would make an object per line) and sent in one write.
 */
struct logbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
logf_buf_room(struct logbuf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	while (b->cap - b->len < n)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->p = xreallocarray(b->p, 1, b->cap);
}

static void
logf_buf_add(struct logbuf *b, const char *p, size_t len)
{
	logf_buf_room(b, len);
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

/* Whether a word has a zero byte, a byte below n (n <= 128). */
#define LOGF_LO		0x0101010101010101ULL
#define LOGF_HI		0x8080808080808080ULL
#define LOGF_ZERO(w)	(((w) - LOGF_LO) & ~(w) & LOGF_HI)
#define LOGF_LESS(w, n)	(((w) - LOGF_LO * (n)) & ~(w) & LOGF_HI)

/*
 * p[0..len) as the inside of a JSON string, as cJSON writes one; invalid
 * UTF-8 and NUL become U+FFFD (JSON text is UTF-8).
 */
static void
logf_buf_esc(struct logbuf *b, const char *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i = 0, run, n;
	uint64_t		 w;
	unsigned char		 c;
	char			*d;

	logf_buf_room(b, len + 16);
	while (i < len) {
		/* Eight bytes at a time while none needs a second look. */
		for (run = i; run + 8 <= len; run += 8) {
			memcpy(&w, s + run, 8);
			if (((w & LOGF_HI) | LOGF_LESS(w, 0x20) |
			    LOGF_ZERO(w ^ (LOGF_LO * '"')) |
			    LOGF_ZERO(w ^ (LOGF_LO * '\\'))) != 0)
				break;
		}
		for (; run < len && s[run] >= 0x20 && s[run] < 0x80 &&
		    s[run] != '"' && s[run] != '\\'; run++)
			;
		if (run > i) {
			logf_buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		c = s[i];
		logf_buf_room(b, 6);
		d = b->p + b->len;
		if (c >= 0x80) {
			n = c >= 0xc2 && c <= 0xf4 ? (c < 0xe0 ? 2 :
			    c < 0xf0 ? 3 : 4) : 1;
			if (n == 1 || i + n > len ||
			    !parse_utf8_ok(p + i, n)) {
				memcpy(d, "\xef\xbf\xbd", 3);
				b->len += 3;
				i++;
			} else {
				memcpy(d, p + i, n);
				b->len += n;
				i += n;
			}
			continue;
		}
		i++;
		d[0] = '\\';
		b->len += 2;
		switch (c) {
		case '"':
		case '\\':
			d[1] = c;
			break;
		case '\b':
			d[1] = 'b';
			break;
		case '\f':
			d[1] = 'f';
			break;
		case '\n':
			d[1] = 'n';
			break;
		case '\r':
			d[1] = 'r';
			break;
		case '\t':
			d[1] = 't';
			break;
		case '\0':
			b->len -= 2;
			memcpy(d, "\xef\xbf\xbd", 3);
			b->len += 3;
			break;
		default:
			memcpy(d + 1, "u00", 3);
			d[4] = hex[c >> 4];
			d[5] = hex[c & 0xf];
			b->len += 4;
			break;
		}
	}
}

/* The start of a message of event ev about s's file, up to its text. */
static void
logf_buf_head(struct logbuf *b, const struct logsub *s, const char *ev,
    const char *key)
{
	logf_buf_add(b, "{\"event\":\"", 10);
	logf_buf_add(b, ev, strlen(ev));
	logf_buf_add(b, "\",\"name\":\"", 10);
	logf_buf_esc(b, s->lf->app, strlen(s->lf->app));
	logf_buf_add(b, "\",\"stream\":\"", 12);
	logf_buf_esc(b, s->lf->stream, strlen(s->lf->stream));
	logf_buf_add(b, "\",\"", 3);
	logf_buf_add(b, key, strlen(key));
	logf_buf_add(b, "\":\"", 3);
}

/*
 * One whole line for s into b: a "line" message of its own, or a line of
 * the "lines" message b holds for a follower that asked for batches.
 */
static void
logf_sub_line(struct logsub *s, struct logbuf *b, const char *line,
    size_t len, bool cut)
{
	if (s->batch && b->len == 0)
		logf_buf_head(b, s, PROTO_EVENT_LINES, PROTO_EV_TEXT);
	else if (!s->batch)
		logf_buf_head(b, s, PROTO_EVENT_LINE, PROTO_EV_LINE);
	logf_buf_esc(b, line, len);
	if (cut)
		logf_buf_add(b, "...[cut]", 8);
	if (s->batch)
		logf_buf_add(b, "\\n", 2);
	else
		logf_buf_add(b, "\"}\n", 3);
}

/*
 * The whole lines of p[0..len) to follower s, in one write; the part of a
 * line to come is kept. A follower more than LOGF_FOLLOW_WQ behind skips
 * the chunk's lines and is told how many once it has caught up.
 */
static void
logf_sub_chunk(struct logsub *s, const char *p, size_t len)
{
	struct logbuf	 b = { NULL, 0, 0 };
	const char	*end = p + len, *q, *nl, *last;
	size_t		 seg, room, n;
	bool		 lag;
	cJSON		*m;
	char		 note[96];

	if (ipc_gone(s->client))
		return;
	lag = ipc_pending(s->client) > LOGF_FOLLOW_WQ;
	if (!lag && s->skipped > 0) {
		m = cJSON_CreateObject();
		snprintf(note, sizeof note, "[opm: %lu lines skipped: the "
		    "reader was too slow]", s->skipped);
		cJSON_AddStringToObject(m, PROTO_EVENT, PROTO_EVENT_NOTICE);
		cJSON_AddStringToObject(m, PROTO_EV_TEXT, note);
		ipc_send(s->client, m);
		cJSON_Delete(m);
		s->skipped = 0;
	}
	if (!lag)
		logf_buf_room(&b, len + len / 4 + 256);
	for (q = p; q < end; q = nl + 1) {
		if (s->batch && !lag && s->plen == 0 && !s->discard &&
		    (last = memrchr(q, '\n', end - q)) != NULL &&
		    last - q < LOGF_LINE_MAX) {
			/*
			 * Whole lines, none of them cut: escaped in one go,
			 * their newlines with them.
			 */
			if (b.len == 0)
				logf_buf_head(&b, s, PROTO_EVENT_LINES,
				    PROTO_EV_TEXT);
			logf_buf_esc(&b, q, last + 1 - q);
			nl = last;
			continue;
		}
		nl = memchr(q, '\n', end - q);
		seg = (nl ? nl : end) - q;
		if (nl != NULL && s->plen == 0 && !s->discard &&
		    seg <= LOGF_LINE_MAX) {
			/* A line within the chunk: no copy into part. */
			if (lag)
				s->skipped++;
			else
				logf_sub_line(s, &b, q, seg, false);
			continue;
		}
		if (!s->discard) {
			room = LOGF_LINE_MAX - s->plen;
			n = seg < room ? seg : room;
			memcpy(s->part + s->plen, q, n);
			s->plen += n;
			if (seg > room) {
				if (lag)
					s->skipped++;
				else
					logf_sub_line(s, &b, s->part, s->plen,
					    true);
				s->plen = 0;
				s->discard = true;
			}
		}
		if (nl == NULL)
			break;
		if (!s->discard) {
			if (lag)
				s->skipped++;
			else
				logf_sub_line(s, &b, s->part, s->plen, false);
		}
		s->plen = 0;
		s->discard = false;
	}
	if (b.len == 0) {
		free(b.p);
		return;
	}
	if (s->batch)
		logf_buf_add(&b, "\"}\n", 3);
	ipc_send_raw(s->client, b.p, b.len);
}

/*
 * Feeds written bytes to every follower (one write per chunk) and to opm
 * run's echo on our stdout/stderr (src/daemon/run.c).
 */
static void
logf_publish(struct logfile *lf, const char *p, size_t len)
{
	struct logsub	*s;

	if (lf->sinks != 0)
		logf_sink(lf, p, len);
	/* opm run echoes every app's output, once: not again where a
	 * stdout target has already written it. */
	if (run_echoing && !(lf->sinks & LOGSINK_STDOUT))
		run_echo(&lf->echo, lf->app, lf->stream, p, len);
	LIST_FOREACH(s, &lf->subs, entry)
		logf_sub_chunk(s, p, len);
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
logf_follow(struct logfile *lf, struct ipc_client *c, bool batch)
{
	struct logsub	*s = xcalloc(1, sizeof *s);

	s->client = c;
	s->batch = batch;
	s->lf = lf;
	s->part = xmalloc(LOGF_LINE_MAX + 1);
	if (lf->fd == -1 && logf_wake(lf) == 0) {
		logf_settle(lf);
		logf_doze(lf);
	}
	logf_settle(lf);
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
logf_follow_all(struct ipc_client *c, bool out, bool err, bool batch)
{
	struct logall	*a = xcalloc(1, sizeof *a);

	a->batch = batch;
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
			logf_follow(lf, a->client, a->batch);
	}
}

/* ISO 8601 UTC, or log_date_format in local time as PM2 writes it. */
static void
logf_stamp(const struct logfile *lf, const struct timeval *tv, char *buf,
    size_t len)
{
	struct tm	tm;
	size_t		n;

	if (lf->datefmt != NULL) {
		n = logfmt_format(lf->datefmt, tv, buf, len > 2 ? len - 2 : 0);
		snprintf(buf + n, len - n, ": ");
		return;
	}
	gmtime_r(&tv->tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(tv->tv_usec / 1000));
}

/*
 * p[0..n) with stamp before each line start (als: p starts one), into a
 * new buffer *out of *nout bytes. Returns whether it ends at a line start.
 */
static bool
logf_stamp_chunk(const char *p, size_t n, const char *stamp, bool als,
    char **out, size_t *nout)
{
	const char	*end = p + n, *nl;
	size_t		 slen = strlen(stamp), lines = 0, o = 0;
	char		*d;

	for (nl = p; (nl = memchr(nl, '\n', end - nl)) != NULL; nl++)
		lines++;
	d = xmalloc(n + (lines + 1) * slen + 1);
	while (p < end) {
		if (als) {
			memcpy(d + o, stamp, slen);
			o += slen;
		}
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			memcpy(d + o, p, end - p);
			o += end - p;
			als = false;
			break;
		}
		memcpy(d + o, p, nl + 1 - p);
		o += nl + 1 - p;
		als = true;
		p = nl + 1;
	}
	*out = d;
	*nout = o;
	return (als);
}

/*
 * Peek and read-back buffers. Both are used on the loop only (a move in
 * the pool has its own), and the loop serves one pipe at a time.
 */
static char	logf_pbuf[LOGF_CHUNK];
static char	logf_rbuf[LOGF_CHUNK];

/*
 * Copies up to len bytes at the head of lp's pipe into buf without taking
 * them (tee(2) into a scratch pipe, read back). 0 at EOF, -1 with errno
 * (EAGAIN: nothing there).
 */
static ssize_t
logf_peek(struct logpipe *lp, char *buf, size_t len)
{
	ssize_t	t, r;
	size_t	got = 0;

	if ((t = tee(lp->fd, logf_scratch[1], len, SPLICE_F_NONBLOCK)) <= 0)
		return (t);
	while (got < (size_t)t) {
		r = read(logf_scratch[0], buf + got, (size_t)t - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			fatal("%s: scratch pipe", __func__);
		got += (size_t)r;
	}
	return (t);
}

/*
 * How many of the n peeked bytes p to move next so that a file crossing
 * max_size ends at the end of the line that crosses it (stamps of slen
 * bytes counted where a line starts).
 */
static size_t
logf_take(const struct logfile *lf, bool als, const char *p, size_t n,
    size_t slen)
{
	const char	*end = p + n, *q = p, *nl;
	uint64_t	 room, out = 0;

	room = lf->max_size > lf->size ? lf->max_size - lf->size : 0;
	while (q < end) {
		nl = memchr(q, '\n', end - q);
		out += (als ? slen : 0) + (size_t)((nl ? nl + 1 : end) - q);
		if (nl == NULL)
			break;
		q = nl + 1;
		als = true;
		if (out >= room)
			return (q - p);
	}
	return (n);
}

/*
 * The log_file of an app, which gets both streams: a copy of what went to
 * its own file. Rotated at a chunk boundary; a failed write loses the
 * copy, never the stream file (warned once).
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
		r = pwrite(all->fd, p, len, (off_t)all->size);
		if (r == -1 && errno == EINTR)
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

/* Bytes p[0..len), now in lf's file, to followers, targets and log_file. */
static void
logf_landed(struct logfile *lf, const char *p, size_t len)
{
	const char	*nl;

	if (len == 0)
		return;
	logf_settle(lf);
	logf_publish(lf, p, len);
	if (lf->also != NULL)
		logf_copy(lf->also, p, len);
	if (p[len - 1] == '\n')
		lf->partial = 0;
	else {
		nl = memrchr(p, '\n', len);
		lf->partial = nl ? (uint64_t)(p + len - nl - 1) :
		    lf->partial + len;
	}
}

/* Whether anything but the file must see lf's bytes. */
static bool
logf_watched(const struct logfile *lf)
{
	return (!LIST_EMPTY(&lf->subs) || lf->sinks != 0 ||
	    lf->also != NULL || run_echoing);
}

/* Notes the pending STAMP op of lp in the ledger, before its splice. */
static void
logf_note(struct logpipe *lp, const struct timeval *tv)
{
	struct logledger_slot	*sl = lp->slot;
	struct logop		*op = &lp->op;

	if (sl == NULL || lp->lf->discard)
		return;
	sl->off = op->off;
	sl->spool = op->spool;
	sl->max = (uint32_t)op->max;
	sl->moved = -1;
	sl->sec = tv->tv_sec;
	sl->usec = (uint32_t)tv->tv_usec;
	sl->dev = lp->lf->dev;
	sl->ino = lp->lf->ino;
	sl->als = lp->at_line_start;
	sl->pending = 1;
}

/*
 * Plans lp's next move into lp->op: 1 when there is one, 0 when the pipe
 * has nothing now, -1 at EOF, -2 on an error (errno). A timestamped chunk
 * moves into the spool here, on the loop, so that the spool's end is
 * always the end of the last chunk spliced into it (what a successor
 * reads back when this daemon was killed before noting how much moved).
 */
static int
logf_plan(struct logpipe *lp)
{
	struct logfile	*lf = lp->lf;
	struct logop	*op = &lp->op;
	struct timeval	 tv;
	loff_t		 at;
	ssize_t		 t;
	size_t		 slen = 0;

	if (lf->timestamps)
		logf_settle_pipe(lp);
	/* The line state only where it decides something: no read-back. */
	if (!lf->discard && lf->size >= lf->max_size) {
		logf_settle(lf);
		if (lf->partial == 0 || lf->partial >= lf->max_size)
			logf_rotate(lf);
	}
	memset(op, 0, sizeof *op);
	op->kind = LOGOP_SPLICE;
	op->pfd = lp->fd;
	op->fd = lf->discard ? logf_null : lf->fd;
	op->seek = !lf->discard;
	op->off = lf->size;
	op->max = lf->timestamps || lp->big ? LOGF_CHUNK : LOGF_PIECE;
	if (lf->timestamps) {
		gettimeofday(&tv, NULL);
		logf_stamp(lf, &tv, op->stamp, sizeof op->stamp);
		slen = strlen(op->stamp);
	}
	if (lf->discard) {
		/* No file to read back from: what must be seen is peeked. */
		if (logf_watched(lf)) {
			if ((t = logf_peek(lp, logf_pbuf, LOGF_CHUNK)) <= 0)
				return (t == 0 ? -1 : errno == EAGAIN ? 0 : -2);
			op->max = (size_t)t;
			op->peeked = true;
		}
		return (1);
	}
	if (lf->size + (uint64_t)LOGF_CHUNK * (slen + 1) > lf->max_size) {
		/* Near the limit: where does the crossing line end? */
		if ((t = logf_peek(lp, logf_pbuf, LOGF_CHUNK)) <= 0)
			return (t == 0 ? -1 : errno == EAGAIN ? 0 : -2);
		op->max = logf_take(lf, lp->at_line_start, logf_pbuf,
		    (size_t)t, slen);
	}
	if (!lf->timestamps)
		return (1);

	op->kind = LOGOP_STAMP;
	op->als = lp->at_line_start;
	if (logf_spool_users == 0 && logf_spool_next >= LOGF_SPOOL_RESET &&
	    ftruncate(logf_spool, 0) == 0)
		logf_spool_next = 0;
	op->spool = logf_spool_next;
	logf_note(lp, &tv);
	at = (loff_t)op->spool;
	t = splice(lp->fd, NULL, logf_spool, &at, op->max,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (t <= 0) {
		if (lp->slot != NULL)
			lp->slot->pending = 0;
		return (t == 0 ? -1 : errno == EAGAIN ? 0 : -2);
	}
	if (lp->slot != NULL)
		lp->slot->moved = (int32_t)t;
	op->n = (size_t)t;
	logf_spool_next += (uint64_t)t;
	logf_spool_users++;
	lp->pending = true;
	return (1);
}

/* Carries out op's system calls (on the loop or in the thread pool). */
static void
logf_run(struct logop *op)
{
	loff_t	at = (loff_t)op->off;
	ssize_t	r;
	size_t	done = 0;
	char	*raw;

	op->err = 0;
	if (op->kind == LOGOP_SPLICE) {
		op->r = splice(op->pfd, NULL, op->fd, op->seek ? &at : NULL,
		    op->max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (op->r == -1)
			op->err = errno;
		return;
	}
	if (op->out == NULL) {
		raw = xmalloc(op->n);
		while (done < op->n) {
			r = pread(logf_spool, raw + done, op->n - done,
			    (off_t)(op->spool + done));
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0) {
				op->err = r == 0 ? EIO : errno;
				free(raw);
				op->r = -1;
				return;
			}
			done += (size_t)r;
		}
		op->als_after = logf_stamp_chunk(raw, op->n, op->stamp,
		    op->als, &op->out, &op->nout);
		free(raw);
	}
	for (done = 0; done < op->nout; ) {
		r = pwrite(op->fd, op->out + done, op->nout - done,
		    (off_t)(op->off + done));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			op->err = r == 0 ? ENOSPC : errno;
			break;
		}
		done += (size_t)r;
	}
	op->r = (ssize_t)done;
}

static void	logf_pipe_close(struct logpipe *);
static void	logf_release(struct logfile *);
static void	logf_poll_cb(uv_poll_t *, int, int);

/* Starts or stops watching lp's pipe, as its state says. */
static void
logf_pipe_update(struct logpipe *lp)
{
	if (lp->closing)
		return;
	if (!logf_quiescing && !lp->queued && !lp->inflight)
		uv_poll_start(&lp->poll, UV_READABLE, logf_poll_cb);
	else
		uv_poll_stop(&lp->poll);
}

/* lp waits for its file (busy in the pool, or blocked). */
static void
logf_wait(struct logpipe *lp)
{
	if (!lp->queued) {
		lp->queued = true;
		TAILQ_INSERT_TAIL(&lp->lf->queue, lp, entry);
	}
	logf_pipe_update(lp);
}

static void
logf_retry_cb(uv_timer_t *t)
{
	struct logfile	*lf = t->data;

	lf->blocked = false;
	logf_release(lf);
	logf_doze(lf);
}

/* A move into lf failed: its pipes wait, and try again in a second. */
static void
logf_block(struct logfile *lf, int err)
{
	if (!lf->warned)
		log_warnx("%s: write: %s; retrying every second", lf->path,
		    strerror(err));
	lf->warned = true;
	lf->blocked = true;
	if (lf->retry == NULL) {
		lf->retry = xcalloc(1, sizeof *lf->retry);
		uv_timer_init(logf_loop, lf->retry);
		lf->retry->data = lf;
	}
	uv_timer_start(lf->retry, logf_retry_cb, 1000, 0);
}

/* The pipes waiting for lf go on, in their order, unless it is busy. */
static void
logf_release(struct logfile *lf)
{
	TAILQ_HEAD(, logpipe)	 q = TAILQ_HEAD_INITIALIZER(q);
	struct logpipe		*lp;

	if (lf->busy || lf->blocked || logf_quiescing)
		return;
	TAILQ_CONCAT(&q, &lf->queue, entry);
	while ((lp = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, lp, entry);
		lp->queued = false;
		if (lf->busy || lf->blocked)
			logf_wait(lp);
		else if (lp->pending)
			logf_pump(lp);	/* its chunk is in the spool */
		else
			logf_pipe_update(lp);
	}
}

/*
 * Takes in the outcome of lp's move, on the loop: sizes, the partial line,
 * whatever must see the bytes, the ledger; EOF closes the pipe, a failure
 * blocks the file.
 */
static void
logf_done(struct logpipe *lp)
{
	struct logfile	*lf = lp->lf;
	struct logop	*op = &lp->op;
	char		*out;
	size_t		 nout;
	bool		 als;

	if (op->kind == LOGOP_STAMP) {
		if (op->r < (ssize_t)op->nout || op->out == NULL) {
			logf_block(lf, op->err);
			logf_wait(lp);
			return;
		}
		if (lf->warned)
			log_info("%s: writing again", lf->path);
		lf->warned = false;
		if (op->off + op->nout > lf->size)
			lf->size = op->off + op->nout;
		logf_landed(lf, op->out, op->nout);
		lp->at_line_start = op->als_after;
		if (lp->slot != NULL) {
			lp->slot->als = lp->at_line_start;
			lp->slot->pending = 0;
		}
		free(op->out);
		op->out = NULL;
		lp->pending = false;
		logf_spool_users--;
		return;
	}
	/* 0: EOF; EBADF, EINVAL: not a pipe we can read. */
	if (op->r == 0 || (op->r == -1 && (op->err == EBADF ||
	    op->err == EINVAL))) {
		logf_pipe_close(lp);
		return;
	}
	if (op->r == -1) {
		if (op->err != EAGAIN && op->err != EINTR) {
			logf_block(lf, op->err);
			logf_wait(lp);
		}
		return;
	}
	if (lf->warned)
		log_info("%s: writing again", lf->path);
	lf->warned = false;
	if (lf->discard) {
		if (op->peeked) {
			/* The peeked bytes, as they would have been written. */
			if (lf->timestamps) {
				als = logf_stamp_chunk(logf_pbuf, (size_t)op->r,
				    op->stamp, lp->at_line_start, &out, &nout);
				logf_landed(lf, out, nout);
				free(out);
			} else {
				als = logf_pbuf[op->r - 1] == '\n';
				logf_landed(lf, logf_pbuf, (size_t)op->r);
			}
			lp->at_line_start = als;
		}
		return;
	}
	if (logf_watched(lf) && pread(lf->fd, logf_rbuf, (size_t)op->r,
	    (off_t)op->off) == op->r) {
		logf_settle(lf);
		lf->size = op->off + (uint64_t)op->r;
		logf_landed(lf, logf_rbuf, (size_t)op->r);
		lp->at_line_start = logf_rbuf[op->r - 1] == '\n';
		lp->als_unknown = false;
		if (lp->slot != NULL)
			lp->slot->als = lp->at_line_start;
		return;
	}
	/* Nobody looks: no system call but the splice (logf_settle). */
	if (!lf->unknown) {
		lf->unknown = true;
		lf->tail_from = op->off;
	}
	lf->size = op->off + (uint64_t)op->r;
	lp->als_unknown = true;
	lp->last_end = lf->size;
	lp->gen = lf->gen;
}

static void
logf_work_cb(uv_work_t *w)
{
	struct logpipe	*lp = w->data;

	logf_run(&lp->op);
}

static void
logf_after_cb(uv_work_t *w, int status)
{
	struct logpipe	*lp = w->data;
	struct logfile	*lf = lp->lf;

	(void)status;
	lp->inflight = false;
	lf->busy = false;
	logf_inflight--;
	logf_done(lp);
	logf_pipe_update(lp);
	logf_release(lf);
	logf_doze(lf);
	logf_unref(lf);
	if (logf_quiescing)
		logf_check_quiet();
}

/*
 * One move of lp's bytes into its file, at once unless the file is slow
 * (then in the pool) or taken (then lp waits its turn).
 */
static void
logf_pump(struct logpipe *lp)
{
	struct logfile	*lf = lp->lf;
	struct logop	*op = &lp->op;
	uint64_t	 t0;
	int		 r;

	if (lp->closing)
		return;
	if (lf->busy || lf->blocked) {
		logf_wait(lp);
		return;
	}
	if (!lp->pending) {
		if ((r = logf_plan(lp)) == 0)
			return;
		if (r == -1) {
			logf_pipe_close(lp);
			return;
		}
		if (r == -2) {
			logf_block(lf, errno);
			logf_wait(lp);
			return;
		}
	}
	if (!lf->discard && uv_now(logf_loop) < lf->async_until) {
		lp->inflight = true;
		lf->busy = true;
		logf_inflight++;
		logf_ref(lf);		/* held while the move is in flight */
		logf_pipe_update(lp);
		op->work.data = lp;
		uv_queue_work(logf_loop, &op->work, logf_work_cb,
		    logf_after_cb);
		return;
	}
	if (logf_delay_ms > 0 && op->kind == LOGOP_STAMP && op->out == NULL)
		usleep(logf_delay_ms * 1000);
	t0 = uv_hrtime();
	logf_run(op);
	if (!lf->discard && uv_hrtime() - t0 > LOGF_SLOW_NS) {
		lf->async_until = uv_now(logf_loop) + LOGF_SLOW_MS;
		log_warnx("%s: a write took %llu ms; writing through the "
		    "thread pool for a while", lf->path,
		    (unsigned long long)(uv_hrtime() - t0) / 1000000);
	}
	logf_done(lp);
}

/*
 * A wake-up moves up to LOGF_BURST pieces of LOGF_PIECE bytes (of
 * LOGF_CHUNK once the pipe has grown) while the pipe has them: each splice frees room the app fills while the next one
 * writes, as a read() then write() did (one splice of the whole pipe left
 * the app blocked for the length of the file write, then woke it and the
 * daemon in turn: twice the context switches).
 */
static void
logf_poll_cb(uv_poll_t *h, int status, int events)
{
	struct logpipe	*lp = h->data;
	size_t		 moved = 0;
	int		 i;

	(void)status;
	(void)events;
	for (i = 0; i < LOGF_BURST; i++) {
		logf_pump(lp);
		if (lp->closing || lp->queued || lp->inflight ||
		    lp->pending || logf_quiescing || lp->op.r <= 0)
			break;
		moved += lp->op.kind == LOGOP_STAMP ? lp->op.n :
		    (size_t)lp->op.r;
	}
	/*
	 * A full pipe's worth in one wake-up: the app writes faster than
	 * a pipe of the default 64 KiB lets it, and each wake-up moves
	 * little. A larger pipe lets it write on while we move, in pieces
	 * as large as the stamped ones. The pipes of a user share a quota
	 * (fs.pipe-user-pages-soft: new pipes get 8 KiB past it), so only
	 * LOGF_PIPE_BIGS grow; a refusal is no error.
	 */
	if (moved >= 65536 && !lp->grown && !lp->closing &&
	    logf_bigs < LOGF_PIPE_BIGS) {
		lp->grown = true;
		if (fcntl(lp->fd, F_SETPIPE_SZ, LOGF_PIPE_BIG) != -1) {
			lp->big = true;
			logf_bigs++;
		}
	}
}

static void
logf_pipe_close_cb(uv_handle_t *h)
{
	struct logpipe	*lp = h->data;

	LIST_REMOVE(lp, all);
	if (lp->big)
		logf_bigs--;
	keeper_drop(lp->serial);
	close(lp->fd);
	logledger_release(lp->slot);
	logf_activate(lp->lf, -1);
	logf_unref(lp->lf);
	free(lp);
}

/* EOF: ends a partial line, then closes the pipe. */
static void
logf_pipe_close(struct logpipe *lp)
{
	struct logfile	*lf = lp->lf;

	if (lp->closing)
		return;
	logf_settle_pipe(lp);
	if (!lp->at_line_start) {
		if (lf->discard || pwrite(lf->fd, "\n", 1,
		    (off_t)lf->size) == 1) {
			if (!lf->discard)
				lf->size++;
			logf_landed(lf, "\n", 1);
		}
		lp->at_line_start = true;
	}
	lp->closing = true;
	uv_poll_stop(&lp->poll);
	uv_close((uv_handle_t *)&lp->poll, logf_pipe_close_cb);
	if (logf_quiescing)
		logf_check_quiet();
}

/*
 * A stamped chunk a killed daemon left in the spool (the ledger's slot of
 * lp): written again, whole, where it was going, or at the file's end
 * when that file is gone; anything past it was a half-written copy of it.
 */
static void
logf_recover(struct logpipe *lp)
{
	struct logledger_slot	*sl = lp->slot;
	struct logfile		*lf = lp->lf;
	struct logop		*op = &lp->op;
	struct timeval		 tv;
	struct stat		 st;
	uint64_t		 n;

	memset(op, 0, sizeof *op);
	op->kind = LOGOP_STAMP;
	op->pfd = lp->fd;
	op->spool = sl->spool;
	if (sl->moved >= 0)
		n = (uint64_t)sl->moved;
	else {
		/* Killed before it noted how much moved: the spool's end. */
		n = fstat(logf_spool, &st) == 0 &&
		    (uint64_t)st.st_size > sl->spool ?
		    (uint64_t)st.st_size - sl->spool : 0;
		if (n > sl->max)
			n = sl->max;
	}
	lp->at_line_start = sl->als;
	if (n == 0 || lf->discard) {
		sl->pending = 0;
		return;
	}
	op->n = (size_t)n;
	op->als = sl->als;
	tv.tv_sec = (time_t)sl->sec;
	tv.tv_usec = (suseconds_t)sl->usec;
	logf_stamp(lf, &tv, op->stamp, sizeof op->stamp);
	op->fd = lf->fd;
	op->seek = true;
	op->off = lf->size;
	if (sl->dev == (uint64_t)lf->dev && sl->ino == (uint64_t)lf->ino &&
	    sl->off <= lf->size)
		op->off = sl->off;
	lp->pending = true;
	logf_spool_users++;
	logf_run(op);
	if (op->r == (ssize_t)op->nout && op->off + op->nout < lf->size &&
	    ftruncate(lf->fd, (off_t)(op->off + op->nout)) == 0)
		lf->size = op->off + op->nout;
	log_info("%s: a stamped chunk of %zu bytes a killed daemon left "
	    "unwritten, written", lf->path, op->n);
	logf_done(lp);
}

/* Starts moving fd (a pipe's read end) into lf. */
static struct logpipe *
logf_attach(struct logfile *lf, int fd, uint64_t serial, bool als,
    bool adopt)
{
	struct logpipe	*lp;
	bool		 found;

	if (logf_activate(lf, 1) == -1)
		return (NULL);
	lp = xcalloc(1, sizeof *lp);
	lp->lf = lf;
	lp->fd = fd;
	lp->serial = serial;
	lp->at_line_start = als;
	if (serial >= logf_serial)
		logf_serial = serial + 1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (uv_poll_init(logf_loop, &lp->poll, fd) != 0) {
		free(lp);
		logf_activate(lf, -1);
		errno = EIO;
		return (NULL);
	}
	logf_ref(lf);
	LIST_INSERT_HEAD(&logf_pipes, lp, all);
	lp->poll.data = lp;
	lp->slot = logledger_claim(serial, adopt, &found);
	if (found && lp->slot->pending)
		logf_recover(lp);
	else if (found)
		lp->at_line_start = lp->slot->als;
	else if (lp->slot != NULL)
		lp->slot->als = als;
	logf_pipe_update(lp);
	return (lp);
}

int
logf_capture(struct logfile *lf)
{
	struct logpipe	*lp;
	int		 fds[2], e;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return (-1);
	if ((lp = logf_attach(lf, fds[0], logf_serial++, true,
	    false)) == NULL) {
		/* The file could not open (EMFILE: a lack, retried). */
		e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return (-1);
	}
	keeper_hold(lp->serial, lf->path, true, fds[0]);
	return (fds[1]);
}

void
logf_adopt(struct logfile *lf, int fd, uint64_t serial, bool als)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (logf_attach(lf, fd, serial, als, true) == NULL) {
		close(fd);
		keeper_drop(serial);
	}
}

void
logf_rehold(void)
{
	struct logpipe	*lp;

	LIST_FOREACH(lp, &logf_pipes, all) {
		logf_settle_pipe(lp);
		keeper_hold(lp->serial, lp->lf->path, lp->at_line_start,
		    lp->fd);
	}
}

static void
logf_check_quiet(void)
{
	void	(*cb)(void);

	if (logf_inflight > 0 || logf_quiet_cb == NULL)
		return;
	cb = logf_quiet_cb;
	logf_quiet_cb = NULL;
	cb();
}

void
logf_quiesce(void (*cb)(void))
{
	struct logpipe	*lp;

	logf_quiescing = true;
	logf_quiet_cb = cb;
	/* A chunk left in the spool is the next daemon's (logf_recover). */
	LIST_FOREACH(lp, &logf_pipes, all)
		logf_pipe_update(lp);
	logf_check_quiet();
}

void
logf_resume(void)
{
	struct logpipe	*lp, *next;

	logf_quiescing = false;
	LIST_FOREACH_SAFE(lp, &logf_pipes, all, next) {
		if (!lp->queued)
			logf_pipe_update(lp);
	}
	LIST_FOREACH_SAFE(lp, &logf_pipes, all, next) {
		if (lp->queued)
			logf_release(lp->lf);
	}
}

cJSON *
logf_handover(void)
{
	struct logpipe	*lp;
	cJSON		*arr = cJSON_CreateArray(), *o;

	LIST_FOREACH(lp, &logf_pipes, all) {
		if (lp->closing)
			continue;
		/* Keep the descriptor open across exec. */
		fcntl(lp->fd, F_SETFD, 0);
		logf_settle_pipe(lp);
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "fd", lp->fd);
		cJSON_AddNumberToObject(o, "serial", (double)lp->serial);
		cJSON_AddBoolToObject(o, "als", lp->at_line_start);
		cJSON_AddStringToObject(o, "path", lp->lf->path);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}
