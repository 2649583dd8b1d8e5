/*
 * Readiness, the pure part (include/ready.h): the kinds of the `ready` key,
 * notify datagrams, Node's IPC line and an HTTP status line. No I/O here,
 * so the unit tests (tests/unit/test_ready.c) drive every parser.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "ready.h"

static const char *const ready_kind_names[] = {
	"none", "notify", "ipc", "tcp", "http"
};

const char *
ready_kind_name(enum ready_kind k)
{
	return (ready_kind_names[k]);
}

/* A port: 1-65535, digits only. */
static int
ready_port(const char *s, size_t n, uint16_t *out)
{
	char		buf[8];
	long long	v;
	const char	*cause;

	if (n == 0 || n >= sizeof buf)
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strspn(buf, "0123456789") != n ||
	    parse_int(buf, 1, 65535, &v, &cause) == -1)
		return (-1);
	*out = (uint16_t)v;
	return (0);
}

/* HOST of n bytes: numeric v4, [v6] or localhost; fills host and addr. */
static int
ready_host(const char *s, size_t n, struct ready_spec *r)
{
	unsigned char	bin[16];

	if (n == 0 || n >= sizeof r->host)
		return (-1);
	memcpy(r->host, s, n);
	r->host[n] = '\0';
	if (strcmp(r->host, "localhost") == 0) {
		strlcpy(r->addr, "127.0.0.1", sizeof r->addr);
		return (0);
	}
	if (r->host[0] == '[' && r->host[n - 1] == ']') {
		memcpy(r->addr, s + 1, n - 2);
		r->addr[n - 2] = '\0';
		r->v6 = true;
		return (inet_pton(AF_INET6, r->addr, bin) == 1 ? 0 : -1);
	}
	strlcpy(r->addr, r->host, sizeof r->addr);
	return (inet_pton(AF_INET, r->addr, bin) == 1 ? 0 : -1);
}

/* "HOST:PORT" or "PORT" of tcp:, HOST as ready_host reads it. */
static int
ready_tcp(const char *s, struct ready_spec *r, const char **cause)
{
	const char	*colon = strrchr(s, ':');

	*cause = "tcp: must be tcp:PORT or tcp:HOST:PORT (HOST numeric, "
	    "[IPv6] or localhost; PORT 1-65535)";
	if (colon == NULL) {
		strlcpy(r->host, "127.0.0.1", sizeof r->host);
		strlcpy(r->addr, r->host, sizeof r->addr);
		return (ready_port(s, strlen(s), &r->port));
	}
	if (ready_host(s, colon - s, r) == -1)
		return (-1);
	return (ready_port(colon + 1, strlen(colon + 1), &r->port));
}

/* "HOST[:PORT][/PATH]" after http://. */
static int
ready_http(const char *s, struct ready_spec *r, const char **cause)
{
	size_t		 n = strcspn(s, "/?#"), i;
	const char	*colon = NULL, *p;

	*cause = "http: must be http://HOST[:PORT][/PATH] (HOST numeric, "
	    "[IPv6] or localhost: no name lookups; PORT 1-65535)";
	/* The last ':' of the authority that is not inside [...]. */
	for (p = s; p < s + n; p++) {
		if (*p == ']')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (colon != NULL) {
		if (ready_host(s, colon - s, r) == -1 ||
		    ready_port(colon + 1, s + n - colon - 1, &r->port) == -1)
			return (-1);
	} else {
		if (ready_host(s, n, r) == -1)
			return (-1);
		r->port = 80;
	}
	p = s + n;
	if (strchr(p, '#') != NULL)
		return (-1);
	if (*p == '\0')
		p = "/";
	if (*p == '?')
		snprintf(r->path, sizeof r->path, "/%s", p);
	else if (strlcpy(r->path, p, sizeof r->path) >= sizeof r->path)
		return (-1);
	/* It goes into a request line: no spaces, no control bytes. */
	for (i = 0; r->path[i] != '\0'; i++) {
		if ((unsigned char)r->path[i] <= ' ' ||
		    (unsigned char)r->path[i] == 0x7f)
			return (-1);
	}
	return (0);
}

int
ready_parse(const char *s, struct ready_spec *r, const char **cause)
{
	memset(r, 0, sizeof *r);
	if (strcmp(s, "none") == 0)
		return (0);
	if (strcmp(s, "notify") == 0) {
		r->kind = READY_NOTIFY;
		return (0);
	}
	if (strcmp(s, "ipc") == 0) {
		r->kind = READY_IPC;
		return (0);
	}
	if (strncmp(s, "tcp:", 4) == 0) {
		r->kind = READY_TCP;
		return (ready_tcp(s + 4, r, cause));
	}
	if (strncmp(s, "http://", 7) == 0) {
		r->kind = READY_HTTP;
		return (ready_http(s + 7, r, cause));
	}
	if (strncmp(s, "https://", 8) == 0) {
		*cause = "https is not probed; probe http on a local port, or "
		    "use tcp:PORT";
		return (-1);
	}
	*cause = "must be notify, ipc, tcp:PORT, http://HOST:PORT/PATH or none";
	return (-1);
}

/* One NAME=VALUE line of a datagram. */
static void
ready_msg_line(const char *l, size_t n, struct ready_msg *m)
{
	char		num[24];
	const char	*cause;
	long long	v;
	size_t		i, o;

#define IS(lit) (n == sizeof lit - 1 && memcmp(l, lit, n) == 0)
	if (IS("READY=1"))
		m->ready = true;
	else if (IS("RELOADING=1"))
		m->reloading = true;
	else if (IS("STOPPING=1"))
		m->stopping = true;
	else if (IS("WATCHDOG=1"))
		m->watchdog = true;
	else if (n >= 7 && memcmp(l, "STATUS=", 7) == 0) {
		m->has_status = true;
		/* Printable bytes only: it ends up on a terminal. */
		for (i = 7, o = 0; i < n && o + 1 < sizeof m->status; i++) {
			if ((unsigned char)l[i] >= ' ' &&
			    (unsigned char)l[i] != 0x7f)
				m->status[o++] = l[i];
		}
		m->status[o] = '\0';
	} else if (n > 8 && n - 8 < sizeof num &&
	    memcmp(l, "MAINPID=", 8) == 0) {
		memcpy(num, l + 8, n - 8);
		num[n - 8] = '\0';
		if (strspn(num, "0123456789") == n - 8 &&
		    parse_int(num, 1, 0x7fffffff, &v, &cause) == 0) {
			m->has_mainpid = true;
			m->mainpid = (long)v;
		}
	}
#undef IS
}

void
ready_msg_parse(const char *buf, size_t len, struct ready_msg *m)
{
	const char	*p = buf, *end = buf + len, *nl;

	memset(m, 0, sizeof *m);
	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		ready_msg_line(p, nl - p, m);
		p = nl + 1;
	}
}

bool
ready_ipc_line(const char *line, size_t len)
{
	/* JSON.stringify('ready'), maybe with a '\r' or blanks around. */
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	return (len == 7 && memcmp(line, "\"ready\"", 7) == 0);
}

int
ready_http_status(const char *buf, size_t len)
{
	const char	*nl = memchr(buf, '\n', len);

	/* "HTTP/1.x NNN": the first 12 bytes decide. */
	if (len < 12 && nl == NULL)
		return (-1);
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    !isdigit((unsigned char)buf[7]) || buf[8] != ' ' ||
	    (buf[9] != '2' && buf[9] != '3') ||
	    !isdigit((unsigned char)buf[10]) ||
	    !isdigit((unsigned char)buf[11]))
		return (0);
	return (1);
}
