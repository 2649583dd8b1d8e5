/* The CLI's side of the control socket: blocking, one request at a time. */
#ifndef OPM_CLIENT_H
#define OPM_CLIENT_H

#include <sys/types.h>

#include <stdbool.h>

#include <cJSON.h>

struct client {
	int	 fd;
	long long next_id;
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 sent;	/* bytes of the last request line, even refused */
	int	 timeout_ms;	/* per reply; 0: wait forever */
	char	 path[108];	/* for the liveness ping */
	/* A command's pipes instead of the socket (opm --host): */
	char *const *cmd;	/* its argv, for the liveness ping too */
	pid_t	 pid;		/* the command; -1: none */
	bool	 patient;	/* the request may outlast the timeout */
	bool	 told;		/* said on stderr what we wait for */
	char	 what[256];
	char	 err[128];
};

/*
 * OPM_TIMEOUT: seconds, or a duration (500ms, 2m); 0 waits forever. -1
 * with *cause when it is invalid. Default 10 s.
 */
int	 client_timeout_init(const char *, const char **cause);
/* "10s": the timeout as the user wrote it. */
const char *client_timeout_text(void);
/* Turns the reply timeout of c off (a logs --follow stream) or on. */
void	 client_set_timeout(struct client *, bool on);

/* 0 when connected; -1 with errno (ENOENT, ECONNREFUSED...) otherwise. */
int	 client_connect(struct client *, const char *path);
/*
 * Runs argv (found in PATH) with its stdin and stdout on one end of a
 * socket pair and speaks the protocol on the other (`ssh HOST opm
 * dial-stdio`); stderr is ours. 0, or -1 with errno when it cannot start.
 * argv must outlive the connection.
 */
int	 client_connect_cmd(struct client *, char *const *argv);
/*
 * Closes the connection; for a command, waits for it (2 s, then SIGTERM)
 * and returns its wait status; 0 otherwise.
 */
int	 client_close_wait(struct client *);
void	 client_close(struct client *);
/*
 * Sends {"v","id","cmd","args"}; takes ownership of args (may be NULL).
 * A line over PROTO_LINE_MAX is not sent: -1 with errno E2BIG.
 */
int	 client_send(struct client *, const char *cmd, cJSON *args);
/*
 * Reads the next reply line; NULL and *cause on EOF, error or timeout
 * (*cause then stays valid until the next call).
 */
cJSON	*client_recv(struct client *, const char **cause);
/* The same line as text, without its newline, NUL-terminated, to free. */
char	*client_recv_line(struct client *, size_t *len, const char **cause);

#endif
