/*
 * Output targets other than the log files (include/logsink.h). The journal
 * and syslog get one datagram per line on an unbound SOCK_DGRAM socket,
 * sent with MSG_DONTWAIT: the daemon's loop never waits on a journal that
 * is slow or gone. The files stay the lossless record; a line a socket
 * refuses is counted and dropped.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logsink.h"
#include "xmem.h"

#define LOGSINK_LINE_MAX	(64 * 1024)

static const char *const logsink_names[] = {
	"file", "journal", "syslog", "stdout", NULL
};

int
logsink_parse(const cJSON *v, unsigned *mask, const char **cause)
{
	const cJSON	*e;
	unsigned	 m = 0, bit;
	int		 i;

	*cause = "must be file, journal, syslog or stdout, or an array of "
	    "them";
	if (!cJSON_IsString(v) && (!cJSON_IsArray(v) ||
	    cJSON_GetArraySize(v) == 0))
		return (-1);
	for (e = cJSON_IsArray(v) ? v->child : v; e != NULL;
	    e = cJSON_IsArray(v) ? e->next : NULL) {
		if (!cJSON_IsString(e))
			return (-1);
		for (i = 0; logsink_names[i] != NULL; i++) {
			if (strcmp(e->valuestring, logsink_names[i]) == 0)
				break;
		}
		if (logsink_names[i] == NULL)
			return (-1);
		bit = 1u << i;
		if (m & bit) {
			*cause = "a target given twice";
			return (-1);
		}
		m |= bit;
	}
	*mask = m;
	return (0);
}

cJSON *
logsink_to_json(unsigned mask)
{
	cJSON	*a;
	int	 i, n = 0;

	for (i = 0; logsink_names[i] != NULL; i++)
		n += (mask >> i) & 1;
	if (n == 1) {
		for (i = 0; !((mask >> i) & 1); i++)
			;
		return (cJSON_CreateString(logsink_names[i]));
	}
	a = cJSON_CreateArray();
	for (i = 0; logsink_names[i] != NULL; i++) {
		if ((mask >> i) & 1)
			cJSON_AddItemToArray(a,
			    cJSON_CreateString(logsink_names[i]));
	}
	return (a);
}

/* Appends n bytes at *o when they fit; *o counts them anyway. */
static void
logsink_put(char *buf, size_t len, size_t *o, const void *p, size_t n)
{
	if (*o < len && n <= len - *o)
		memcpy(buf + *o, p, n);
	*o += n;
}

/* Whether the journal needs the binary form for these bytes. */
static bool
logsink_binary(const char *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return (true);
	}
	return (false);
}

/* One field of the native protocol. */
static void
logsink_field(char *buf, size_t len, size_t *o, const char *key,
    const char *v, size_t n)
{
	unsigned char	le[8];
	uint64_t	u = n;
	int		i;

	logsink_put(buf, len, o, key, strlen(key));
	if (logsink_binary(v, n)) {
		for (i = 0; i < 8; i++)
			le[i] = (unsigned char)(u >> (8 * i));
		logsink_put(buf, len, o, "\n", 1);
		logsink_put(buf, len, o, le, 8);
	} else
		logsink_put(buf, len, o, "=", 1);
	logsink_put(buf, len, o, v, n);
	logsink_put(buf, len, o, "\n", 1);
}

size_t
logsink_journal_encode(const struct logsink_from *f, const char *line,
    size_t n, char *buf, size_t len)
{
	char	num[16];
	size_t	o = 0;

	logsink_field(buf, len, &o, "MESSAGE", line, n);
	logsink_field(buf, len, &o, "PRIORITY", f->err ? "3" : "6", 1);
	logsink_field(buf, len, &o, "SYSLOG_FACILITY", "3", 1);
	logsink_field(buf, len, &o, "SYSLOG_IDENTIFIER", f->app,
	    strlen(f->app));
	logsink_field(buf, len, &o, "OPM_APP", f->app, strlen(f->app));
	if (f->instance >= 0) {
		snprintf(num, sizeof num, "%d", f->instance);
		logsink_field(buf, len, &o, "OPM_INSTANCE", num, strlen(num));
	}
	return (o);
}

size_t
logsink_syslog_encode(const struct logsink_from *f, const char *line,
    size_t n, time_t t, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;
	char		head[160];
	size_t		o = 0;
	int		h;

	localtime_r(&t, &tm);
	/* Facility daemon (3): 24 + severity. */
	if (f->instance >= 0)
		h = snprintf(head, sizeof head, "<%d>%s %2d %02d:%02d:%02d "
		    "%.64s-%d: ", 24 + (f->err ? 3 : 6), mon[tm.tm_mon],
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f->app,
		    f->instance);
	else
		h = snprintf(head, sizeof head, "<%d>%s %2d %02d:%02d:%02d "
		    "%.64s: ", 24 + (f->err ? 3 : 6), mon[tm.tm_mon],
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f->app);
	logsink_put(buf, len, &o, head, (size_t)h);
	logsink_put(buf, len, &o, line, n);
	return (o);
}

size_t
logsink_prefix_encode(const struct logsink_from *f, const char *line,
    size_t n, bool raw, char *buf, size_t len)
{
	char	head[96];
	size_t	o = 0;
	int	h = 0;

	if (!raw && f->instance >= 0)
		h = snprintf(head, sizeof head, "%.64s:%d | ", f->app,
		    f->instance);
	else if (!raw)
		h = snprintf(head, sizeof head, "%.64s | ", f->app);
	logsink_put(buf, len, &o, head, (size_t)h);
	logsink_put(buf, len, &o, line, n);
	logsink_put(buf, len, &o, "\n", 1);
	return (o);
}

/* A socket target: its fd (opened at first use), path and drops. */
struct logsink_sock {
	const char	*env;
	const char	*dflt;
	int		 fd;
	struct sockaddr_un sun;
	socklen_t	 sunlen;
	unsigned long	 dropped;
	unsigned long	 warned;	/* dropped when last warned */
};

static struct logsink_sock logsink_journal = {
	LOGSINK_JOURNAL_ENV, LOGSINK_JOURNAL_PATH, -1, { 0 }, 0, 0, 0
};
static struct logsink_sock logsink_syslog = {
	LOGSINK_SYSLOG_ENV, LOGSINK_SYSLOG_PATH, -1, { 0 }, 0, 0, 0
};
static bool	logsink_raw;
static char	logsink_buf[LOGSINK_LINE_MAX + 1024];

void
logsink_set_raw(bool raw)
{
	logsink_raw = raw;
}

unsigned long
logsink_dropped(unsigned target)
{
	if (target == LOGSINK_JOURNAL)
		return (logsink_journal.dropped);
	if (target == LOGSINK_SYSLOG)
		return (logsink_syslog.dropped);
	return (0);
}

static int
logsink_open(struct logsink_sock *s)
{
	const char	*path;

	if (s->fd != -1)
		return (0);
	if ((path = getenv(s->env)) == NULL || *path == '\0')
		path = s->dflt;
	memset(&s->sun, 0, sizeof s->sun);
	s->sun.sun_family = AF_UNIX;
	if (strlcpy(s->sun.sun_path, path, sizeof s->sun.sun_path) >=
	    sizeof s->sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	s->sunlen = sizeof s->sun;
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return (s->fd == -1 ? -1 : 0);
}

static void
logsink_send(struct logsink_sock *s, const char *what, size_t n)
{
	ssize_t	r = -1;

	if (logsink_open(s) == 0) {
		do
			r = sendto(s->fd, what, n, MSG_DONTWAIT | MSG_NOSIGNAL,
			    (struct sockaddr *)&s->sun, s->sunlen);
		while (r == -1 && errno == EINTR);
	}
	if (r != -1)
		return;
	/* The first drop, then one warning per 1000 more. */
	if (s->dropped++ == s->warned) {
		log_warn("%s: a line was dropped (%lu so far)",
		    getenv(s->env) != NULL ? getenv(s->env) : s->dflt,
		    s->dropped);
		s->warned = s->dropped + 999;
	}
}

/* write(2) all of it, waiting as a pipe makes us. */
static void
logsink_write(int fd, const char *p, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		if ((r = write(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		p += r;
		n -= (size_t)r;
	}
}

void
logsink_line(unsigned mask, const struct logsink_from *f, const char *line,
    size_t n)
{
	size_t	len;

	if (n > LOGSINK_LINE_MAX)
		n = LOGSINK_LINE_MAX;
	if (mask & LOGSINK_JOURNAL) {
		len = logsink_journal_encode(f, line, n, logsink_buf,
		    sizeof logsink_buf);
		if (len <= sizeof logsink_buf)
			logsink_send(&logsink_journal, logsink_buf, len);
	}
	if (mask & LOGSINK_SYSLOG) {
		len = logsink_syslog_encode(f, line, n, time(NULL),
		    logsink_buf, sizeof logsink_buf);
		if (len <= sizeof logsink_buf)
			logsink_send(&logsink_syslog, logsink_buf, len);
	}
	if (mask & LOGSINK_STDOUT) {
		len = logsink_prefix_encode(f, line, n, logsink_raw,
		    logsink_buf, sizeof logsink_buf);
		if (len <= sizeof logsink_buf)
			logsink_write(f->err ? 2 : 1, logsink_buf, len);
	}
}
