/*
 * The daemon's side of the control socket: newline-delimited JSON over a
 * Unix stream socket, one request per line, peers checked with SO_PEERCRED.
 */
#ifndef OPM_IPC_H
#define OPM_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cJSON.h>
#include <uv.h>

struct ipc_client;

/* Called with each well-formed request object; req is freed afterwards. */
typedef void (*ipc_request_cb)(struct ipc_client *, const cJSON *req);

int	 ipc_listen(uv_loop_t *, const char *path, ipc_request_cb,
	    const char **cause);
/* Listens on an inherited, already bound and listening socket. */
int	 ipc_listen_fd(uv_loop_t *, int fd, ipc_request_cb, const char **);
/* true while a reply is still being written to some client. */
bool	 ipc_writes_pending(void);
/*
 * For a re-exec: every plain client as {fd, buf (hex of unparsed input)}
 * with its fd made inheritable; clients that wait on a deferred reply or
 * follow logs are closed.
 */
cJSON	*ipc_handover(void);
/* Takes over a client handed over by ipc_handover. */
void	 ipc_adopt_client(uv_loop_t *, int fd, const char *hex);
/* The listening socket's descriptor, or -1. */
int	 ipc_fileno(void);
/* Stops accepting and closes every client (shutdown). */
void	 ipc_shutdown(void);
/* Queues one line; a client whose backlog grows too large is dropped. */
/*
 * The protocol version the daemon speaks: PROTO_VERSION, unless the
 * test-only OPM_TEST_PROTOCOL_VERSION made it announce another (opmd's
 * main.c; tests of the version check, docs/PROTOCOL.md).
 */
extern int	 ipc_proto_version;
void	 ipc_send(struct ipc_client *, const cJSON *);
/* Sends len bytes of whole JSON lines made by the caller; takes buf. */
void	 ipc_send_raw(struct ipc_client *, char *buf, size_t len);
/*
 * The reply envelope {"v", "id", "ok"} for request id (null when id is NULL
 * or not a valid id); the caller adds "data" or "error".
 */
cJSON	*ipc_reply_new(const cJSON *id, bool ok);
/* Sends {"ok":false,"error":...} for request id and, if fatal, closes. */
void	 ipc_send_error(struct ipc_client *, const cJSON *id, const char *msg,
	    bool fatal);
/* A reference keeps the client's memory alive after it disconnects. */
void	 ipc_ref(struct ipc_client *);
void	 ipc_unref(struct ipc_client *);
bool	 ipc_gone(const struct ipc_client *);
/* Closes the connection once queued replies are written. */
void	 ipc_close_after_write(struct ipc_client *);
int	 ipc_count(void);
/* Called when the client disconnects; lets followers detach. */
void	 ipc_add_close_cb(struct ipc_client *, void (*)(struct ipc_client *,
	    void *), void *);
/* Forgets a callback added by ipc_add_close_cb (cb and arg match). */
void	 ipc_remove_close_cb(struct ipc_client *, void (*)(struct ipc_client *,
	    void *), void *);
/* Bytes of replies queued and not yet written. */
size_t	 ipc_pending(const struct ipc_client *);

#endif
