/*
 * Blocking client for the CLI: one connection, requests as JSON lines,
 * replies read line by line (a follow request receives many).
 *
 * Nothing waits forever: connect, send and every reply are bounded by the
 * timeout (OPM_TIMEOUT, 10 s by default). A request the daemon may
 * legitimately take longer over (a stop waits for each app's kill timeout)
 * is not cut short while the daemon answers a ping on a second connection:
 * a busy daemon is waited for, with one line on stderr saying what for; a
 * hung one (stopped with SIGSTOP, say) fails with exit 3.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "parse.h"
#include "xmem.h"

static int	client_timeout_ms = 10000;	/* 0: none */
static char	client_timeout_txt[32] = "10s";

/* Requests whose reply waits for apps to stop or start. */
static const char *const client_patient[] = {
	"start", "stop", "restart", "reload", "delete", "restore", "kill",
	NULL
};

int
client_timeout_init(const char *s, const char **cause)
{
	long long	sec;
	uint64_t	ms;

	if (s == NULL || *s == '\0')
		return (0);
	if (parse_int(s, 0, 86400, &sec, cause) == 0) {
		ms = (uint64_t)sec * 1000;
		snprintf(client_timeout_txt, sizeof client_timeout_txt,
		    "%llds", sec);
	} else if (parse_duration(s, &ms, cause) == 0 && ms <= 86400000)
		snprintf(client_timeout_txt, sizeof client_timeout_txt, "%s",
		    s);
	else {
		*cause = "a number of seconds or a duration (500ms, 2m), "
		    "at most 1d";
		return (-1);
	}
	client_timeout_ms = (int)ms;
	return (0);
}

const char *
client_timeout_text(void)
{
	return (client_timeout_txt);
}

void
client_set_timeout(struct client *c, bool on)
{
	c->timeout_ms = on ? client_timeout_ms : 0;
}

static uint64_t
client_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
client_connect(struct client *c, const char *path)
{
	struct sockaddr_un	sun;

	struct timeval		tv;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->pid = -1;
	c->next_id = 1;
	c->timeout_ms = client_timeout_ms;
	strlcpy(c->path, path, sizeof c->path);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	/*
	 * Bounds connect (a daemon that accepts nothing fills its backlog,
	 * then connect waits) and each send; the kernel says EAGAIN.
	 */
	if (c->timeout_ms > 0) {
		tv.tv_sec = c->timeout_ms / 1000;
		tv.tv_usec = (c->timeout_ms % 1000) * 1000;
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		int saved = errno == EAGAIN ? ETIMEDOUT : errno;
		close(c->fd);
		c->fd = -1;
		errno = saved;
		return (-1);
	}
	return (0);
}

int
client_connect_cmd(struct client *c, char *const *argv)
{
	int	sv[2], e;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->pid = -1;
	c->next_id = 1;
	c->timeout_ms = client_timeout_ms;
	c->cmd = argv;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return (-1);
	switch ((c->pid = fork())) {
	case -1:
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return (-1);
	case 0:
		if (dup2(sv[1], 0) == -1 || dup2(sv[1], 1) == -1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "opm: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	c->fd = sv[0];
	return (0);
}

int
client_close_wait(struct client *c)
{
	int	status = 0, i;
	pid_t	r;

	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	if (c->pid <= 0)
		return (0);
	/* Our end closed: ssh sees EOF, the remote side ends, ssh exits. */
	for (i = 0; (r = waitpid(c->pid, &status, WNOHANG)) == 0 && i < 200;
	    i++)
		usleep(10000);
	if (r == 0) {
		kill(c->pid, SIGTERM);
		waitpid(c->pid, &status, 0);
	}
	c->pid = -1;
	return (status);
}

void
client_close(struct client *c)
{
	client_close_wait(c);
}

/* Remembers what a patient request waits for, for client_wait. */
static void
client_what(struct client *c, const char *cmd, const cJSON *args)
{
	const cJSON	*t, *e;
	size_t		 i, len;

	c->patient = false;
	for (i = 0; client_patient[i] != NULL; i++) {
		if (strcmp(cmd, client_patient[i]) == 0)
			c->patient = true;
	}
	if (!c->patient)
		return;
	if (strcmp(cmd, "kill") == 0)
		cmd = "stop its apps and exit";
	else if (strcmp(cmd, "restore") == 0)
		cmd = "restore the dump";
	snprintf(c->what, sizeof c->what, "%s", cmd);
	t = cJSON_GetObjectItem(args, "target");
	cJSON_ArrayForEach(e, t) {
		if (!cJSON_IsString(e))
			continue;
		len = strlen(c->what);
		snprintf(c->what + len, sizeof c->what - len, "%s%s",
		    e == t->child ? " " : ",", e->valuestring);
	}
}

/*
 * The reply is late: true (after one line on stderr) if the daemon still
 * answers a ping on another connection, so it is busy with our request
 * rather than hung.
 */
static bool
client_wait(struct client *c)
{
	struct client	 p;
	const char	*cause;
	cJSON		*r;
	bool		 alive;

	if (!c->patient || (c->cmd != NULL ? client_connect_cmd(&p,
	    c->cmd) : client_connect(&p, c->path)) == -1)
		return (false);
	alive = client_send(&p, "ping", NULL) == 0 &&
	    (r = client_recv(&p, &cause)) != NULL;
	if (alive)
		cJSON_Delete(r);
	client_close(&p);
	if (alive && !c->told) {
		fprintf(stderr, "opm: waiting for the daemon to %s (it is "
		    "busy, not hung; a stop may last the kill timeout)\n",
		    c->what);
		c->told = true;
	}
	return (alive);
}

#define CLIENT_STR(x)	CLIENT_STR1(x)
#define CLIENT_STR1(x)	#x

/*
 * The request line, its length in *len: the envelope is written here and
 * only args (if any) printed by cJSON, which prints a number with sprintf
 * and reads it back with sscanf, a good part of what `opm ping` spent
 * before its first byte was sent. Takes ownership of args.
 */
static char *
client_line(struct client *c, const char *cmd, cJSON *args, size_t *len)
{
	static const char	 head[] = "{\"" PROTO_V "\":"
	    CLIENT_STR(PROTO_VERSION) ",\"" PROTO_ID "\":";
	char			 id[24], *a = NULL, *line, *p;
	size_t			 clen = strlen(cmd), alen = 0, ilen = 0;
	long long		 v;
	cJSON			*req;

	if (clen == 0 || strspn(cmd, "abcdefghijklmnopqrstuvwxyz0123456789"
	    "_-") != clen) {
		/* Not a plain name (none of ours): cJSON escapes it. */
		req = cJSON_CreateObject();
		cJSON_AddNumberToObject(req, PROTO_V, PROTO_VERSION);
		cJSON_AddNumberToObject(req, PROTO_ID, (double)c->next_id++);
		cJSON_AddStringToObject(req, PROTO_CMD, cmd);
		if (args != NULL)
			cJSON_AddItemToObject(req, PROTO_ARGS, args);
		line = json_line(req, len);
		cJSON_Delete(req);
		return (line);
	}
	if (args != NULL) {
		a = json_text(args);
		cJSON_Delete(args);
		if (a == NULL)
			return (NULL);
		alen = strlen(a);
	}
	/* The id's digits, last first (ids count from 1). */
	for (v = c->next_id++; v > 0 || ilen == 0; v /= 10)
		id[sizeof id - 1 - ilen++] = '0' + v % 10;
	line = p = xmalloc(sizeof head + ilen + clen + alen + 32);
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	memcpy(p, id + sizeof id - ilen, ilen);
	p += ilen;
	memcpy(p, ",\"" PROTO_CMD "\":\"", 8);
	p += 8;
	memcpy(p, cmd, clen);
	p += clen;
	*p++ = '"';
	if (a != NULL) {
		memcpy(p, ",\"" PROTO_ARGS "\":", 8);
		p += 8;
		memcpy(p, a, alen);
		p += alen;
		cJSON_free(a);
	}
	memcpy(p, "}\n", 3);
	*len = p + 2 - line;
	return (line);
}

int
client_send(struct client *c, const char *cmd, cJSON *args)
{
	char	*line;
	size_t	 len, off = 0;
	ssize_t	 n;

	client_what(c, cmd, args);
	line = client_line(c, cmd, args, &len);
	if (line == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	c->sent = len;
	if (len > PROTO_LINE_MAX) {
		free(line);
		errno = E2BIG;
		return (-1);
	}
	while (off < len) {
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			if (errno == EAGAIN)
				errno = ETIMEDOUT;
			free(line);
			return (-1);
		}
		off += n;
	}
	free(line);
	return (0);
}

cJSON *
client_recv(struct client *c, const char **cause)
{
	char	*line, err[128];
	cJSON	*j;
	size_t	 len;

	if ((line = client_recv_line(c, &len, cause)) == NULL)
		return (NULL);
	j = json_parse(line, len, err, sizeof err);
	free(line);
	if (j == NULL)
		*cause = "malformed reply from the daemon";
	return (j);
}

char *
client_recv_line(struct client *c, size_t *len, const char **cause)
{
	char		*nl, *line;
	ssize_t		 n;
	size_t		 linelen;
	struct pollfd	 pfd;
	uint64_t	 deadline = client_now_ms() + c->timeout_ms, now;
	int		 r;

	for (;;) {
		if (c->len > 0 &&
		    (nl = memchr(c->buf, '\n', c->len)) != NULL) {
			linelen = nl - c->buf;
			if (linelen + 1 == c->len) {
				/*
				 * The line is all the buffer holds (a reply):
				 * the buffer itself, cut to size in place,
				 * rather than a copy of it in pages the
				 * process has not touched yet.
				 */
				line = xreallocarray(c->buf, 1, linelen + 1);
				line[linelen] = '\0';
				c->buf = NULL;
				c->len = c->cap = 0;
				*len = linelen;
				return (line);
			}
			line = xmalloc(linelen + 1);
			memcpy(line, c->buf, linelen);
			line[linelen] = '\0';
			memmove(c->buf, nl + 1, c->len - linelen - 1);
			c->len -= linelen + 1;
			*len = linelen;
			return (line);
		}
		if (c->cap - c->len < 65536) {
			if (c->len > PROTO_REPLY_MAX) {
				*cause = "reply from the daemon too long "
				    "(over 64 MiB)";
				return (NULL);
			}
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->buf = xreallocarray(c->buf, 1, c->cap);
		}
		if (c->timeout_ms > 0) {
			pfd.fd = c->fd;
			pfd.events = POLLIN;
			now = client_now_ms();
			r = now >= deadline ? 0 : poll(&pfd, 1,
			    (int)(deadline - now));
			if (r == -1 && errno == EINTR)
				continue;
			if (r == 0 && client_wait(c)) {
				deadline = client_now_ms() + c->timeout_ms;
				continue;
			}
			if (r == 0) {
				snprintf(c->err, sizeof c->err, "the daemon "
				    "did not answer within %s (set "
				    "OPM_TIMEOUT to wait longer)",
				    client_timeout_txt);
				*cause = c->err;
				return (NULL);
			}
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = n == 0 ? "the daemon closed the connection" :
			    strerror(errno);
			return (NULL);
		}
		c->len += n;
	}
}
