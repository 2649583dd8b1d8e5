/*
 * Parsers for values users type: durations, sizes, signal names, app names.
 * Every integer goes through strtoll with full-string and range checks.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opm.h"
#include "parse.h"
#include "xmem.h"

int
parse_int(const char *s, long long min, long long max, long long *out,
    const char **cause)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*cause = "not a number";
		return (-1);
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*cause = "not a number";
		return (-1);
	}
	if (errno == ERANGE) {
		*cause = "out of range";
		return (-1);
	}
	if (v < min) {
		*cause = "too small";
		return (-1);
	}
	if (v > max) {
		*cause = "too large";
		return (-1);
	}
	*out = v;
	return (0);
}

/* A decimal number followed by a unit from table; bare numbers use mult0. */
static int
parse_unit(const char *s, const char *const *units, const uint64_t *mults,
    uint64_t mult0, uint64_t *out, const char **cause)
{
	char		*end;
	unsigned long long v;
	size_t		 i;
	uint64_t	 m = 0;

	if (s == NULL || !isdigit((unsigned char)*s)) {
		*cause = "not a number";
		return (-1);
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE) {
		*cause = "too large";
		return (-1);
	}
	if (*end == '\0')
		m = mult0;
	for (i = 0; m == 0 && units[i] != NULL; i++) {
		if (strcasecmp(end, units[i]) == 0)
			m = mults[i];
	}
	if (m == 0) {
		*cause = "unknown unit";
		return (-1);
	}
	if (v > UINT64_MAX / m || v * m > (uint64_t)INT64_MAX) {
		*cause = "too large";
		return (-1);
	}
	*out = v * m;
	return (0);
}

int
parse_duration(const char *s, uint64_t *ms, const char **cause)
{
	static const char *const units[] = { "ms", "s", "m", "h", "d", NULL };
	static const uint64_t mults[] = { 1, 1000, 60000, 3600000, 86400000 };

	if (parse_unit(s, units, mults, 1, ms, cause) == -1)
		return (-1);
	/* A cap that keeps every sum of durations well inside int64. */
	if (*ms > 100ULL * 365 * 86400000) {
		*cause = "too large";
		return (-1);
	}
	return (0);
}

int
parse_size(const char *s, uint64_t *bytes, const char **cause)
{
	static const char *const units[] = { "b", "k", "kb", "m", "mb", "g",
	    "gb", NULL };
	static const uint64_t mults[] = { 1, 1024, 1024, 1048576, 1048576,
	    1073741824, 1073741824 };

	if (parse_unit(s, units, mults, 1, bytes, cause) == -1)
		return (-1);
	/* 1 PiB: well inside what JSON numbers (doubles) hold exactly. */
	if (*bytes > (1ULL << 50)) {
		*cause = "too large (1P at most)";
		return (-1);
	}
	return (0);
}

static const struct {
	const char	*name;
	int		 num;
} parse_sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int
parse_signal(const char *s)
{
	long long	 v;
	const char	*cause;
	size_t		 i;

	if (s == NULL)
		return (-1);
	/* "SIG40" too: that is how parse_signame writes unnamed ones. */
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (isdigit((unsigned char)*s)) {
		if (parse_int(s, 1, SIGRTMAX, &v, &cause) == -1)
			return (-1);
		return ((int)v);
	}
	for (i = 0; i < sizeof parse_sigs / sizeof parse_sigs[0]; i++) {
		if (strcasecmp(s, parse_sigs[i].name) == 0)
			return (parse_sigs[i].num);
	}
	return (-1);
}

const char *
parse_signame(int sig)
{
	static char	buf[32];
	size_t		i;

	for (i = 0; i < sizeof parse_sigs / sizeof parse_sigs[0]; i++) {
		if (parse_sigs[i].num == sig) {
			snprintf(buf, sizeof buf, "SIG%s", parse_sigs[i].name);
			return (buf);
		}
	}
	snprintf(buf, sizeof buf, "SIG%d", sig);
	return (buf);
}

int
parse_list(const char *s, int (*fn)(const char *, void *), void *arg,
    size_t *nwords)
{
	char	*copy = xstrdup(s), *w, *save = NULL;
	size_t	 n = 0;
	int	 r = 0;

	for (w = strtok_r(copy, ",", &save); w != NULL && r == 0;
	    w = strtok_r(NULL, ",", &save), n++)
		r = fn(w, arg);
	free(copy);
	if (nwords != NULL)
		*nwords = n;
	return (r);
}

bool
parse_name_ok(const char *s)
{
	size_t	i, len = strlen(s);
	bool	digits = true;

	if (len == 0 || len > OPM_NAME_MAX || strcmp(s, "all") == 0)
		return (false);
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return (false);
	/* Blanks at either end would be lost between commands. */
	if (s[0] == ' ' || s[len - 1] == ' ')
		return (false);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (!isdigit(c))
			digits = false;
		/* '/' paths, ',' target lists. */
		if (c < 0x20 || c == 0x7f || c == '/' || c == ',')
			return (false);
	}
	/* NAME:K names instance K: a name may hold ':', not end in ":K". */
	for (i = len; i > 0 && isdigit((unsigned char)s[i - 1]); i--)
		;
	if (i < len && i > 0 && s[i - 1] == ':')
		return (false);
	return (!digits && parse_utf8_ok(s, len));
}

bool
parse_name_new_ok(const char *s)
{
	return (parse_name_ok(s) && s[0] != '-');
}

bool
parse_utf8_ok(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		/* Eight ASCII bytes, none NUL, at a time: most text is. */
		while (len - i >= 8) {
			uint64_t	w;

			memcpy(&w, p + i, 8);
			/* A high bit set, or a byte that was 0x00. */
			if (((w | ~((w | 0x8080808080808080ULL) -
			    0x0101010101010101ULL)) & 0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i == len)
			break;
		if (p[i] == 0)
			return (false);
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return (false);
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return (false);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (false);
		i += n + 1;
	}
	return (true);
}

void
parse_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t	s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
	else
		snprintf(buf, len, "%llud", (unsigned long long)(s / 86400));
}

void
parse_fmt_size(uint64_t b, char *buf, size_t len)
{
	if (b < 1024)
		snprintf(buf, len, "%lluB", (unsigned long long)b);
	else if (b < 1024 * 1024)
		snprintf(buf, len, "%.1fK", b / 1024.0);
	else if (b < 1024ULL * 1024 * 1024)
		snprintf(buf, len, "%.1fM", b / 1048576.0);
	else
		snprintf(buf, len, "%.1fG", b / 1073741824.0);
}

void
parse_line_col(const char *buf, size_t len, size_t off, size_t *line,
    size_t *col)
{
	size_t	i;

	*line = *col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}
