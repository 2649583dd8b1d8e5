/*
 * Daemon log in relayd's style: log_warn appends strerror, log_warnx does
 * not, fatal exits. Lines carry an ISO 8601 UTC timestamp and a level. The
 * file is capped: past max_size it is renamed to .1 and reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int		 log_fd = 2;
static char		*log_path;
static size_t		 log_max;
static size_t		 log_size;
static enum log_level	 log_lvl = LOG_LVL_INFO;

/* A symbolic link at the log's path is never followed (O_NOFOLLOW). */
static int
log_open(void)
{
	struct stat	st;
	int		fd;

	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		log_fd = 2;
		return (-1);
	}
	log_fd = fd;
	log_size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	return (0);
}

int
log_init(const char *path, size_t max_size, enum log_level level)
{
	log_lvl = level;
	if (getenv("OPM_DEBUG") != NULL)
		log_lvl = LOG_LVL_DEBUG;
	if (log_fd > 2)
		close(log_fd);
	free(log_path);
	log_path = NULL;
	log_fd = 2;
	if (path == NULL)
		return (0);
	log_path = strdup(path);
	log_max = max_size;
	if (log_path == NULL || log_open() == -1)
		return (-1);
	return (0);
}

static void
log_rotate(void)
{
	char	old[4200];

	snprintf(old, sizeof old, "%s.1", log_path);
	if (rename(log_path, old) == -1)
		return;
	close(log_fd);
	log_open();
}

static void
log_vwrite(enum log_level lvl, int err, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char		 line[2048];
	struct timeval	 tv;
	struct tm	 tm;
	int		 n, m;

	if (lvl > log_lvl)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = snprintf(line, sizeof line,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s: ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(tv.tv_usec / 1000), names[lvl]);
	m = vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	if (err != 0)
		n += snprintf(line + n, sizeof line - n, ": %s", strerror(err));
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	if (write(log_fd, line, n) > 0 && log_path != NULL) {
		log_size += n;
		if (log_max > 0 && log_size >= log_max)
			log_rotate();
	}
}

#define LOG_FN(fn, lvl, witherr)				\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	ap;						\
	int	saved = errno;					\
								\
	va_start(ap, fmt);					\
	log_vwrite(lvl, witherr ? saved : 0, fmt, ap);		\
	va_end(ap);						\
	errno = saved;						\
}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
