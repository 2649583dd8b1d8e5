/*
 * The listening sockets opm owns for an app (the listen key, issue 14 item
 * 3). The daemon binds each address once, when the app is created, and
 * passes the sockets to every process of the app with the systemd
 * socket-activation protocol (fds 3.., LISTEN_FDS, LISTEN_PID,
 * LISTEN_FDNAMES; proc.c places them). It never accepts on them. They
 * outlive the app's processes, so connections made during a restart wait
 * in the backlog, and the daemon itself: the keeper holds a duplicate of
 * each, tagged with the app id and index, and gives them to a successor;
 * a re-exec inherits them. They close when the app is deleted, or when the
 * daemon stops cleanly with every app stopped.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "app.h"
#include "keeper.h"
#include "log.h"
#include "xmem.h"

/* A socket handed over before its app exists again. */
struct app_lstash {
	int		 id;
	unsigned	 idx;
	int		 fd;
};

static struct app_lstash	*app_lstash;
static size_t			 app_nlstash;

static size_t
app_listen_n(const struct app_conf *c)
{
	return (xlenv(c->listen));
}

/* The address of spec without its "NAME=". */
static const char *
app_listen_addr(const char *spec)
{
	const char	*eq = strchr(spec, '=');

	if (eq != NULL && strncmp(spec, "tcp://", 6) != 0 &&
	    strncmp(spec, "unix:", 5) != 0)
		return (eq + 1);
	return (spec);
}

/*
 * A unix path may be bound over only when it is a socket nobody listens
 * on (left by a daemon or app that is gone); anything else is refused,
 * never removed.
 */
static int
app_listen_unix_free(const struct addr *a, const char *spec, char *cause,
    size_t clen)
{
	const struct sockaddr_un	*un = (const void *)&a->ss;
	struct stat			 st;
	int				 s, r, e;

	if (lstat(un->sun_path, &st) == -1) {
		if (errno == ENOENT)
			return (0);
		snprintf(cause, clen, "listen %s: %s", spec, strerror(errno));
		return (-1);
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(cause, clen, "listen %s: the path exists and is not a "
		    "socket; not removed", spec);
		return (-1);
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(cause, clen, "listen %s: socket: %s", spec,
		    strerror(errno));
		return (-1);
	}
	r = connect(s, (const struct sockaddr *)&a->ss, a->len);
	e = errno;
	close(s);
	if (r == 0 || e == EAGAIN) {
		snprintf(cause, clen, "listen %s: %s (a process listens "
		    "there)", spec, strerror(EADDRINUSE));
		return (-1);
	}
	if (unlink(un->sun_path) == -1 && errno != ENOENT) {
		snprintf(cause, clen, "listen %s: cannot remove the stale "
		    "socket: %s", spec, strerror(errno));
		return (-1);
	}
	return (0);
}

/* One bound, listening socket for spec; -1 with a cause naming it. */
static int
app_listen_bind_one(const char *spec, char *cause, size_t clen)
{
	struct addr	 a;
	const char	*why, *what = "socket";
	mode_t		 old = 0;
	int		 fd, one = 1, r;

	spec = app_listen_addr(spec);
	if (addr_parse(spec, &a, &why) == -1) {
		snprintf(cause, clen, "listen %s: %s", spec, why);
		return (-1);
	}
	if (a.family == AF_UNIX && app_listen_unix_free(&a, spec, cause,
	    clen) == -1)
		return (-1);
	/* Blocking, as systemd passes them: the app decides, not us. */
	if ((fd = socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	what = "setsockopt";
	if (a.family != AF_UNIX && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof one) == -1)
		goto fail;
	/* 0660: the app's group may connect (the daemon's umask is 077). */
	if (a.family == AF_UNIX)
		old = umask(0117);
	r = bind(fd, (const struct sockaddr *)&a.ss, a.len);
	if (a.family == AF_UNIX)
		umask(old);
	what = "bind";
	if (r == -1)
		goto fail;
	what = "listen";
	if (listen(fd, SOMAXCONN) == -1)
		goto fail;
	return (fd);
fail:
	snprintf(cause, clen, "listen %s: %s%s%s", spec,
	    strcmp(what, "bind") == 0 ? "" : what,
	    strcmp(what, "bind") == 0 ? "" : ": ", strerror(errno));
	if (fd != -1)
		close(fd);
	return (-1);
}

/* Unlinks the path of a unix socket of ours, if it still is a socket. */
static void
app_listen_unlink(const char *spec)
{
	struct addr	 a;
	struct stat	 st;
	const char	*why, *path;

	if (addr_parse(spec, &a, &why) == -1 || a.family != AF_UNIX)
		return;
	path = ((const struct sockaddr_un *)&a.ss)->sun_path;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

/*
 * Instances share their sockets: another instance of c's app (not b)
 * holding its socket index i, or NULL. Each instance holds duplicates of
 * one socket, so a scale down or a lost keeper leaves the others theirs.
 */
static const struct app *
app_listen_holder(const struct app_conf *c, const struct app *b, size_t i)
{
	const struct app	*a;

	if (c->instances == 0)
		return (NULL);
	TAILQ_FOREACH(a, &apps, entry) {
		if (a != b && a->lfds != NULL &&
		    strcmp(a->conf.name, c->name) == 0 &&
		    i < app_listen_n(&a->conf) && a->lfds[i] != -1)
			return (a);
	}
	return (NULL);
}

int
app_listen_bind(const struct app_conf *c, int **lfds, char *cause,
    size_t clen)
{
	const struct app	*h;
	size_t			 n = app_listen_n(c), i;
	int			*fds;

	*lfds = NULL;
	if (n == 0)
		return (0);
	fds = xcalloc(n, sizeof *fds);
	for (i = 0; i < n; i++) {
		/* A new instance: the sockets its app has already. */
		if ((h = app_listen_holder(c, NULL, i)) != NULL &&
		    (fds[i] = fcntl(h->lfds[i], F_DUPFD_CLOEXEC, 3)) != -1)
			continue;
		if ((fds[i] = app_listen_bind_one(c->listen[i], cause,
		    clen)) == -1) {
			while (i-- > 0) {
				close(fds[i]);
				app_listen_unlink(c->listen[i]);
			}
			free(fds);
			return (-1);
		}
	}
	*lfds = fds;
	return (0);
}

void
app_listen_unbind(const struct app_conf *c, int *lfds)
{
	size_t	n = app_listen_n(c), i;

	for (i = 0; lfds != NULL && i < n; i++) {
		if (lfds[i] == -1)
			continue;
		close(lfds[i]);
		if (app_listen_holder(c, NULL, i) == NULL)
			app_listen_unlink(c->listen[i]);
	}
	free(lfds);
}

void
app_listen_attach(struct app *a, int *lfds)
{
	size_t	n = app_listen_n(&a->conf), i;

	if (a->lfds != lfds) {
		free(a->lfds);
		a->lfds = lfds;
	}
	for (i = 0; lfds != NULL && i < n; i++) {
		if (lfds[i] != -1)
			keeper_hold_sock(a->id, (unsigned)i, lfds[i]);
	}
}

/* The app's descriptor array, allocated with every slot -1. */
static int *
app_listen_slots(struct app *a)
{
	size_t	n = app_listen_n(&a->conf), i;

	if (a->lfds == NULL && n > 0) {
		a->lfds = xcalloc(n, sizeof *a->lfds);
		for (i = 0; i < n; i++)
			a->lfds[i] = -1;
	}
	return (a->lfds);
}

int
app_listen_ready(struct app *a, char *cause, size_t clen)
{
	const struct app	*h;
	size_t			 n = app_listen_n(&a->conf), i;
	int			*fds = app_listen_slots(a);

	for (i = 0; i < n; i++) {
		if (fds[i] != -1)
			continue;
		h = app_listen_holder(&a->conf, a, i);
		/* Lost with a keeper: bound again, the old app is gone. */
		if (h != NULL && (fds[i] = fcntl(h->lfds[i], F_DUPFD_CLOEXEC,
		    3)) == -1) {
			snprintf(cause, clen, "listen: %s", strerror(errno));
			return (-1);
		}
		if (h == NULL && (fds[i] = app_listen_bind_one(
		    a->conf.listen[i], cause, clen)) == -1)
			return (-1);
		log_info("%s: bound %s again", a->conf.name,
		    app_listen_addr(a->conf.listen[i]));
		keeper_hold_sock(a->id, (unsigned)i, fds[i]);
	}
	return (0);
}

char *
app_listen_names(const struct app *a)
{
	struct addr	 ad;
	const char	*why;
	size_t		 n = app_listen_n(&a->conf), i, len;
	char		*s;

	len = 1 + n * (ADDR_NAME_MAX + OPM_NAME_MAX + 1);
	s = xcalloc(1, len);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(s, ":", len);
		/* Unnamed: the app's name, as systemd names by the unit. */
		if (addr_parse(a->conf.listen[i], &ad, &why) == 0 &&
		    ad.name[0] != '\0')
			strlcat(s, ad.name, len);
		else
			strlcat(s, a->conf.name, len);
	}
	return (s);
}

void
app_listen_close(struct app *a)
{
	size_t	n = app_listen_n(&a->conf), i;

	for (i = 0; a->lfds != NULL && i < n; i++) {
		if (a->lfds[i] == -1)
			continue;
		keeper_drop_sock(a->id, (unsigned)i);
		close(a->lfds[i]);
		/* Its other instances keep the path. */
		if (app_listen_holder(&a->conf, a, i) == NULL)
			app_listen_unlink(a->conf.listen[i]);
		log_info("%s: closed %s", a->conf.name,
		    app_listen_addr(a->conf.listen[i]));
	}
	free(a->lfds);
	a->lfds = NULL;
}

void
app_listen_close_all(void)
{
	struct app	*a;
	size_t		 i, n;

	TAILQ_FOREACH(a, &apps, entry) {
		n = app_listen_n(&a->conf);
		for (i = 0; a->lfds != NULL && i < n; i++) {
			if (a->lfds[i] == -1)
				continue;
			close(a->lfds[i]);
			a->lfds[i] = -1;
			app_listen_unlink(a->conf.listen[i]);
		}
	}
}

void
app_listen_stash(int id, unsigned idx, int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	app_lstash = xreallocarray(app_lstash, app_nlstash + 1,
	    sizeof *app_lstash);
	app_lstash[app_nlstash].id = id;
	app_lstash[app_nlstash].idx = idx;
	app_lstash[app_nlstash++].fd = fd;
}

void
app_listen_takeover(const cJSON *sockets)
{
	const cJSON	*e, *id, *idx, *fd;

	cJSON_ArrayForEach(e, sockets) {
		id = cJSON_GetObjectItem(e, "id");
		idx = cJSON_GetObjectItem(e, "index");
		fd = cJSON_GetObjectItem(e, "fd");
		if (cJSON_IsNumber(id) && cJSON_IsNumber(idx) &&
		    cJSON_IsNumber(fd) && fd->valuedouble >= 0)
			app_listen_stash((int)id->valuedouble,
			    (unsigned)idx->valuedouble, (int)fd->valuedouble);
	}
}

/* Whether the bound socket fd is the one spec asks for. */
static bool
app_listen_matches(const char *spec, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	struct addr		 a;
	const char		*why;
	int			 type, port;
	socklen_t		 tlen = sizeof type;

	if (addr_parse(spec, &a, &why) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == -1 ||
	    type != SOCK_STREAM || ss.ss_family != a.family)
		return (false);
	if (a.family == AF_UNIX)
		return (strcmp(((struct sockaddr_un *)&ss)->sun_path,
		    ((struct sockaddr_un *)&a.ss)->sun_path) == 0);
	/* Port 0 was the kernel's choice: any port is it. */
	if ((port = addr_port(&a)) == 0) {
		if (a.family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	}
	return (len == a.len && memcmp(&ss, &a.ss, len) == 0);
}

void
app_listen_claim(struct app *a)
{
	size_t	n = app_listen_n(&a->conf), i;
	int	*fds;

	for (i = 0; i < app_nlstash; ) {
		if (app_lstash[i].id != a->id) {
			i++;
			continue;
		}
		fds = app_listen_slots(a);
		if (app_lstash[i].idx < n && fds[app_lstash[i].idx] == -1 &&
		    app_listen_matches(a->conf.listen[app_lstash[i].idx],
		    app_lstash[i].fd))
			fds[app_lstash[i].idx] = app_lstash[i].fd;
		else {
			log_warnx("%s: socket %u handed over is not one of "
			    "its listen addresses: closed", a->conf.name,
			    app_lstash[i].idx);
			keeper_drop_sock(a->id, app_lstash[i].idx);
			close(app_lstash[i].fd);
		}
		app_lstash[i] = app_lstash[--app_nlstash];
	}
}

void
app_listen_unclaimed(void)
{
	size_t	i;

	for (i = 0; i < app_nlstash; i++) {
		log_warnx("socket %u of app id %d: no such app; closed",
		    app_lstash[i].idx, app_lstash[i].id);
		keeper_drop_sock(app_lstash[i].id, app_lstash[i].idx);
		close(app_lstash[i].fd);
	}
	free(app_lstash);
	app_lstash = NULL;
	app_nlstash = 0;
}

void
app_listen_rehold(void)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry)
		app_listen_attach(a, a->lfds);
}

cJSON *
app_listen_handover(void)
{
	struct app	*a;
	cJSON		*arr = cJSON_CreateArray(), *o;
	size_t		 i, n;

	TAILQ_FOREACH(a, &apps, entry) {
		n = app_listen_n(&a->conf);
		for (i = 0; a->lfds != NULL && i < n; i++) {
			if (a->lfds[i] == -1)
				continue;
			/* Kept open across exec. */
			fcntl(a->lfds[i], F_SETFD, 0);
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", a->id);
			cJSON_AddNumberToObject(o, "index", (double)i);
			cJSON_AddNumberToObject(o, "fd", a->lfds[i]);
			cJSON_AddItemToArray(arr, o);
		}
	}
	return (arr);
}

cJSON *
app_listen_json(const struct app *a)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct addr		 ad;
	cJSON			*arr = cJSON_CreateArray(), *o;
	const char		*why;
	char			 buf[ADDR_TEXT_MAX];
	size_t			 i, n = app_listen_n(&a->conf);

	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "address",
		    app_listen_addr(a->conf.listen[i]));
		if (addr_parse(a->conf.listen[i], &ad, &why) == 0 &&
		    ad.name[0] != '\0')
			cJSON_AddStringToObject(o, "name", ad.name);
		else
			cJSON_AddStringToObject(o, "name", a->conf.name);
		len = sizeof ss;
		if (a->lfds != NULL && a->lfds[i] != -1 && getsockname(
		    a->lfds[i], (struct sockaddr *)&ss, &len) == 0) {
			addr_format((struct sockaddr *)&ss, len, buf,
			    sizeof buf);
			cJSON_AddStringToObject(o, "bound", buf);
		} else
			cJSON_AddNullToObject(o, "bound");
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}
