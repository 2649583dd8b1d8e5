/*
 * PM2's log_date_format: moment tokens translated to opm's strftime-style
 * format (src/common/logfmt.c), and that format expanded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "logfmt.h"

static void
check(const char *moment, const char *want)
{
	char		 out[LOGFMT_MAX];
	const char	*cause = NULL;

	if (logfmt_translate(moment, out, sizeof out, &cause) == -1)
		fail_msg("'%s': %s", moment, cause);
	assert_string_equal(out, want);
}

static void
refused(const char *moment, const char *why)
{
	char		 out[LOGFMT_MAX];
	const char	*cause = NULL;

	assert_int_equal(logfmt_translate(moment, out, sizeof out, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("'%s': cause '%s' lacks '%s'", moment, cause, why);
}

static void
test_translate(void **state)
{
	(void)state;
	check("YYYY-MM-DD HH:mm:ss Z", "%Y-%m-%d %H:%M:%S %:z");
	check("YYYY-MM-DD HH:mm Z", "%Y-%m-%d %H:%M %:z");
	check("YYYY-MM-DDTHH:mm:ss", "%Y-%m-%dT%H:%M:%S");
	check("DD/MM/YY hh:mm:ss.SSS A", "%d/%m/%y %I:%M:%S.%3L %p");
	check("YYYY-MM-DD HH:mm:ss:SSS ZZ", "%Y-%m-%d %H:%M:%S:%3L %z");
	check("D M H h m s S SS a", "%-d %-m %-H %-I %-M %-S %1L %2L %P");
	check("dddd ddd MMMM MMM DDDD DDD d E", "%A %a %B %b %j %-j %w %u");
	check("GGGG-[W]WW", "%G-W%V");
	check("X x", "%s %Q");
	/* [text] and letters that are no token are literal; % is escaped. */
	check("[at] HH[h] 100% T", "at %Hh 100%% T");
	check("[YYYY]", "YYYY");
	refused("Do MMMM", "'Do'");
	refused("Q", "'Q'");
	refused("HH zz", "'zz'");
	refused("kk:mm", "'kk'");
	refused("[open", "']'");
	refused("", "empty");
}

static void
test_too_long(void **state)
{
	char		 m[LOGFMT_MAX], out[LOGFMT_MAX];
	const char	*cause;

	(void)state;
	/* Each "Z-" becomes four bytes. */
	for (size_t i = 0; i < 100; i++)
		memcpy(m + 2 * i, "Z-", 2);
	m[200] = '\0';
	assert_int_equal(logfmt_translate(m, out, sizeof out, &cause), -1);
	assert_string_equal(cause, "too long");
}

static void
test_format(void **state)
{
	struct timeval	 tv = { 1700000000, 123456 };	/* 2023-11-14 22:13:20Z */
	char		 fmt[LOGFMT_MAX], buf[128];
	const char	*cause;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(logfmt_translate("YYYY-MM-DD HH:mm:ss.SSS Z", fmt,
	    sizeof fmt, &cause), 0);
	logfmt_format(fmt, &tv, buf, sizeof buf);
	assert_string_equal(buf, "2023-11-14 22:13:20.123 +00:00");
	assert_int_equal(logfmt_translate("D/M h:m:s S SS a ZZ x X", fmt,
	    sizeof fmt, &cause), 0);
	logfmt_format(fmt, &tv, buf, sizeof buf);
	assert_string_equal(buf, "14/11 10:13:20 1 12 pm +0000 1700000000123 "
	    "1700000000");
	setenv("TZ", "XXX-05:30", 1);
	tzset();
	assert_int_equal(logfmt_translate("HH:mm Z [100%]", fmt, sizeof fmt,
	    &cause), 0);
	logfmt_format(fmt, &tv, buf, sizeof buf);
	assert_string_equal(buf, "03:43 +05:30 100%");
	/* Cut, never overrun. */
	assert_int_equal(logfmt_format(fmt, &tv, buf, 4), 3);
	assert_string_equal(buf, "03:");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_format),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
