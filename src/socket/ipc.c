/*
 * Control socket server. Each connection reads newline-delimited JSON
 * requests into a bounded buffer; a line longer than PROTO_LINE_MAX, invalid
 * JSON or a peer with another uid gets one error line and is closed, and
 * nothing a client sends can block the loop for others. A client is freed
 * only when it is closed and no request still holds a reference to it
 * (redis's freeClientAsync idea), so deferred replies never touch freed
 * memory.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "json.h"
#include "log.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

#define IPC_CLIENTS_MAX	8192			/* connections at once */
#define IPC_BUF_TOTAL	(64 * 1024 * 1024)	/* all partial requests */
#define IPC_TRIM_BYTES	(1024 * 1024)	/* replies that trim the heap */

/* The error for a line over PROTO_LINE_MAX, naming it. */
#define IPC_TOO_LONG	"request line too long (limit 1 MiB)"
_Static_assert(PROTO_LINE_MAX == 1024 * 1024, "IPC_TOO_LONG names the limit");
#define IPC_WQ_MAX	(4 * 1024 * 1024)	/* queued replies per client */
/*
 * Replies queued and not yet written, all clients together: a client
 * that does not read would otherwise keep IPC_WQ_MAX (plus one reply),
 * and 100 of them half a GiB. Over it, the client holding the most
 * unread output is dropped.
 */
#define IPC_OUT_TOTAL	(32 * 1024 * 1024)

struct ipc_client {
	uv_pipe_t		 pipe;
	char			*buf;
	size_t			 len;
	size_t			 cap;
	int			 refs;
	int			 nwrites;	/* uv_write requests in flight */
	size_t			 queued;	/* bytes of those */
	bool			 closing;
	bool			 closed;
	bool			 close_after_write;
	struct ipc_close_cb	*close_cbs;
	LIST_ENTRY(ipc_client)	 entry;
};

struct ipc_close_cb {
	void			(*cb)(struct ipc_client *, void *);
	void			*arg;
	struct ipc_close_cb	*next;
};

struct ipc_write {
	uv_write_t		 req;
	struct ipc_client	*client;
	char			*line;
	size_t			 len;
};

static uv_pipe_t	 ipc_server;
static bool		 ipc_listening;
static ipc_request_cb	 ipc_cb;
static size_t		 ipc_buffered;
static size_t		 ipc_out;	/* bytes of reply lines not freed */
static int		 ipc_nclients;
static LIST_HEAD(, ipc_client) ipc_clients = LIST_HEAD_INITIALIZER(ipc_clients);

static void	ipc_close(struct ipc_client *);

static void
ipc_free_buf(struct ipc_client *c)
{
	ipc_buffered -= c->cap;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

static void
ipc_maybe_free(struct ipc_client *c)
{
	if (c->closed && c->refs == 0)
		free(c);
}

static void
ipc_closed_cb(uv_handle_t *h)
{
	struct ipc_client	*c = h->data;

	c->closed = true;
	ipc_maybe_free(c);
}

static void
ipc_close(struct ipc_client *c)
{
	struct ipc_close_cb	*cc;

	if (c->closing)
		return;
	c->closing = true;
	LIST_REMOVE(c, entry);
	ipc_nclients--;
	ipc_free_buf(c);
	while ((cc = c->close_cbs) != NULL) {
		c->close_cbs = cc->next;
		cc->cb(c, cc->arg);
		free(cc);
	}
	uv_close((uv_handle_t *)&c->pipe, ipc_closed_cb);
}

void
ipc_ref(struct ipc_client *c)
{
	c->refs++;
}

void
ipc_unref(struct ipc_client *c)
{
	if (--c->refs == 0)
		ipc_maybe_free(c);
}

bool
ipc_gone(const struct ipc_client *c)
{
	return (c->closing);
}

int
ipc_count(void)
{
	return (ipc_nclients);
}

void
ipc_add_close_cb(struct ipc_client *c, void (*cb)(struct ipc_client *,
    void *), void *arg)
{
	struct ipc_close_cb	*cc = xcalloc(1, sizeof *cc);

	cc->cb = cb;
	cc->arg = arg;
	cc->next = c->close_cbs;
	c->close_cbs = cc;
}

void
ipc_remove_close_cb(struct ipc_client *c, void (*cb)(struct ipc_client *,
    void *), void *arg)
{
	struct ipc_close_cb	**pp, *cc;

	for (pp = &c->close_cbs; (cc = *pp) != NULL; pp = &cc->next) {
		if (cc->cb == cb && cc->arg == arg) {
			*pp = cc->next;
			free(cc);
			return;
		}
	}
}

size_t
ipc_pending(const struct ipc_client *c)
{
	return (uv_stream_get_write_queue_size((const uv_stream_t *)&c->pipe));
}

static void
ipc_write_cb(uv_write_t *req, int status)
{
	struct ipc_write	*w = (struct ipc_write *)req;
	struct ipc_client	*c = w->client;

	c->queued -= w->len;
	ipc_out -= w->len;
	free(w->line);
	/*
	 * A reply this big was built from a tree of some 50 bytes a node
	 * (a list of 10,000 apps: 300,000 nodes, 46 MB), freed by now but
	 * kept by malloc, scattered between what lives on: given back.
	 */
	if (w->len >= IPC_TRIM_BYTES)
		malloc_trim(0);
	free(w);
	c->nwrites--;
	if (status < 0 && !c->closing)
		ipc_close(c);
	else if (!c->closing && c->close_after_write &&
	    uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) == 0)
		ipc_close(c);
	ipc_unref(c);
}

/*
 * Makes room for len more bytes of output within IPC_OUT_TOTAL by dropping
 * the clients holding the most unread output, or c itself when the rest
 * is held by clients already closed (their writes are cancelled, and the
 * memory freed, only at the end of this turn of the loop). A reply alone
 * larger than the budget goes out when nothing else is held. false when
 * c was dropped.
 */
static bool
ipc_out_room(struct ipc_client *c, size_t len)
{
	struct ipc_client	*big, *e;

	while (ipc_out + len > IPC_OUT_TOTAL) {
		big = NULL;
		LIST_FOREACH(e, &ipc_clients, entry) {
			if (e->queued > 0 && (big == NULL ||
			    e->queued > big->queued))
				big = e;
		}
		if (big == NULL && ipc_out == 0)
			break;
		if (big == NULL) {
			log_warnx("%s: replies of all clients over %d MiB, "
			    "held by clients being dropped: dropped one more",
			    __func__, IPC_OUT_TOTAL >> 20);
			big = c;
		} else
			log_warnx("%s: replies of all clients over %d MiB: "
			    "dropped the client with the most unread (%zu "
			    "bytes)", __func__, IPC_OUT_TOTAL >> 20,
			    big->queued);
		ipc_close(big);
		if (big == c)
			return (false);
	}
	return (true);
}

static void
ipc_write_line(struct ipc_client *c, char *line, size_t len)
{
	struct ipc_write	*w;
	uv_buf_t		 b;

	if (c->closing) {
		free(line);
		return;
	}
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) >
	    IPC_WQ_MAX) {
		log_warnx("%s: client reads too slowly, dropped", __func__);
		free(line);
		ipc_close(c);
		return;
	}
	if (!ipc_out_room(c, len)) {
		free(line);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->client = c;
	w->line = line;
	w->len = len;
	b = uv_buf_init(line, len);
	ipc_ref(c);
	c->nwrites++;
	c->queued += len;
	ipc_out += len;
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    ipc_write_cb) != 0) {
		c->nwrites--;
		c->queued -= len;
		ipc_out -= len;
		free(line);
		free(w);
		ipc_unref(c);
		ipc_close(c);
	}
}

void
ipc_send(struct ipc_client *c, const cJSON *msg)
{
	char	*line;
	size_t	 len;

	if (c->closing)
		return;
	if ((line = json_line(msg, &len)) == NULL) {
		log_warnx("%s: cannot print reply", __func__);
		return;
	}
	/* Never a line the CLI would refuse (OPM_APPS_BYTES_MAX prevents it). */
	if (len > PROTO_REPLY_MAX) {
		free(line);
		log_warnx("%s: reply of %zu bytes over the %d MiB limit",
		    __func__, len, PROTO_REPLY_MAX >> 20);
		ipc_send_error(c, cJSON_GetObjectItemCaseSensitive(msg, "id"),
		    "reply too large for the protocol (over 64 MiB): ask for "
		    "fewer apps", false);
		return;
	}
	ipc_write_line(c, line, len);
}

void
ipc_send_raw(struct ipc_client *c, char *buf, size_t len)
{
	ipc_write_line(c, buf, len);
}

int	ipc_proto_version = PROTO_VERSION;

cJSON *
ipc_reply_new(const cJSON *id, bool ok)
{
	cJSON	*r = cJSON_CreateObject();

	cJSON_AddNumberToObject(r, PROTO_V, ipc_proto_version);
	if (id != NULL && json_is_int(id, 0, PROTO_ID_MAX))
		cJSON_AddNumberToObject(r, PROTO_ID, id->valuedouble);
	else
		cJSON_AddNullToObject(r, PROTO_ID);
	cJSON_AddBoolToObject(r, PROTO_OK, ok);
	return (r);
}

void
ipc_send_error(struct ipc_client *c, const cJSON *id, const char *msg,
    bool fatal)
{
	cJSON	*r = ipc_reply_new(id, false);

	cJSON_AddStringToObject(r, PROTO_ERROR, msg);
	ipc_send(c, r);
	cJSON_Delete(r);
	if (fatal)
		ipc_close_after_write(c);
}

void
ipc_close_after_write(struct ipc_client *c)
{
	if (c->closing)
		return;
	c->close_after_write = true;
	uv_read_stop((uv_stream_t *)&c->pipe);
	/* Bytes already handed to the kernel need no wait. */
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) == 0)
		ipc_close(c);
}

/* One complete line: parse and hand to the daemon. */
static void
ipc_line(struct ipc_client *c, char *line, size_t len)
{
	cJSON	*req;
	char	 cause[128];

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	if ((req = json_parse(line, len, cause, sizeof cause)) == NULL) {
		ipc_send_error(c, NULL, cause, true);
		return;
	}
	if (!cJSON_IsObject(req)) {
		ipc_send_error(c, NULL, "request is not a JSON object", true);
		cJSON_Delete(req);
		return;
	}
	ipc_ref(c);
	ipc_cb(c, req);
	cJSON_Delete(req);
	ipc_unref(c);
}

static void
ipc_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct ipc_client	*c = h->data;
	size_t			 want;

	(void)hint;
	if (c->cap - c->len < 4096) {
		want = c->cap == 0 ? 4096 : c->cap * 2;
		if (want > PROTO_LINE_MAX + 4096)
			want = PROTO_LINE_MAX + 4096;
		if (want <= c->cap || ipc_buffered + (want - c->cap) >
		    IPC_BUF_TOTAL) {
			*buf = uv_buf_init(NULL, 0);
			return;
		}
		ipc_buffered += want - c->cap;
		c->buf = xreallocarray(c->buf, 1, want);
		c->cap = want;
	}
	*buf = uv_buf_init(c->buf + c->len, c->cap - c->len);
}

static void
ipc_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ipc_client	*c = s->data;
	char			*nl;
	size_t			 off = 0, linelen;

	(void)buf;
	if (n == UV_ENOBUFS) {
		ipc_send_error(c, NULL, c->len >= PROTO_LINE_MAX ?
		    IPC_TOO_LONG : "daemon busy: too much buffered input",
		    true);
		return;
	}
	if (n < 0) {
		ipc_close(c);
		return;
	}
	c->len += n;
	while (!c->closing && !c->close_after_write &&
	    (nl = memchr(c->buf + off, '\n', c->len - off)) != NULL) {
		linelen = nl - (c->buf + off);
		if (linelen > PROTO_LINE_MAX) {
			ipc_send_error(c, NULL, IPC_TOO_LONG, true);
			return;
		}
		ipc_line(c, c->buf + off, linelen);
		off += linelen + 1;
	}
	if (c->closing || c->buf == NULL)
		return;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	if (c->len > PROTO_LINE_MAX) {
		ipc_send_error(c, NULL, IPC_TOO_LONG, true);
		return;
	}
	/* Give back memory once a burst is over. */
	if (c->len == 0 && c->cap > 65536)
		ipc_free_buf(c);
}

static bool
ipc_peer_ok(struct ipc_client *c)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;
	uv_os_fd_t	fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0)
		return (false);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("%s: SO_PEERCRED", __func__);
		return (false);
	}
	if (cred.uid != geteuid() && cred.uid != 0) {
		log_warnx("%s: refused connection from uid %u pid %d",
		    __func__, (unsigned)cred.uid, (int)cred.pid);
		return (false);
	}
	return (true);
}

static void
ipc_connection_cb(uv_stream_t *server, int status)
{
	struct ipc_client	*c;

	if (status < 0) {
		log_warnx("%s: %s", __func__, uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof *c);
	uv_pipe_init(server->loop, &c->pipe, 0);
	c->pipe.data = c;
	LIST_INSERT_HEAD(&ipc_clients, c, entry);
	ipc_nclients++;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		ipc_close(c);
		return;
	}
	if (!ipc_peer_ok(c)) {
		ipc_send_error(c, NULL, "permission denied: not the daemon's "
		    "user", true);
		return;
	}
	if (ipc_nclients > IPC_CLIENTS_MAX) {
		ipc_send_error(c, NULL, "daemon busy: too many connections",
		    true);
		return;
	}
	uv_read_start((uv_stream_t *)&c->pipe, ipc_alloc_cb, ipc_read_cb);
}

int
ipc_listen(uv_loop_t *loop, const char *path, ipc_request_cb cb,
    const char **cause)
{
	mode_t	old;
	int	r;

	ipc_cb = cb;
	/* The caller holds the single-instance lock: a socket here is stale. */
	if (unlink(path) == -1 && errno != ENOENT) {
		*cause = "cannot remove the stale socket";
		return (-1);
	}
	uv_pipe_init(loop, &ipc_server, 0);
	old = umask(077);
	r = uv_pipe_bind(&ipc_server, path);
	umask(old);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&ipc_server, 511,
		    ipc_connection_cb);
	if (r != 0) {
		*cause = uv_strerror(r);
		uv_close((uv_handle_t *)&ipc_server, NULL);
		return (-1);
	}
	ipc_listening = true;
	return (0);
}

int
ipc_listen_fd(uv_loop_t *loop, int fd, ipc_request_cb cb, const char **cause)
{
	int	r;

	ipc_cb = cb;
	uv_pipe_init(loop, &ipc_server, 0);
	if ((r = uv_pipe_open(&ipc_server, fd)) == 0)
		r = uv_listen((uv_stream_t *)&ipc_server, 511,
		    ipc_connection_cb);
	if (r != 0) {
		*cause = uv_strerror(r);
		return (-1);
	}
	ipc_listening = true;
	return (0);
}

bool
ipc_writes_pending(void)
{
	struct ipc_client	*c;

	LIST_FOREACH(c, &ipc_clients, entry) {
		if (c->nwrites > 0)
			return (true);
	}
	return (false);
}

cJSON *
ipc_handover(void)
{
	struct ipc_client	*c, *next;
	cJSON			*arr = cJSON_CreateArray(), *o;
	uv_os_fd_t		 fd;
	char			*hex;
	size_t			 i;

	LIST_FOREACH_SAFE(c, &ipc_clients, entry, next) {
		/* A deferred reply or a follow stream cannot cross. */
		if (c->refs > 0 || c->close_cbs != NULL ||
		    c->close_after_write ||
		    uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0) {
			ipc_close(c);
			continue;
		}
		fcntl(fd, F_SETFD, 0);
		hex = xmalloc(c->len * 2 + 1);
		for (i = 0; i < c->len; i++)
			snprintf(hex + i * 2, 3, "%02x",
			    (unsigned char)c->buf[i]);
		hex[c->len * 2] = '\0';
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "fd", fd);
		cJSON_AddStringToObject(o, "buf", hex);
		cJSON_AddItemToArray(arr, o);
		free(hex);
	}
	return (arr);
}

void
ipc_adopt_client(uv_loop_t *loop, int fd, const char *hex)
{
	struct ipc_client	*c = xcalloc(1, sizeof *c);
	size_t			 n = hex != NULL ? strlen(hex) / 2 : 0, i;
	unsigned int		 byte;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	uv_pipe_init(loop, &c->pipe, 0);
	c->pipe.data = c;
	LIST_INSERT_HEAD(&ipc_clients, c, entry);
	ipc_nclients++;
	if (uv_pipe_open(&c->pipe, fd) != 0) {
		ipc_close(c);
		return;
	}
	if (n > 0 && n <= PROTO_LINE_MAX) {
		c->cap = n + 4096;
		c->buf = xmalloc(c->cap);
		ipc_buffered += c->cap;
		for (i = 0; i < n; i++) {
			if (sscanf(hex + i * 2, "%2x", &byte) != 1)
				break;
			c->buf[c->len++] = (char)byte;
		}
	}
	uv_read_start((uv_stream_t *)&c->pipe, ipc_alloc_cb, ipc_read_cb);
}

int
ipc_fileno(void)
{
	uv_os_fd_t	fd;

	if (!ipc_listening || uv_fileno((uv_handle_t *)&ipc_server, &fd) != 0)
		return (-1);
	return (fd);
}

void
ipc_shutdown(void)
{
	struct ipc_client	*c;

	if (ipc_listening) {
		uv_close((uv_handle_t *)&ipc_server, NULL);
		ipc_listening = false;
	}
	while ((c = LIST_FIRST(&ipc_clients)) != NULL)
		ipc_close(c);
}
