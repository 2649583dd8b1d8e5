/*
 * Cron expressions (src/common/cron.c): the parser and its errors, and the
 * next time against known schedules: month ends, leap years, the changes
 * to and from summer time in Europe/Berlin and America/New_York, seconds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "cron.h"

/* An instant given in UTC. */
static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (timegm(&tm));
}

/* The next time of expr after `after` in zone tz, as ISO 8601 there. */
static const char *
next_in(const char *expr, const char *tz, time_t after)
{
	static char	 buf[CRON_ISO_MAX];
	struct cron	 c;
	char		 cause[256];
	time_t		 t;

	if (cron_parse(expr, &c, cause, sizeof cause) == -1)
		fail_msg("%s: %s", expr, cause);
	if (cron_next(&c, tz, after, &t) == -1)
		return ("never");
	cron_format(t, tz, buf, sizeof buf);
	return (buf);
}

/* The n times after `after`, joined by ' '. */
static const char *
series(const char *expr, const char *tz, time_t after, int n)
{
	static char	 out[1024];
	struct cron	 c;
	char		 cause[256], one[CRON_ISO_MAX];
	time_t		 t = after;
	int		 i;

	out[0] = '\0';
	if (cron_parse(expr, &c, cause, sizeof cause) == -1)
		fail_msg("%s: %s", expr, cause);
	for (i = 0; i < n; i++) {
		if (cron_next(&c, tz, t, &t) == -1)
			fail_msg("%s: no time %d", expr, i);
		cron_format(t, tz, one, sizeof one);
		if (i > 0)
			strlcat(out, " ", sizeof out);
		strlcat(out, one, sizeof out);
	}
	return (out);
}

static const char *
parse_error(const char *expr)
{
	static char	cause[256];
	struct cron	c;

	if (cron_parse(expr, &c, cause, sizeof cause) == 0)
		return ("parsed");
	return (cause);
}

static void
test_parse(void **state)
{
	struct cron	c, d;
	char		cause[256];

	(void)state;
	assert_int_equal(cron_parse("0 3 * * *", &c, cause, sizeof cause), 0);
	assert_true(c.sec == 1 && c.min == 1 && c.hour == 1u << 3);
	assert_true(c.dom_star && c.dow_star);
	assert_false(cron_every_hour(&c));
	assert_int_equal(cron_parse("*/15 * * * * *", &c, cause,
	    sizeof cause), 0);
	assert_true(c.sec == (1ULL | 1ULL << 15 | 1ULL << 30 | 1ULL << 45));
	assert_true(cron_every_hour(&c));
	assert_int_equal(cron_parse("1-30/2 0 1,15 * *", &c, cause,
	    sizeof cause), 0);
	assert_true(c.min == 0x2aaaaaaaULL);
	assert_true(c.dom == (1u << 1 | 1u << 15));
	assert_false(c.dom_star);
	assert_int_equal(cron_parse("5/20 * * * *", &c, cause, sizeof cause),
	    0);
	assert_true(c.min == (1ULL << 5 | 1ULL << 25 | 1ULL << 45));
	/* Names, any case; 0 and 7 are Sunday. */
	assert_int_equal(cron_parse("0 9 * jan-Mar MON-FRI", &c, cause,
	    sizeof cause), 0);
	assert_true(c.mon == 0xe && c.dow == 0x3e);
	assert_int_equal(cron_parse("0 0 * * 7", &c, cause, sizeof cause), 0);
	assert_int_equal(cron_parse("0 0 * * SUN", &d, cause, sizeof cause),
	    0);
	assert_true(c.dow == 1 && d.dow == 1);
	assert_int_equal(cron_parse("0 0 * * 5-7", &c, cause, sizeof cause),
	    0);
	assert_true(c.dow == (1u | 1u << 5 | 1u << 6));
	assert_int_equal(cron_parse("0 0 ? * *", &c, cause, sizeof cause), 0);
	assert_true(c.dom_star);
	/* Macros. */
	assert_int_equal(cron_parse("@daily", &c, cause, sizeof cause), 0);
	assert_int_equal(cron_parse("0 0 * * *", &d, cause, sizeof cause), 0);
	assert_memory_equal(&c, &d, sizeof c);
	assert_int_equal(cron_parse(" @midnight ", &c, cause, sizeof cause),
	    0);
	assert_memory_equal(&c, &d, sizeof c);
	assert_int_equal(cron_parse("@hourly", &c, cause, sizeof cause), 0);
	assert_true(c.min == 1 && cron_every_hour(&c));
	assert_int_equal(cron_parse("@weekly", &c, cause, sizeof cause), 0);
	assert_true(c.dow == 1 && !c.dow_star);
	assert_int_equal(cron_parse("@monthly", &c, cause, sizeof cause), 0);
	assert_true(c.dom == 2);
	assert_int_equal(cron_parse("@yearly", &c, cause, sizeof cause), 0);
	assert_int_equal(cron_parse("@annually", &d, cause, sizeof cause), 0);
	assert_memory_equal(&c, &d, sizeof c);
	assert_true(c.mon == 2 && c.dom == 2);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_string_equal(parse_error("75 * * * *"),
	    "minute: '75' is out of range 0-59");
	assert_string_equal(parse_error("0 24 * * *"),
	    "hour: '24' is out of range 0-23");
	assert_string_equal(parse_error("60 * * * * *"),
	    "second: '60' is out of range 0-59");
	assert_string_equal(parse_error("0 0 0 * *"),
	    "day-of-month: '0' is out of range 1-31");
	assert_string_equal(parse_error("0 0 * 13 *"),
	    "month: '13' is out of range 1-12");
	assert_string_equal(parse_error("0 0 * * 8"),
	    "day-of-week: '8' is out of range 0-7");
	assert_string_equal(parse_error("0 0 * FOO *"),
	    "month: 'FOO' is not a month (1-12 or JAN-DEC)");
	assert_string_equal(parse_error("0 0 * * MON-FUN"),
	    "day-of-week: 'MON-FUN' is not a day of the week (0-7 or "
	    "SUN-SAT)");
	assert_string_equal(parse_error("x * * * *"),
	    "minute: 'x' is not a minute (0-59)");
	assert_string_equal(parse_error("*/0 * * * *"),
	    "minute: '*/0': the step must be a number from 1 to 59");
	assert_string_equal(parse_error("0 5-1 * * *"),
	    "hour: '5-1': the range goes backwards");
	assert_string_equal(parse_error("1,,2 * * * *"),
	    "minute: '1,,2': an empty item");
	assert_string_equal(parse_error("0 ? * * *"),
	    "hour: '?': '?' is for the day fields only");
	assert_string_equal(parse_error("* * * *"),
	    "expected 5 fields (minute hour day-of-month month day-of-week) "
	    "or 6 (seconds first), got 4");
	assert_string_equal(parse_error("* * * * * * *"),
	    "expected 5 fields (minute hour day-of-month month day-of-week) "
	    "or 6 (seconds first), got more than 6");
	assert_string_equal(parse_error(""),
	    "expected 5 fields (minute hour day-of-month month day-of-week) "
	    "or 6 (seconds first), got 0");
	assert_string_equal(parse_error("0 0 30 2 *"),
	    "day-of-month: '30' never comes in the months given");
	assert_string_equal(parse_error("0 0 31 4,6 *"),
	    "day-of-month: '31' never comes in the months given");
	assert_string_equal(parse_error("0 0 29 2 *"), "parsed");
	assert_string_equal(parse_error("@reboot"),
	    "'@reboot' is not supported: an app starts with the daemon "
	    "anyway (autostart)");
	assert_string_equal(parse_error("@often"),
	    "'@often' is not a macro (@yearly, @annually, @monthly, @weekly, "
	    "@daily, @midnight, @hourly)");
	assert_string_equal(parse_error("@daily 3"),
	    "'@daily' is not a macro (@yearly, @annually, @monthly, @weekly, "
	    "@daily, @midnight, @hourly)");
}

static void
test_zone_check(void **state)
{
	char	cause[256];

	(void)state;
	assert_int_equal(cron_tz_check("Europe/Berlin", cause, sizeof cause),
	    0);
	assert_int_equal(cron_tz_check("UTC", cause, sizeof cause), 0);
	assert_int_equal(cron_tz_check("Mars/Olympus", cause, sizeof cause),
	    -1);
	assert_string_equal(cause, "'Mars/Olympus' is not a time zone: "
	    "/usr/share/zoneinfo/Mars/Olympus: No such file or directory");
	assert_int_equal(cron_tz_check("../etc/passwd", cause, sizeof cause),
	    -1);
	assert_int_equal(cron_tz_check("Europe/../../etc", cause,
	    sizeof cause), -1);
	assert_int_equal(cron_tz_check("/etc/passwd", cause, sizeof cause),
	    -1);
	assert_int_equal(cron_tz_check("", cause, sizeof cause), -1);
	assert_int_equal(cron_tz_check("Europe", cause, sizeof cause), -1);
	assert_string_equal(cause, "'Europe' is not a time zone: "
	    "/usr/share/zoneinfo/Europe: Is a directory");
}

/* Month ends, leap years, the Vixie rule, in UTC. */
static void
test_calendar(void **state)
{
	(void)state;
	assert_string_equal(series("0 0 31 * *", "UTC",
	    utc(2026, 1, 31, 0, 0, 0), 3),
	    "2026-03-31T00:00:00+00:00 2026-05-31T00:00:00+00:00 "
	    "2026-07-31T00:00:00+00:00");
	assert_string_equal(series("0 12 29 2 *", "UTC",
	    utc(2026, 1, 1, 0, 0, 0), 2),
	    "2028-02-29T12:00:00+00:00 2032-02-29T12:00:00+00:00");
	/* 2100 is not a leap year: eight years from 2096 to 2104. */
	assert_string_equal(next_in("0 0 29 2 *", "UTC",
	    utc(2096, 3, 1, 0, 0, 0)), "2104-02-29T00:00:00+00:00");
	/* The last day of February, leap or not. */
	assert_string_equal(series("59 23 28,29 2 *", "UTC",
	    utc(2027, 1, 1, 0, 0, 0), 3),
	    "2027-02-28T23:59:00+00:00 2028-02-28T23:59:00+00:00 "
	    "2028-02-29T23:59:00+00:00");
	/* Year end. */
	assert_string_equal(next_in("@yearly", "UTC",
	    utc(2026, 12, 31, 23, 59, 59)), "2027-01-01T00:00:00+00:00");
	/* Vixie: day 13 or Friday (2026-02-01 is a Sunday). */
	assert_string_equal(series("0 0 13 * FRI", "UTC",
	    utc(2026, 2, 1, 0, 0, 0), 4),
	    "2026-02-06T00:00:00+00:00 2026-02-13T00:00:00+00:00 "
	    "2026-02-20T00:00:00+00:00 2026-02-27T00:00:00+00:00");
	/* A star step in day-of-month counts as '*': Fridays only. */
	assert_string_equal(series("0 0 */1 * FRI", "UTC",
	    utc(2026, 2, 1, 0, 0, 0), 2),
	    "2026-02-06T00:00:00+00:00 2026-02-13T00:00:00+00:00");
	assert_string_equal(series("0 9 * * MON-FRI", "UTC",
	    utc(2026, 2, 6, 9, 0, 0), 2),
	    "2026-02-09T09:00:00+00:00 2026-02-10T09:00:00+00:00");
	assert_string_equal(next_in("@weekly", "UTC",
	    utc(2026, 2, 4, 0, 0, 0)), "2026-02-08T00:00:00+00:00");
	assert_string_equal(next_in("@monthly", "UTC",
	    utc(2026, 2, 4, 0, 0, 0)), "2026-03-01T00:00:00+00:00");
}

/* Seconds: every 2 s lands on even seconds, strictly after. */
static void
test_seconds(void **state)
{
	(void)state;
	assert_string_equal(series("*/2 * * * * *", "UTC",
	    utc(2026, 12, 31, 23, 59, 57), 3),
	    "2026-12-31T23:59:58+00:00 2027-01-01T00:00:00+00:00 "
	    "2027-01-01T00:00:02+00:00");
	assert_string_equal(series("30 */20 * * * *", "UTC",
	    utc(2026, 5, 1, 10, 0, 30), 2),
	    "2026-05-01T10:20:30+00:00 2026-05-01T10:40:30+00:00");
}

/* Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00
 * CEST -> 02:00 CET. */
static void
test_berlin(void **state)
{
	const char	*tz = "Europe/Berlin";

	(void)state;
	/* 02:30 does not exist: at the end of the gap, once. */
	assert_string_equal(series("30 2 * * *", tz,
	    utc(2026, 3, 28, 12, 0, 0), 2),
	    "2026-03-29T03:00:00+02:00 2026-03-30T02:30:00+02:00");
	assert_int_equal(cron_next(&(struct cron){ 0 }, NULL, 0,
	    &(time_t){ 0 }), -1);
	/* Every 15 minutes of hour 2: one run, at 03:00. */
	assert_string_equal(series("*/15 2 * * *", tz,
	    utc(2026, 3, 29, 0, 0, 0), 2),
	    "2026-03-29T03:00:00+02:00 2026-03-30T02:00:00+02:00");
	/* Every hour: 02:xx does not exist, an hour apart by the clock. */
	assert_string_equal(series("30 * * * *", tz,
	    utc(2026, 3, 29, 0, 0, 0), 2),
	    "2026-03-29T01:30:00+01:00 2026-03-29T03:30:00+02:00");
	/* 02:30 happens twice: the first only. */
	assert_string_equal(series("30 2 * * *", tz,
	    utc(2026, 10, 24, 12, 0, 0), 2),
	    "2026-10-25T02:30:00+02:00 2026-10-26T02:30:00+01:00");
	/* Started in the second pass: 02:30 already ran. */
	assert_string_equal(next_in("30 2 * * *", tz,
	    utc(2026, 10, 25, 1, 10, 0)), "2026-10-26T02:30:00+01:00");
	/* Every hour runs in both passes. */
	assert_string_equal(series("0 * * * *", tz,
	    utc(2026, 10, 24, 23, 30, 0), 4),
	    "2026-10-25T02:00:00+02:00 2026-10-25T02:00:00+01:00 "
	    "2026-10-25T03:00:00+01:00 2026-10-25T04:00:00+01:00");
	/* Every 2 s across the change back: no gap, no double. */
	assert_string_equal(series("*/2 * * * * *", tz,
	    utc(2026, 10, 25, 0, 59, 57), 3),
	    "2026-10-25T02:59:58+02:00 2026-10-25T02:00:00+01:00 "
	    "2026-10-25T02:00:02+01:00");
	/* Daily at 03:00 is unaffected either way. */
	assert_string_equal(series("0 3 * * *", tz,
	    utc(2026, 3, 28, 12, 0, 0), 2),
	    "2026-03-29T03:00:00+02:00 2026-03-30T03:00:00+02:00");
	assert_string_equal(series("0 3 * * *", tz,
	    utc(2026, 10, 24, 12, 0, 0), 2),
	    "2026-10-25T03:00:00+01:00 2026-10-26T03:00:00+01:00");
}

/* America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00
 * EDT -> 01:00 EST. */
static void
test_new_york(void **state)
{
	const char	*tz = "America/New_York";

	(void)state;
	assert_string_equal(series("30 2 * * *", tz,
	    utc(2026, 3, 7, 12, 0, 0), 2),
	    "2026-03-08T03:00:00-04:00 2026-03-09T02:30:00-04:00");
	assert_string_equal(series("30 1 * * *", tz,
	    utc(2026, 10, 31, 12, 0, 0), 2),
	    "2026-11-01T01:30:00-04:00 2026-11-02T01:30:00-05:00");
	assert_string_equal(series("*/30 * * * *", tz,
	    utc(2026, 11, 1, 5, 0, 0), 4),
	    "2026-11-01T01:30:00-04:00 2026-11-01T01:00:00-05:00 "
	    "2026-11-01T01:30:00-05:00 2026-11-01T02:00:00-05:00");
	/* Midnight is never skipped here. */
	assert_string_equal(next_in("@daily", tz, utc(2026, 3, 8, 6, 0, 0)),
	    "2026-03-09T00:00:00-04:00");
	/* The same instant read in UTC. */
	assert_string_equal(next_in("30 2 * * *", "UTC",
	    utc(2026, 3, 8, 0, 0, 0)), "2026-03-08T02:30:00+00:00");
}

/* The process's own zone is set back after each call. */
static void
test_zone_restored(void **state)
{
	struct tm	tm;
	time_t		t = utc(2026, 7, 1, 12, 0, 0);

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(next_in("0 0 * * *", "Asia/Tokyo", t),
	    "2026-07-02T00:00:00+09:00");
	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_gmtoff, 0);
	assert_string_equal(getenv("TZ"), "UTC");
	unsetenv("TZ");
	tzset();
	(void)next_in("0 0 * * *", "Asia/Tokyo", t);
	assert_null(getenv("TZ"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_zone_check),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_berlin),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_zone_restored),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
