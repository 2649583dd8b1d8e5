/*
 * Probes (include/probe.h): the tcp and http probes readiness began with,
 * made one module so that health checks run the very same code, and the
 * command probe of health checks. A probe is its own allocation, holding
 * its handles; it is freed once every handle is closed and, for a
 * command, once its process is reaped, whichever comes last.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "probe.h"
#include "proc.h"
#include "ready.h"
#include "xmem.h"

struct probe {
	uv_tcp_t		 tcp;
	uv_connect_t		 conn;
	uv_write_t		 wr;
	uv_timer_t		 timer;
	int			 open;		/* handles not closed yet */
	probe_cb		 cb;		/* NULL once ended */
	void			*arg;
	uint64_t		 timeout;
	bool			 http;
	pid_t			 pid;		/* a command's, until reaped */
	char			 req[READY_PATH_MAX + READY_HOST_MAX + 96];
	char			 buf[128];	/* the answer's first bytes */
	size_t			 len;
	LIST_ENTRY(probe)	 entry;		/* commands not reaped */
};

static LIST_HEAD(, probe)	probe_procs = LIST_HEAD_INITIALIZER(probe_procs);

static void
probe_free_maybe(struct probe *p)
{
	if (p->open == 0 && p->pid == 0)
		free(p);
}

static void
probe_close_cb(uv_handle_t *h)
{
	struct probe	*p = h->data;

	p->open--;
	probe_free_maybe(p);
}

/* No callback any more: handles closed, a command's session killed. */
static void
probe_release(struct probe *p)
{
	p->cb = NULL;
	if (p->pid > 0)
		proc_signal_group(p->pid, SIGKILL);
	if (!uv_is_closing((uv_handle_t *)&p->timer))
		uv_close((uv_handle_t *)&p->timer, probe_close_cb);
	if (p->open == 2 && !uv_is_closing((uv_handle_t *)&p->tcp))
		uv_close((uv_handle_t *)&p->tcp, probe_close_cb);
}

/* The one call of the callback, then the release. */
static void
probe_end(struct probe *p, bool ok, const char *why)
{
	probe_cb	 cb = p->cb;

	if (cb == NULL)
		return;
	p->cb = NULL;
	cb(p->arg, ok, why);
	probe_release(p);
}

void
probe_cancel(struct probe *p)
{
	if (p->cb != NULL)
		probe_release(p);
}

static void
probe_timeout_cb(uv_timer_t *t)
{
	struct probe	*p = t->data;
	char		 why[64];

	if (p->timeout < 1000)
		snprintf(why, sizeof why, "timed out after %llums",
		    (unsigned long long)p->timeout);
	else {
		strlcpy(why, "timed out after ", sizeof why);
		parse_fmt_duration(p->timeout, why + strlen(why),
		    sizeof why - strlen(why));
	}
	probe_end(p, false, why);
}

static struct probe *
probe_new(uv_loop_t *loop, uint64_t timeout, probe_cb cb, void *arg)
{
	struct probe	*p = xcalloc(1, sizeof *p);

	p->cb = cb;
	p->arg = arg;
	p->timeout = timeout;
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	p->open = 1;
	uv_timer_start(&p->timer, probe_timeout_cb, timeout, 0);
	return (p);
}

/* --- tcp and http ------------------------------------------------------ */

static void
probe_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct probe	*p = h->data;

	(void)hint;
	b->base = p->buf + p->len;
	b->len = sizeof p->buf - 1 - p->len;
}

static void
probe_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct probe	*p = s->data;
	char		 why[64];
	int		 r, code;

	(void)b;
	if (p->cb == NULL || n == 0)
		return;
	if (n > 0)
		p->len += (size_t)n;
	p->buf[p->len] = '\0';
	r = ready_http_status(p->buf, p->len);
	if (r == 1)
		probe_end(p, true, "ok");
	else if (r == 0) {
		if (sscanf(p->buf, "HTTP/%*d.%*d %d", &code) == 1)
			snprintf(why, sizeof why, "HTTP %d", code);
		else
			strlcpy(why, "not an HTTP answer", sizeof why);
		probe_end(p, false, why);
	} else if (n < 0)
		probe_end(p, false, n == UV_EOF ? "closed before answering" :
		    uv_strerror((int)n));
	else if (p->len + 1 >= sizeof p->buf)
		probe_end(p, false, "not an HTTP answer");
}

static void
probe_write_cb(uv_write_t *w, int status)
{
	struct probe	*p = w->data;

	if (status < 0)
		probe_end(p, false, uv_strerror(status));
}

static void
probe_connect_cb(uv_connect_t *c, int status)
{
	struct probe	*p = c->data;
	uv_buf_t	 b;

	if (p->cb == NULL)
		return;
	if (status < 0) {
		probe_end(p, false, uv_strerror(status));
		return;
	}
	if (!p->http) {
		probe_end(p, true, "ok");
		return;
	}
	b = uv_buf_init(p->req, strlen(p->req));
	p->wr.data = p;
	if (uv_write(&p->wr, (uv_stream_t *)&p->tcp, &b, 1,
	    probe_write_cb) != 0 || uv_read_start((uv_stream_t *)&p->tcp,
	    probe_alloc_cb, probe_read_cb) != 0)
		probe_end(p, false, "cannot send the request");
}

struct probe *
probe_net(uv_loop_t *loop, const struct ready_spec *r, uint64_t timeout,
    probe_cb cb, void *arg, char *why, size_t wlen)
{
	struct sockaddr_storage	 ss;
	struct probe		*p;
	int			 e;

	memset(&ss, 0, sizeof ss);
	if (r->v6)
		e = uv_ip6_addr(r->addr, r->port, (struct sockaddr_in6 *)&ss);
	else
		e = uv_ip4_addr(r->addr, r->port, (struct sockaddr_in *)&ss);
	if (e != 0) {
		snprintf(why, wlen, "%s: %s", r->addr, uv_strerror(e));
		return (NULL);
	}
	p = probe_new(loop, timeout, cb, arg);
	p->http = r->kind == READY_HTTP;
	if (p->http)
		snprintf(p->req, sizeof p->req, "GET %s HTTP/1.0\r\nHost: "
		    "%s:%u\r\nUser-Agent: opm\r\nConnection: close\r\n\r\n",
		    r->path, r->host, (unsigned)r->port);
	uv_tcp_init(loop, &p->tcp);
	p->tcp.data = p;
	p->conn.data = p;
	p->open = 2;
	if ((e = uv_tcp_connect(&p->conn, &p->tcp, (struct sockaddr *)&ss,
	    probe_connect_cb)) != 0) {
		snprintf(why, wlen, "connect: %s", uv_strerror(e));
		probe_release(p);
		return (NULL);
	}
	return (p);
}

/* --- Commands ---------------------------------------------------------- */

struct probe *
probe_exec(uv_loop_t *loop, const struct proc_spec *spec, uint64_t timeout,
    probe_cb cb, void *arg, char *why, size_t wlen)
{
	struct probe	*p;
	int		 pidfd, execfd, gofd;
	pid_t		 pid;

	if ((pid = proc_spawn(spec, &pidfd, &execfd, &gofd, why,
	    wlen)) == -1)
		return (NULL);
	/* Reaped by pid, which stays ours until then: no pidfd needed. */
	if (pidfd != -1)
		close(pidfd);
	close(execfd);
	proc_release(gofd);
	p = probe_new(loop, timeout, cb, arg);
	p->pid = pid;
	LIST_INSERT_HEAD(&probe_procs, p, entry);
	return (p);
}

bool
probe_owns(pid_t pid)
{
	struct probe	*p;

	LIST_FOREACH(p, &probe_procs, entry) {
		if (p->pid == pid)
			return (true);
	}
	return (false);
}

void
probe_kill_all(void)
{
	struct probe	*p;

	LIST_FOREACH(p, &probe_procs, entry)
		proc_signal_group(p->pid, SIGKILL);
}

bool
probe_reaped(pid_t pid, int status)
{
	struct probe	*p;
	char		 why[64];

	LIST_FOREACH(p, &probe_procs, entry) {
		if (p->pid == pid)
			break;
	}
	if (p == NULL)
		return (false);
	LIST_REMOVE(p, entry);
	p->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		probe_end(p, true, "ok");
	else {
		if (WIFEXITED(status))
			snprintf(why, sizeof why, "exit %d",
			    WEXITSTATUS(status));
		else
			snprintf(why, sizeof why, "killed by signal %s",
			    parse_signame(WTERMSIG(status)));
		probe_end(p, false, why);
	}
	probe_free_maybe(p);
	return (true);
}
