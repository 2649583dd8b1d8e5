/*
 * The descriptor keeper: a tiny process that holds a duplicate of the read
 * end of every app log pipe, so that apps never see SIGPIPE when the daemon
 * dies, and of every listening socket opm owns, so that no port closes; it
 * hands them to the next daemon (SCM_RIGHTS over SOCK_SEQPACKET). It reads
 * nothing and accepts nothing: unread output waits in the pipes, new
 * connections in the sockets' backlogs.
 */
#ifndef OPM_KEEPER_H
#define OPM_KEEPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

#include "paths.h"

/* The keeper process itself (opmd --keeper). Never returns. */
void	keeper_main(const struct paths *) __attribute__((noreturn));

/*
 * Daemon side. Connects to the keeper, starting one if needed: 1 when a
 * keeper was already running (it holds pipes of a previous daemon), 0 when
 * a new one was started, -1 when there is none.
 */
int	keeper_init(const struct paths *, const char *self_exe);
/* The keeper's pid (SO_PEERCRED of our connection), 0 if none. */
pid_t	keeper_pid(void);
void	keeper_hold(uint64_t serial, const char *path, bool at_line_start,
	    int fd);
void	keeper_drop(uint64_t serial);
/* Takes back every held descriptor: cb once per pipe. -1 on failure. */
int	keeper_take(void (*cb)(uint64_t serial, const char *path,
	    bool at_line_start, int fd));
/* Listening socket idx of app id (issue 14 item 3). */
void	keeper_hold_sock(int id, unsigned idx, int fd);
void	keeper_drop_sock(int id, unsigned idx);
/* Takes back every held socket: cb once each (the keeper keeps its own). */
int	keeper_take_socks(void (*cb)(int id, unsigned idx, int fd));
/* Calls lost() once when the keeper goes away (killed, crashed). */
void	keeper_watch(uv_loop_t *, void (*lost)(void));
/* The daemon is stopping with no app left: the keeper may exit. */
void	keeper_quit(void);

#endif
