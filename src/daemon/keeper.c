/*
 * The descriptor keeper, both sides.
 *
 * Messages (one SOCK_SEQPACKET datagram each):
 *   "H serial als path" + fd   hold this pipe's read end
 *   "D serial"                 the pipe reached EOF: close it
 *   "G"                        send every held pipe back as "F ..." + fd,
 *                              then "E"; keep holding them
 *   "S id index" + fd          hold this listening socket of app id
 *   "X id index"               the app is deleted: close that socket
 *   "L"                        send every held socket back as "S ..." + fd,
 *                              then "E"; keep holding them
 *   "Q"                        exit
 * The keeper checks its peer's uid, holds one lock so there is one keeper
 * per runtime directory, and lives in its own session: neither the
 * daemon's death nor a signal to the daemon's group reaches it.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detach.h"
#include "handle.h"
#include "keeper.h"
#include "log.h"
#include "proc.h"
#include "xmem.h"

#define KEEPER_MSG	8192
#define KEEPER_WAIT_MS	5000	/* for room in the keeper's queue */

struct keeper_fd {
	uint64_t	 serial;
	bool		 als;
	char		*path;
	int		 fd;
};

/* A listening socket of an app (issue 14 item 3). */
struct keeper_lsock {
	int		 id;
	unsigned	 idx;
	int		 fd;
};

/* What the keeper process holds. */
struct keeper_held {
	struct keeper_fd	*fds;
	size_t			 n;
	struct keeper_lsock	*socks;
	size_t			 nsocks;
};

static int	keeper_sock = -1;	/* daemon side: the connection */
static uv_poll_t *keeper_poll;
static void	(*keeper_lost)(void);

/*
 * The keeper's socket is RUNTIME/keeper.sock, named through a descriptor
 * of RUNTIME (/proc/self/fd/N/keeper.sock): sun_path holds 107 bytes, and
 * a runtime directory of 96 bytes or more would leave the daemon without
 * a keeper. The file stays in the 0700 directory, so its mode still
 * guards it (an abstract name would not). Returns the descriptor, to be
 * closed once bind or connect is done, or -1.
 */
static int
keeper_addr(const struct paths *p, struct sockaddr_un *sun)
{
	int	dfd;

	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if ((dfd = open(p->runtime, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	snprintf(sun->sun_path, sizeof sun->sun_path,
	    "/proc/self/fd/%d/keeper.sock", dfd);
	return (dfd);
}

static int
keeper_send(int s, const char *msg, int fd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct cmsghdr	*c;

	memset(&mh, 0, sizeof mh);
	iov.iov_base = (void *)msg;
	iov.iov_len = strlen(msg);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	/*
	 * The daemon's end is non-blocking (uv_poll), and the keeper's queue
	 * holds only net.unix.max_dgram_qlen (10) messages: on a burst, wait
	 * for room. The keeper answers in microseconds; a keeper stuck for
	 * seconds counts as lost for this message.
	 */
	while (sendmsg(s, &mh, MSG_NOSIGNAL) == -1) {
		struct pollfd	pfd = { .fd = s, .events = POLLOUT };
		int		r;

		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return (-1);
		if ((r = poll(&pfd, 1, KEEPER_WAIT_MS)) == -1 && errno == EINTR)
			continue;
		if (r == 0)
			errno = ETIMEDOUT;
		else if (r == 1 && (pfd.revents & (POLLERR | POLLHUP)))
			errno = EPIPE;
		if (r != 1 || !(pfd.revents & POLLOUT))
			return (-1);
	}
	return (0);
}

/* One message into buf (NUL-terminated); *fd gets a passed fd or -1. */
static ssize_t
keeper_recv(int s, char *buf, size_t len, int *fd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct cmsghdr	*c;
	ssize_t		 n;

	*fd = -1;
	memset(&mh, 0, sizeof mh);
	iov.iov_base = buf;
	iov.iov_len = len - 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	do
		n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return (n);
	buf[n] = '\0';
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof *fd);
	}
	return (n);
}

/* ---- the keeper process ---- */

/* S, X and L: the listening sockets. 0 when msg was none of them. */
static int
keeper_serve_socks(int c, struct keeper_held *h, const char *buf, int fd)
{
	char		out[64];
	unsigned	idx;
	size_t		i;
	int		id;

	if (buf[0] == 'S' && sscanf(buf, "S %d %u", &id, &idx) == 2) {
		if (fd == -1)
			return (1);
		/* A socket held again replaces the one held before. */
		for (i = 0; i < h->nsocks; i++) {
			if (h->socks[i].id == id && h->socks[i].idx == idx) {
				close(h->socks[i].fd);
				h->socks[i].fd = fd;
				return (1);
			}
		}
		h->socks = xreallocarray(h->socks, h->nsocks + 1,
		    sizeof *h->socks);
		h->socks[h->nsocks].id = id;
		h->socks[h->nsocks].idx = idx;
		h->socks[h->nsocks++].fd = fd;
		return (1);
	}
	if (fd != -1)
		close(fd);
	if (buf[0] == 'X' && sscanf(buf, "X %d %u", &id, &idx) == 2) {
		for (i = 0; i < h->nsocks; i++) {
			if (h->socks[i].id != id || h->socks[i].idx != idx)
				continue;
			close(h->socks[i].fd);
			h->socks[i] = h->socks[--h->nsocks];
			break;
		}
		return (1);
	}
	if (buf[0] == 'L') {
		for (i = 0; i < h->nsocks; i++) {
			snprintf(out, sizeof out, "S %d %u", h->socks[i].id,
			    h->socks[i].idx);
			keeper_send(c, out, h->socks[i].fd);
		}
		keeper_send(c, "E", -1);
		return (1);
	}
	return (0);
}

static void
keeper_serve(int c, struct keeper_held *h)
{
	char		 buf[KEEPER_MSG], out[KEEPER_MSG];
	uint64_t	 serial;
	int		 fd, als, off;
	size_t		 i;
	ssize_t		 r;

	if ((r = keeper_recv(c, buf, sizeof buf, &fd)) <= 0)
		return;
	if (buf[0] == 'H' && fd != -1 &&
	    sscanf(buf, "H %" SCNu64 " %d %n", &serial, &als, &off) == 2) {
		h->fds = xreallocarray(h->fds, h->n + 1, sizeof *h->fds);
		h->fds[h->n].serial = serial;
		h->fds[h->n].als = als != 0;
		h->fds[h->n].path = xstrdup(buf + off);
		h->fds[h->n++].fd = fd;
		return;
	}
	if (keeper_serve_socks(c, h, buf, fd))
		return;
	if (buf[0] == 'D' && sscanf(buf, "D %" SCNu64, &serial) == 1) {
		for (i = 0; i < h->n; i++) {
			if (h->fds[i].serial != serial)
				continue;
			close(h->fds[i].fd);
			free(h->fds[i].path);
			h->fds[i] = h->fds[--h->n];
			break;
		}
	} else if (buf[0] == 'G') {
		for (i = 0; i < h->n; i++) {
			snprintf(out, sizeof out, "F %" PRIu64 " %d %s",
			    h->fds[i].serial, h->fds[i].als, h->fds[i].path);
			keeper_send(c, out, h->fds[i].fd);
		}
		keeper_send(c, "E", -1);
	} else if (buf[0] == 'Q')
		exit(0);
}

void
keeper_main(const struct paths *p)
{
	struct sockaddr_un	 sun;
	struct keeper_held	 held = { NULL, 0, NULL, 0 };
	struct pollfd		 pfd[2];
	struct ucred		 cred;
	socklen_t		 len;
	char			 lockpath[4200];
	const char		*e;
	int			 lfd, ls, c = -1, ready = -1, dfd;

	if ((e = getenv(DETACH_READY_ENV)) != NULL)
		ready = atoi(e);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	proc_raise_nofile();
	snprintf(lockpath, sizeof lockpath, "%s/keeper.lock", p->runtime);
	lfd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lfd == -1 || flock(lfd, LOCK_EX | LOCK_NB) == -1) {
		/* Another keeper serves this directory. */
		if (ready != -1 && write(ready, DETACH_READY "\n", 6) < 0)
			exit(1);
		exit(0);
	}
	if ((dfd = keeper_addr(p, &sun)) == -1)
		exit(1);
	unlink(sun.sun_path);
	umask(077);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ls == -1 || bind(ls, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(ls, 4) == -1)
		exit(1);
	close(dfd);
	if (ready != -1) {
		if (write(ready, DETACH_READY "\n", 6) < 0)
			exit(1);
		close(ready);
	}
	for (;;) {
		pfd[0].fd = ls;
		pfd[0].events = POLLIN;
		pfd[1].fd = c;
		pfd[1].events = POLLIN;
		if (poll(pfd, c == -1 ? 1 : 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			exit(1);
		}
		if (c != -1 && (pfd[1].revents & (POLLHUP | POLLERR)) &&
		    !(pfd[1].revents & POLLIN)) {
			close(c);
			c = -1;
		} else if (c != -1 && (pfd[1].revents & POLLIN)) {
			char peek;
			if (recv(c, &peek, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
				close(c);
				c = -1;
			} else
				keeper_serve(c, &held);
		}
		if (pfd[0].revents & POLLIN) {
			int nc = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
			if (nc == -1)
				continue;
			len = sizeof cred;
			if (getsockopt(nc, SOL_SOCKET, SO_PEERCRED, &cred,
			    &len) == -1 || (cred.uid != geteuid() &&
			    cred.uid != 0)) {
				close(nc);
				continue;
			}
			/* The newest daemon wins; an old one is gone. */
			if (c != -1)
				close(c);
			c = nc;
		}
	}
}

/* ---- the daemon side ---- */

static int
keeper_connect(const struct paths *p)
{
	struct sockaddr_un	sun;
	int			s, dfd;

	if ((dfd = keeper_addr(p, &sun)) == -1)
		return (-1);
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1) {
		close(dfd);
		return (-1);
	}
	if (connect(s, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(s);
		close(dfd);
		return (-1);
	}
	close(dfd);
	return (s);
}

static int
keeper_spawn(const char *self_exe)
{
	char	 buf[128];
	char	*argv[] = { (char *)"opmd", (char *)"--keeper", NULL };

	return (detach_exec(self_exe, argv, buf, sizeof buf) == 0 ? 0 : -1);
}

int
keeper_init(const struct paths *p, const char *self_exe)
{
	if (keeper_sock != -1)
		close(keeper_sock);
	if ((keeper_sock = keeper_connect(p)) != -1)
		return (1);
	if (keeper_spawn(self_exe) == -1) {
		log_warnx("cannot start the descriptor keeper; apps will "
		    "not survive the daemon's death");
		return (-1);
	}
	if ((keeper_sock = keeper_connect(p)) == -1) {
		log_warn("cannot connect to the descriptor keeper");
		return (-1);
	}
	log_info("descriptor keeper started");
	return (0);
}

pid_t
keeper_pid(void)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;

	if (keeper_sock == -1 || getsockopt(keeper_sock, SOL_SOCKET,
	    SO_PEERCRED, &cred, &len) == -1)
		return (0);
	return (cred.pid);
}

void
keeper_hold(uint64_t serial, const char *path, bool als, int fd)
{
	char	msg[KEEPER_MSG];

	if (keeper_sock == -1)
		return;
	snprintf(msg, sizeof msg, "H %" PRIu64 " %d %s", serial, als ? 1 : 0,
	    path);
	if (keeper_send(keeper_sock, msg, fd) == -1)
		log_warn("%s: keeper", __func__);
}

void
keeper_drop(uint64_t serial)
{
	char	msg[64];

	if (keeper_sock == -1)
		return;
	snprintf(msg, sizeof msg, "D %" PRIu64, serial);
	if (keeper_send(keeper_sock, msg, -1) == -1)
		log_warn("%s: keeper", __func__);
}

int
keeper_take(void (*cb)(uint64_t, const char *, bool, int))
{
	char		buf[KEEPER_MSG];
	uint64_t	serial;
	int		fd, als, off;
	ssize_t		n;

	if (keeper_sock == -1 || keeper_send(keeper_sock, "G", -1) == -1)
		return (-1);
	for (;;) {
		if ((n = keeper_recv(keeper_sock, buf, sizeof buf, &fd)) <= 0)
			return (-1);
		if (buf[0] == 'E')
			return (0);
		if (buf[0] == 'F' && fd != -1 && sscanf(buf, "F %" SCNu64
		    " %d %n", &serial, &als, &off) == 2)
			cb(serial, buf + off, als != 0, fd);
		else if (fd != -1)
			close(fd);
	}
}

void
keeper_hold_sock(int id, unsigned idx, int fd)
{
	char	msg[64];

	if (keeper_sock == -1)
		return;
	snprintf(msg, sizeof msg, "S %d %u", id, idx);
	if (keeper_send(keeper_sock, msg, fd) == -1)
		log_warn("%s: keeper", __func__);
}

void
keeper_drop_sock(int id, unsigned idx)
{
	char	msg[64];

	if (keeper_sock == -1)
		return;
	snprintf(msg, sizeof msg, "X %d %u", id, idx);
	if (keeper_send(keeper_sock, msg, -1) == -1)
		log_warn("%s: keeper", __func__);
}

/* 1 when s has a message within ms, 0 on timeout, -1 on error. */
static int
keeper_readable(int s, int ms)
{
	struct pollfd	pfd = { .fd = s, .events = POLLIN };
	int		r;

	while ((r = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		;
	return (r);
}

int
keeper_take_socks(void (*cb)(int id, unsigned idx, int fd))
{
	char		buf[KEEPER_MSG];
	unsigned	idx;
	int		fd, id;
	ssize_t		n;

	if (keeper_sock == -1 || keeper_send(keeper_sock, "L", -1) == -1)
		return (-1);
	for (;;) {
		/*
		 * A keeper of an older opm (kept across a reload that upgraded
		 * the daemon) ignores "L" and never answers: do not wait on it.
		 */
		if (keeper_readable(keeper_sock, KEEPER_WAIT_MS) != 1) {
			log_warnx("%s: the keeper does not hand sockets back",
			    __func__);
			return (-1);
		}
		if ((n = keeper_recv(keeper_sock, buf, sizeof buf, &fd)) <= 0)
			return (-1);
		if (buf[0] == 'E')
			return (0);
		if (buf[0] == 'S' && fd != -1 &&
		    sscanf(buf, "S %d %u", &id, &idx) == 2)
			cb(id, idx, fd);
		else if (fd != -1)
			close(fd);
	}
}

/* The keeper only answers "G" and "L": anything readable here is its end. */
static void
keeper_poll_cb(uv_poll_t *h, int status, int events)
{
	char	c;

	(void)status;
	if ((events & UV_READABLE) && recv(keeper_sock, &c, 1,
	    MSG_PEEK | MSG_DONTWAIT) > 0)
		return;
	uv_poll_stop(h);
	uv_close((uv_handle_t *)h, handle_free);
	keeper_poll = NULL;
	close(keeper_sock);
	keeper_sock = -1;
	if (keeper_lost != NULL)
		keeper_lost();
}

void
keeper_watch(uv_loop_t *loop, void (*lost)(void))
{
	keeper_lost = lost;
	if (keeper_sock == -1 || keeper_poll != NULL)
		return;
	keeper_poll = xcalloc(1, sizeof *keeper_poll);
	uv_poll_init(loop, keeper_poll, keeper_sock);
	uv_poll_start(keeper_poll, UV_READABLE | UV_DISCONNECT,
	    keeper_poll_cb);
}

void
keeper_quit(void)
{
	keeper_lost = NULL;
	if (keeper_poll != NULL) {
		uv_poll_stop(keeper_poll);
		uv_close((uv_handle_t *)keeper_poll, handle_free);
		keeper_poll = NULL;
	}
	if (keeper_sock != -1) {
		keeper_send(keeper_sock, "Q", -1);
		close(keeper_sock);
		keeper_sock = -1;
	}
}
