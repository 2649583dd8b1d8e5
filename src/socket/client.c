/*
 * Blocking client for the CLI: one connection, requests as JSON lines,
 * replies read line by line (a follow request receives many).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "xmem.h"

int
client_connect(struct client *c, const char *path)
{
	struct sockaddr_un	sun;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->next_id = 1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		int saved = errno;
		close(c->fd);
		c->fd = -1;
		errno = saved;
		return (-1);
	}
	return (0);
}

void
client_close(struct client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

int
client_send(struct client *c, const char *cmd, cJSON *args)
{
	cJSON	*req = cJSON_CreateObject();
	char	*line;
	size_t	 len, off = 0;
	ssize_t	 n;

	cJSON_AddNumberToObject(req, PROTO_V, PROTO_VERSION);
	cJSON_AddNumberToObject(req, PROTO_ID, (double)c->next_id++);
	cJSON_AddStringToObject(req, PROTO_CMD, cmd);
	if (args != NULL)
		cJSON_AddItemToObject(req, PROTO_ARGS, args);
	line = json_line(req, &len);
	cJSON_Delete(req);
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
	char	*nl, err[128];
	cJSON	*j;
	ssize_t	 n;
	size_t	 linelen;

	for (;;) {
		if (c->len > 0 &&
		    (nl = memchr(c->buf, '\n', c->len)) != NULL) {
			linelen = nl - c->buf;
			j = json_parse(c->buf, linelen, err, sizeof err);
			memmove(c->buf, nl + 1, c->len - linelen - 1);
			c->len -= linelen + 1;
			if (j == NULL)
				*cause = "malformed reply from the daemon";
			return (j);
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
