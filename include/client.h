/* The CLI's side of the control socket: blocking, one request at a time. */
#ifndef OPM_CLIENT_H
#define OPM_CLIENT_H

#include <stdbool.h>

#include <cJSON.h>

struct client {
	int	 fd;
	long long next_id;
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 sent;	/* bytes of the last request line, even refused */
};

/* 0 when connected; -1 with errno (ENOENT, ECONNREFUSED...) otherwise. */
int	 client_connect(struct client *, const char *path);
void	 client_close(struct client *);
/*
 * Sends {"v","id","cmd","args"}; takes ownership of args (may be NULL).
 * A line over PROTO_LINE_MAX is not sent: -1 with errno E2BIG.
 */
int	 client_send(struct client *, const char *cmd, cJSON *args);
/* Reads the next reply line; NULL and *cause on EOF or error. */
cJSON	*client_recv(struct client *, const char **cause);

#endif
