/*
 * App log capture. Each spawn gets fresh pipes; their read ends are drained
 * by the loop and appended to the app's file. A pipe lives until EOF, so
 * output from grandchildren that outlive a restart still lands, in order,
 * in the same file. With timestamps on, each line gets an ISO 8601 UTC
 * prefix taken when its first byte was read; a partial line is written as
 * it arrives and completed by the next read, never dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logf.h"
#include "xmem.h"

struct logfile {
	char		*path;
	int		 fd;
	int		 refs;
	bool		 timestamps;
};

struct logpipe {
	uv_pipe_t	 pipe;
	struct logfile	*lf;
	bool		 at_line_start;
	char		 buf[65536];
};

static uv_loop_t	*logf_loop;

void
logf_init(uv_loop_t *loop)
{
	logf_loop = loop;
}

struct logfile *
logf_open(const char *path, bool timestamps)
{
	struct logfile	*lf;
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1)
		return (NULL);
	lf = xcalloc(1, sizeof *lf);
	lf->path = xstrdup(path);
	lf->fd = fd;
	lf->refs = 1;
	lf->timestamps = timestamps;
	return (lf);
}

void
logf_ref(struct logfile *lf)
{
	lf->refs++;
}

void
logf_unref(struct logfile *lf)
{
	if (--lf->refs > 0)
		return;
	close(lf->fd);
	free(lf->path);
	free(lf);
}

const char *
logf_path(const struct logfile *lf)
{
	return (lf->path);
}

void
logf_set_timestamps(struct logfile *lf, bool on)
{
	lf->timestamps = on;
}

static void
logf_write(struct logfile *lf, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(lf->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("%s: %s", __func__, lf->path);
			return;
		}
		p += n;
		len -= n;
	}
}

static void
logf_stamp(char *buf, size_t len)
{
	struct timeval	tv;
	struct tm	tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

static void
logf_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct logpipe	*lp = h->data;

	(void)hint;
	*buf = uv_buf_init(lp->buf, sizeof lp->buf);
}

static void
logf_close_cb(uv_handle_t *h)
{
	struct logpipe	*lp = h->data;

	logf_unref(lp->lf);
	free(lp);
}

static void
logf_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct logpipe	*lp = s->data;
	struct logfile	*lf = lp->lf;
	const char	*p = buf->base, *end, *nl;
	char		 stamp[64];

	if (n < 0) {
		uv_close((uv_handle_t *)s, logf_close_cb);
		return;
	}
	if (!lf->timestamps) {
		logf_write(lf, p, n);
		return;
	}
	end = p + n;
	while (p < end) {
		if (lp->at_line_start) {
			logf_stamp(stamp, sizeof stamp);
			logf_write(lf, stamp, strlen(stamp));
		}
		nl = memchr(p, '\n', end - p);
		if (nl == NULL) {
			logf_write(lf, p, end - p);
			lp->at_line_start = false;
			break;
		}
		logf_write(lf, p, nl + 1 - p);
		lp->at_line_start = true;
		p = nl + 1;
	}
}

int
logf_capture(struct logfile *lf)
{
	struct logpipe	*lp;
	int		 fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1)
		return (-1);
	lp = xcalloc(1, sizeof *lp);
	lp->lf = lf;
	lp->at_line_start = true;
	logf_ref(lf);
	uv_pipe_init(logf_loop, &lp->pipe, 0);
	lp->pipe.data = lp;
	if (uv_pipe_open(&lp->pipe, fds[0]) != 0 ||
	    uv_read_start((uv_stream_t *)&lp->pipe, logf_alloc_cb,
	    logf_read_cb) != 0) {
		uv_close((uv_handle_t *)&lp->pipe, logf_close_cb);
		close(fds[1]);
		errno = EIO;
		return (-1);
	}
	return (fds[1]);
}
