/*
 * Cron expressions: the parser, the search for the next matching time on a
 * calendar without zone, and the next time in a named zone (include/cron.h
 * says the syntax and the rules for time changes).
 *
 * The zone is libc's: cron_next sets TZ to the zone, calls tzset and reads
 * offsets with localtime_r (tm_gmtoff), then sets TZ back. glibc reads the
 * zone's TZif file once per switch and keeps it, so no tz database parser is
 * written here. The search is done on wall-clock time, segment by segment:
 * within a stretch of constant offset, wall time is instant plus offset;
 * where the offset changes (found by probing every 6 hours and halving), the
 * gap and the repeated stretch get the rules of cron.h.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cron.h"
#include "xmem.h"

#define CRON_DAY	86400
#define CRON_PROBE	(6 * 3600)	/* no zone changes twice in 6 h */
#define CRON_YEARS	10		/* the search gives up after */
#define CRON_ALL_HOURS	0xffffffu

static const char *const cron_months[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
	"NOV", "DEC", NULL
};
static const char *const cron_days[] = {
	"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL
};

struct cron_field {
	const char		 *name;
	int			  lo, hi;
	const char *const	 *names;	/* names of lo, lo + 1, ... */
	const char		 *what;		/* for "is not ..." */
};

/* Seconds first: a 5-field expression starts at the minute. */
static const struct cron_field cron_fields[6] = {
	{ "second", 0, 59, NULL, "a second (0-59)" },
	{ "minute", 0, 59, NULL, "a minute (0-59)" },
	{ "hour", 0, 23, NULL, "an hour (0-23)" },
	{ "day-of-month", 1, 31, NULL, "a day of the month (1-31)" },
	{ "month", 1, 12, cron_months, "a month (1-12 or JAN-DEC)" },
	{ "day-of-week", 0, 7, cron_days,
	    "a day of the week (0-7 or SUN-SAT)" },
};

static const struct {
	const char	*name;
	const char	*expr;
} cron_macros[] = {
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* One value of field f at s (n bytes): a number or a name; -1 if neither. */
static int
cron_value(const struct cron_field *f, const char *s, size_t n, int *out)
{
	size_t	i;
	int	v = 0;

	if (n == 0)
		return (-1);
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)s[i]) || i >= 3)
				return (-1);
			v = v * 10 + (s[i] - '0');
		}
		*out = v;
		return (0);
	}
	for (i = 0; f->names != NULL && f->names[i] != NULL; i++) {
		if (n == 3 && strncasecmp(s, f->names[i], 3) == 0) {
			*out = f->lo + (int)i;
			return (0);
		}
	}
	return (-1);
}

/* One item of a list (N, N-M, *, with /S): its bits into *bits. */
static int
cron_item(const struct cron_field *f, const char *s, size_t n,
    uint64_t *bits, char *cause, size_t clen)
{
	const char	*slash, *dash;
	size_t		 an;
	int		 a, b, step = 1, v, w;

	slash = memchr(s, '/', n);
	an = slash != NULL ? (size_t)(slash - s) : n;
	if (slash != NULL) {
		if (cron_value(&cron_fields[0], slash + 1, n - an - 1,
		    &step) == -1 || step < 1 || step > f->hi) {
			snprintf(cause, clen, "%s: '%.*s': the step must be a "
			    "number from 1 to %d", f->name, (int)n, s, f->hi);
			return (-1);
		}
	}
	if (an == 1 && (s[0] == '*' || s[0] == '?')) {
		if (s[0] == '?' && f != &cron_fields[3] &&
		    f != &cron_fields[5]) {
			snprintf(cause, clen, "%s: '%.*s': '?' is for the "
			    "day fields only", f->name, (int)n, s);
			return (-1);
		}
		a = f->lo;
		b = f->hi == 7 ? 6 : f->hi;
	} else {
		dash = memchr(s, '-', an);
		if (cron_value(f, s, dash != NULL ? (size_t)(dash - s) : an,
		    &a) == -1 || (dash != NULL && cron_value(f, dash + 1,
		    an - (dash - s) - 1, &b) == -1)) {
			snprintf(cause, clen, "%s: '%.*s' is not %s", f->name,
			    (int)n, s, f->what);
			return (-1);
		}
		if (dash == NULL)
			b = slash != NULL ? f->hi : a;
		if (a < f->lo || a > f->hi || b < f->lo || b > f->hi) {
			snprintf(cause, clen, "%s: '%.*s' is out of range "
			    "%d-%d", f->name, (int)n, s, f->lo, f->hi);
			return (-1);
		}
		if (b < a) {
			snprintf(cause, clen, "%s: '%.*s': the range goes "
			    "backwards", f->name, (int)n, s);
			return (-1);
		}
	}
	for (v = a; v <= b; v += step) {
		w = f->hi == 7 && v == 7 ? 0 : v;	/* 7 is Sunday */
		*bits |= 1ULL << w;
	}
	return (0);
}

/* One field: items joined by ','. */
static int
cron_field(const struct cron_field *f, const char *s, size_t n,
    uint64_t *bits, bool *star, char *cause, size_t clen)
{
	const char	*end = s + n, *comma;

	*bits = 0;
	while (s <= end) {
		comma = memchr(s, ',', end - s);
		if (comma == NULL)
			comma = end;
		if (comma == s) {
			snprintf(cause, clen, "%s: '%.*s': an empty item",
			    f->name, (int)n, end - n);
			return (-1);
		}
		if (cron_item(f, s, comma - s, bits, cause, clen) == -1)
			return (-1);
		s = comma + 1;
	}
	/* Vixie: a field "is *" when it begins with '*' (or '?'). */
	*star = *(end - n) == '*' || *(end - n) == '?';
	return (0);
}

static bool
cron_leap(int64_t y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static int
cron_mdays(int64_t y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };

	return (m == 2 && cron_leap(y) ? 29 : days[m - 1]);
}

/* Some day of the months given exists (day-of-month alone decides). */
static bool
cron_possible(const struct cron *c)
{
	int	m, d;

	for (m = 1; m <= 12; m++) {
		for (d = 1; d <= (m == 2 ? 29 : cron_mdays(2001, m)); d++) {
			if ((c->mon & (1u << m)) && (c->dom & (1u << d)))
				return (true);
		}
	}
	return (false);
}

int
cron_parse(const char *expr, struct cron *c, char *cause, size_t clen)
{
	const char	*f[7], *s;
	size_t		 fl[7], nf = 0, i, first;
	uint64_t	 bits[6];
	bool		 star[6];

	memset(c, 0, sizeof *c);
	if (strlen(expr) > CRON_EXPR_MAX) {
		snprintf(cause, clen, "longer than %d bytes", CRON_EXPR_MAX);
		return (-1);
	}
	s = expr + strspn(expr, " \t");
	if (s[0] == '@') {
		for (i = 0; i < sizeof cron_macros / sizeof cron_macros[0];
		    i++) {
			if (strncasecmp(s, cron_macros[i].name,
			    strlen(cron_macros[i].name)) == 0 &&
			    s[strspn(s + strlen(cron_macros[i].name), " \t") +
			    strlen(cron_macros[i].name)] == '\0')
				return (cron_parse(cron_macros[i].expr, c,
				    cause, clen));
		}
		if (strncasecmp(s, "@reboot", 7) == 0)
			snprintf(cause, clen, "'@reboot' is not supported: "
			    "an app starts with the daemon anyway (autostart)");
		else
			snprintf(cause, clen, "'%.*s' is not a macro (@yearly, "
			    "@annually, @monthly, @weekly, @daily, @midnight, "
			    "@hourly)", (int)strcspn(s, " \t"), s);
		return (-1);
	}
	while (*s != '\0') {
		if (nf == 7)
			break;
		f[nf] = s;
		fl[nf] = strcspn(s, " \t");
		s += fl[nf++];
		s += strspn(s, " \t");
	}
	if (nf != 5 && nf != 6) {
		snprintf(cause, clen, "expected 5 fields (minute hour "
		    "day-of-month month day-of-week) or 6 (seconds first), "
		    "got %s%zu", nf == 7 ? "more than " : "", nf == 7 ? 6 : nf);
		return (-1);
	}
	first = nf == 5 ? 1 : 0;
	bits[0] = 1;		/* second 0 */
	star[0] = false;
	for (i = 0; i < nf; i++) {
		if (cron_field(&cron_fields[first + i], f[i], fl[i],
		    &bits[first + i], &star[first + i], cause, clen) == -1)
			return (-1);
	}
	c->sec = bits[0];
	c->min = bits[1];
	c->hour = (uint32_t)bits[2];
	c->dom = (uint32_t)bits[3];
	c->mon = (uint16_t)bits[4];
	c->dow = (uint8_t)bits[5];
	c->dom_star = star[3];
	c->dow_star = star[5];
	if (!c->dom_star && c->dow_star && !cron_possible(c)) {
		snprintf(cause, clen, "day-of-month: '%.*s' never comes in the "
		    "months given", (int)fl[first == 1 ? 2 : 3],
		    f[first == 1 ? 2 : 3]);
		return (-1);
	}
	return (0);
}

bool
cron_every_hour(const struct cron *c)
{
	return (c->hour == CRON_ALL_HOURS);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
cron_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static void
cron_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t
cron_floordiv(int64_t a, int64_t b)
{
	return (a / b - (a % b != 0 && (a < 0) != (b < 0)));
}

/* The smallest bit >= from set in bits, or -1. */
static int
cron_bit(uint64_t bits, int from, int to)
{
	for (; from <= to; from++) {
		if (bits & (1ULL << from))
			return (from);
	}
	return (-1);
}

static bool
cron_day_ok(const struct cron *c, int64_t days, int d)
{
	bool	dom = (c->dom & (1u << d)) != 0;
	bool	dow = (c->dow & (1u << (int)(((days % 7) + 11) % 7))) != 0;

	if (c->dom_star && c->dow_star)
		return (true);
	if (c->dom_star)
		return (dow);
	if (c->dow_star)
		return (dom);
	return (dom || dow);
}

int
cron_next_wall(const struct cron *c, int64_t w, int64_t limit, int64_t *out)
{
	int64_t	days, sod, y;
	int	m, d, h, mi, s, v;

	while (w <= limit) {
		days = cron_floordiv(w, CRON_DAY);
		sod = w - days * CRON_DAY;
		cron_civil_from_days(days, &y, &m, &d);
		if (!(c->mon & (1u << m))) {
			w = cron_days_from_civil(m == 12 ? y + 1 : y,
			    m == 12 ? 1 : m + 1, 1) * CRON_DAY;
			continue;
		}
		if (!cron_day_ok(c, days, d)) {
			w = (days + 1) * CRON_DAY;
			continue;
		}
		h = (int)(sod / 3600);
		mi = (int)(sod % 3600 / 60);
		s = (int)(sod % 60);
		if ((v = cron_bit(c->hour, h, 23)) != h) {
			w = v == -1 ? (days + 1) * CRON_DAY :
			    days * CRON_DAY + v * 3600;
			continue;
		}
		if ((v = cron_bit(c->min, mi, 59)) != mi) {
			w = days * CRON_DAY + h * 3600 + (v == -1 ?
			    3600 : v * 60);
			continue;
		}
		if ((v = cron_bit(c->sec, s, 59)) != s) {
			w = days * CRON_DAY + h * 3600 + mi * 60 + (v == -1 ?
			    60 : v);
			continue;
		}
		*out = w;
		return (0);
	}
	return (-1);
}

/*
 * The zone of the calls below: TZ set for the length of a computation,
 * then set back, so that the daemon's own local time (log timestamps) is
 * never changed outside it.
 */
struct cron_zone {
	bool	 set;		/* TZ was changed */
	bool	 had;		/* TZ was in the environment */
	char	*old;
};

static void
cron_zone_enter(struct cron_zone *z, const char *tz)
{
	const char	*old;
	char		 buf[CRON_TZ_MAX + 2];

	memset(z, 0, sizeof *z);
	if (tz == NULL)
		return;
	if ((old = getenv("TZ")) != NULL) {
		z->had = true;
		z->old = xstrdup(old);
	}
	snprintf(buf, sizeof buf, ":%s", tz);
	setenv("TZ", buf, 1);
	tzset();
	z->set = true;
}

static void
cron_zone_leave(struct cron_zone *z)
{
	if (!z->set)
		return;
	if (z->had)
		setenv("TZ", z->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(z->old);
	z->old = NULL;
}

/* The offset of the zone at t, in seconds east of UTC. */
static int64_t
cron_offset(time_t t)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL)
		return (0);
	return (tm.tm_gmtoff);
}

/* The first instant in (t, end] with an offset other than off; -1. */
static int64_t
cron_change(int64_t t, int64_t end, int64_t off)
{
	int64_t	lo, hi, mid;

	for (lo = t; lo < end; lo = hi) {
		hi = end - lo > CRON_PROBE ? lo + CRON_PROBE : end;
		if (cron_offset((time_t)hi) == off)
			continue;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (cron_offset((time_t)mid) == off)
				lo = mid;
			else
				hi = mid;
		}
		return (hi);
	}
	return (-1);
}

/*
 * Where t is in the second pass of a repeated stretch, the wall time it
 * ends at (times before it ran in the first pass); else INT64_MIN.
 */
static int64_t
cron_fold_floor(int64_t t)
{
	int64_t	now = cron_offset((time_t)t);
	int64_t	before = cron_offset((time_t)(t - CRON_DAY)), tr;

	if (before <= now)
		return (INT64_MIN);
	if ((tr = cron_change(t - CRON_DAY, t, before)) == -1 ||
	    t + now >= tr + before)
		return (INT64_MIN);
	return (tr + before);
}

int
cron_next(const struct cron *c, const char *tz, time_t after, time_t *next)
{
	struct cron_zone	 z;
	int64_t			 t = (int64_t)after + 1, off, off2, w, m, tr;
	int64_t			 floor = INT64_MIN, limit;
	bool			 every = cron_every_hour(c);
	int			 i, rc = -1;

	cron_zone_enter(&z, tz);
	limit = t + (int64_t)CRON_YEARS * 366 * CRON_DAY;
	if (!every)
		floor = cron_fold_floor(t);
	/* Each turn crosses one change of offset; ten years have < 64. */
	for (i = 0; i < 64 && t <= limit; i++) {
		off = cron_offset((time_t)t);
		w = t + off;
		if (w < floor)
			w = floor;
		if (cron_next_wall(c, w, limit + off, &m) == -1)
			break;
		if ((tr = cron_change(t, m - off, off)) == -1) {
			*next = (time_t)(m - off);
			rc = 0;
			break;
		}
		off2 = cron_offset((time_t)tr);
		floor = INT64_MIN;
		if (off2 > off) {
			/* Wall times [tr + off, tr + off2) do not exist. */
			if (!every && cron_next_wall(c, tr + off,
			    tr + off2 - 1, &m) == 0) {
				*next = (time_t)tr;
				rc = 0;
				break;
			}
		} else if (!every)
			floor = tr + off;	/* [tr + off2, tr + off) again */
		t = tr;
	}
	cron_zone_leave(&z);
	return (rc);
}

void
cron_format(time_t t, const char *tz, char *buf, size_t len)
{
	struct cron_zone	 z;
	struct tm		 tm;
	char			 off[8];
	size_t			 n;

	cron_zone_enter(&z, tz);
	if (localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0 ||
	    strftime(off, sizeof off, "%z", &tm) != 5)
		snprintf(buf, len, "?");
	else
		snprintf(buf + n, len - n, "%.3s:%.2s", off, off + 3);
	cron_zone_leave(&z);
}

int
cron_tz_check(const char *tz, char *cause, size_t clen)
{
	const char	*dir = getenv("TZDIR"), *p;
	char		 path[PATH_MAX], magic[4];
	size_t		 n = strlen(tz);
	int		 fd;
	ssize_t		 r;

	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (n == 0 || n > CRON_TZ_MAX || tz[0] == '/' || tz[0] == '.' ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-.") != n || strstr(tz, "/.") != NULL) {
		snprintf(cause, clen, "'%.*s' is not a time zone name (an IANA "
		    "name such as Europe/Berlin or UTC)", CRON_TZ_MAX, tz);
		return (-1);
	}
	snprintf(path, sizeof path, "%s/%s", dir, tz);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(cause, clen, "'%s' is not a time zone: %s: %s", tz,
		    path, strerror(errno));
		return (-1);
	}
	r = read(fd, magic, sizeof magic);
	close(fd);
	if (r != sizeof magic || memcmp(magic, "TZif", 4) != 0) {
		p = r == -1 ? strerror(errno) : "not a TZif file";
		snprintf(cause, clen, "'%s' is not a time zone: %s: %s", tz,
		    path, p);
		return (-1);
	}
	return (0);
}
