/*
 * PM2's log_date_format (moment.js tokens, which day.js shares) into a
 * strftime-style format, and that format expanded for a log line. The
 * tokens are matched longest first, as moment's own tokenizer does.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "logfmt.h"

static const struct {
	const char	*token;
	const char	*conv;		/* NULL: refused */
} logfmt_tokens[] = {
	{ "YYYYYY", NULL }, { "YYYYY", NULL },
	{ "YYYY", "%Y" }, { "YY", "%y" }, { "Y", "%Y" },
	{ "GGGG", "%G" }, { "GG", "%g" },
	{ "MMMM", "%B" }, { "MMM", "%b" }, { "MM", "%m" }, { "Mo", NULL },
	{ "M", "%-m" },
	{ "DDDD", "%j" }, { "DDDo", NULL }, { "DDD", "%-j" }, { "DD", "%d" },
	{ "Do", NULL }, { "D", "%-d" },
	{ "dddd", "%A" }, { "ddd", "%a" }, { "dd", NULL }, { "do", NULL },
	{ "d", "%w" }, { "E", "%u" },
	{ "WW", "%V" }, { "Wo", NULL }, { "W", "%-V" },
	{ "HH", "%H" }, { "H", "%-H" }, { "hh", "%I" }, { "h", "%-I" },
	{ "kk", NULL }, { "k", NULL },
	{ "mm", "%M" }, { "m", "%-M" }, { "ss", "%S" }, { "s", "%-S" },
	{ "SSS", "%3L" }, { "SS", "%2L" }, { "S", "%1L" },
	{ "ZZ", "%z" }, { "Z", "%:z" }, { "zz", NULL }, { "z", NULL },
	{ "A", "%p" }, { "a", "%P" },
	{ "X", "%s" }, { "x", "%Q" },
	{ "Q", NULL }, { "N", NULL }, { "w", NULL }, { "e", NULL },
	{ "g", NULL }, { "y", NULL },
};

static int
logfmt_put(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + n >= len)
		return (-1);
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return (0);
}

/* A literal character: '%' doubled. */
static int
logfmt_lit(char *out, size_t len, size_t *o, char c)
{
	if (c == '%')
		return (logfmt_put(out, len, o, "%%", 2));
	return (logfmt_put(out, len, o, &c, 1));
}

int
logfmt_translate(const char *m, char *out, size_t len, const char **cause)
{
	static char	 why[96];
	const char	*end;
	size_t		 o = 0, i, n;

	if (len == 0 || *m == '\0') {
		*cause = "must not be empty";
		return (-1);
	}
	out[0] = '\0';
	while (*m != '\0') {
		if (*m == '[') {
			/* [text]: kept as it is. */
			if ((end = strchr(m + 1, ']')) == NULL) {
				*cause = "'[' without its ']'";
				return (-1);
			}
			for (m++; m < end; m++) {
				if (logfmt_lit(out, len, &o, *m) == -1)
					goto toolong;
			}
			m++;
			continue;
		}
		for (i = 0; i < sizeof logfmt_tokens / sizeof logfmt_tokens[0];
		    i++) {
			n = strlen(logfmt_tokens[i].token);
			if (strncmp(m, logfmt_tokens[i].token, n) == 0)
				break;
		}
		if (i == sizeof logfmt_tokens / sizeof logfmt_tokens[0]) {
			if (logfmt_lit(out, len, &o, *m++) == -1)
				goto toolong;
			continue;
		}
		if (logfmt_tokens[i].conv == NULL) {
			snprintf(why, sizeof why, "token '%s' is not supported "
			    "(use [text] for literal letters)",
			    logfmt_tokens[i].token);
			*cause = why;
			return (-1);
		}
		if (logfmt_put(out, len, &o, logfmt_tokens[i].conv,
		    strlen(logfmt_tokens[i].conv)) == -1)
			goto toolong;
		m += n;
	}
	return (0);
toolong:
	*cause = "too long";
	return (-1);
}

/* One conversion, built above from a fixed set: not user text. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t
logfmt_strftime(char *buf, size_t len, const char *one, const struct tm *tm)
{
	return (strftime(buf, len, one, tm));
}
#pragma GCC diagnostic pop

size_t
logfmt_format(const char *f, const struct timeval *tv, char *buf, size_t len)
{
	struct tm	 tm;
	char		 one[8], tmp[64];
	size_t		 o = 0, n, k;
	long		 off;

	if (len == 0)
		return (0);
	buf[0] = '\0';
	localtime_r(&tv->tv_sec, &tm);
	while (*f != '\0' && o + 1 < len) {
		if (*f != '%') {
			buf[o++] = *f++;
			continue;
		}
		f++;
		n = 0;
		if (*f >= '1' && *f <= '3' && f[1] == 'L') {
			/* Fractions of the second: 1 to 3 digits. */
			snprintf(tmp, sizeof tmp, "%03d",
			    (int)(tv->tv_usec / 1000));
			n = (size_t)(*f - '0');
			f += 2;
		} else if (*f == ':' && f[1] == 'z') {
			off = tm.tm_gmtoff;
			snprintf(tmp, sizeof tmp, "%c%02ld:%02ld",
			    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
			    (off < 0 ? -off : off) / 60 % 60);
			n = strlen(tmp);
			f += 2;
		} else if (*f == 'Q') {
			snprintf(tmp, sizeof tmp, "%lld", (long long)tv->tv_sec *
			    1000 + tv->tv_usec / 1000);
			n = strlen(tmp);
			f++;
		} else if (*f != '\0') {
			/* One strftime conversion, "%X" or "%-X". */
			k = 0;
			one[k++] = '%';
			if (*f == '-' && f[1] != '\0')
				one[k++] = *f++;
			one[k++] = *f++;
			one[k] = '\0';
			n = logfmt_strftime(tmp, sizeof tmp, one, &tm);
		}
		if (n > len - 1 - o)
			n = len - 1 - o;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
	return (o);
}
