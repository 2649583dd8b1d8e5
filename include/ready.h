/*
 * Readiness, the pure part: the `ready` key's kinds (notify, ipc, tcp:PORT,
 * http://HOST:PORT/PATH), the messages of the systemd notify protocol, the
 * line Node's process.send('ready') writes on its IPC channel, and the
 * status line of an HTTP answer. The daemon's side (sockets, probes,
 * timers) is src/daemon/app-ready.c.
 */
#ifndef OPM_READY_H
#define OPM_READY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ready_kind {
	READY_NONE,	/* online once the program is executed */
	READY_NOTIFY,	/* READY=1 on NOTIFY_SOCKET */
	READY_IPC,	/* process.send('ready') on Node's channel, fd 3 */
	READY_TCP,	/* a connect to HOST:PORT succeeds */
	READY_HTTP,	/* GET http://HOST:PORT/PATH answers 2xx or 3xx */
};

#define READY_HOST_MAX	64
#define READY_PATH_MAX	1024
#define READY_STATUS_MAX 256

struct ready_spec {
	enum ready_kind	 kind;
	char		 host[READY_HOST_MAX];	/* numeric; for Host: as written */
	char		 addr[READY_HOST_MAX];	/* numeric address to connect to */
	bool		 v6;
	uint16_t	 port;
	char		 path[READY_PATH_MAX];	/* http: "/" at least */
};

/*
 * Reads a `ready` value: "none", "notify", "ipc", "tcp:PORT",
 * "tcp:HOST:PORT", "http://HOST[:PORT][/PATH]". HOST is a numeric IPv4
 * address, [IPv6] or localhost (127.0.0.1): no name lookups. -1 and *cause.
 */
int	 ready_parse(const char *, struct ready_spec *, const char **cause);
const char *ready_kind_name(enum ready_kind);

/* What one notify datagram says (sd_notify(3): NEWLINE-separated). */
struct ready_msg {
	bool	 ready;		/* READY=1 */
	bool	 reloading;	/* RELOADING=1 */
	bool	 stopping;	/* STOPPING=1 */
	bool	 watchdog;	/* WATCHDOG=1 */
	bool	 has_status;	/* STATUS=... (printable, cut) */
	char	 status[READY_STATUS_MAX];
	bool	 has_mainpid;	/* MAINPID=N, N > 0 */
	long	 mainpid;
};
void	 ready_msg_parse(const char *buf, size_t len, struct ready_msg *);

/*
 * One line of Node's IPC channel (JSON serialization, without its '\n'):
 * true when it is the message 'ready', the string PM2's wait_ready waits
 * for.
 */
bool	 ready_ipc_line(const char *line, size_t len);

/*
 * The start of an HTTP answer: 1 when its status line is HTTP/1.x 2xx or
 * 3xx, 0 when it is anything else, -1 when the line is not complete yet.
 */
int	 ready_http_status(const char *buf, size_t len);

#endif
