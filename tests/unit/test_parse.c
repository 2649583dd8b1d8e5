/* Parsers of user input: durations, sizes, signals, names, UTF-8, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dotenv.h"
#include "json.h"
#include "parse.h"
#include "xmem.h"

static void
test_duration(void **state)
{
	uint64_t	 ms;
	const char	*cause;

	(void)state;
	assert_int_equal(parse_duration("250ms", &ms, &cause), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(parse_duration("5s", &ms, &cause), 0);
	assert_int_equal(ms, 5000);
	assert_int_equal(parse_duration("2m", &ms, &cause), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(parse_duration("1h", &ms, &cause), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(parse_duration("1500", &ms, &cause), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(parse_duration("5x", &ms, &cause), -1);
	assert_int_equal(parse_duration("", &ms, &cause), -1);
	assert_int_equal(parse_duration("-5s", &ms, &cause), -1);
	assert_int_equal(parse_duration(" 5s", &ms, &cause), -1);
	assert_int_equal(parse_duration("s", &ms, &cause), -1);
	assert_int_equal(parse_duration("99999999999999999999", &ms, &cause),
	    -1);
	assert_int_equal(parse_duration("9999999999999h", &ms, &cause), -1);
}

static void
test_size(void **state)
{
	uint64_t	 b;
	const char	*cause;

	(void)state;
	assert_int_equal(parse_size("10M", &b, &cause), 0);
	assert_int_equal(b, 10 * 1024 * 1024);
	assert_int_equal(parse_size("100K", &b, &cause), 0);
	assert_int_equal(b, 102400);
	assert_int_equal(parse_size("1G", &b, &cause), 0);
	assert_int_equal(parse_size("512", &b, &cause), 0);
	assert_int_equal(b, 512);
	assert_int_equal(parse_size("1T", &b, &cause), -1);
	assert_int_equal(parse_size("99999999999999G", &b, &cause), -1);
	/* Found by fuzzing: must stay exact as a JSON number. */
	assert_int_equal(parse_size("108888888888M", &b, &cause), -1);
}

static void
test_int(void **state)
{
	long long	 v;
	const char	*cause;

	(void)state;
	assert_int_equal(parse_int("42", 0, 100, &v, &cause), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int("101", 0, 100, &v, &cause), -1);
	assert_int_equal(parse_int("-1", 0, 100, &v, &cause), -1);
	assert_int_equal(parse_int("4x", 0, 100, &v, &cause), -1);
	assert_int_equal(parse_int("", 0, 100, &v, &cause), -1);
	assert_int_equal(parse_int("99999999999999999999", 0, 100, &v,
	    &cause), -1);
}

static void
test_signal(void **state)
{
	(void)state;
	assert_int_equal(parse_signal("TERM"), SIGTERM);
	assert_int_equal(parse_signal("SIGTERM"), SIGTERM);
	assert_int_equal(parse_signal("sigusr1"), SIGUSR1);
	assert_int_equal(parse_signal("9"), SIGKILL);
	assert_int_equal(parse_signal("NOPE"), -1);
	assert_int_equal(parse_signal("0"), -1);
	assert_int_equal(parse_signal("999"), -1);
	assert_string_equal(parse_signame(SIGKILL), "SIGKILL");
	/* What parse_signame writes must parse back (found by fuzzing). */
	assert_int_equal(parse_signal(parse_signame(40)), 40);
	assert_int_equal(parse_signal("SIG40"), 40);
}

static void
test_name(void **state)
{
	char	long_name[80];

	(void)state;
	assert_true(parse_name_ok("web-1.api_v2"));
	assert_false(parse_name_ok(""));
	assert_true(parse_name_ok("My API"));
	assert_true(parse_name_ok("api (v2)"));
	assert_true(parse_name_ok("caf\xc3\xa9"));
	assert_false(parse_name_ok("caf\xc3"));
	assert_false(parse_name_ok("a\tb"));
	assert_false(parse_name_ok("a\x7f"));
	assert_false(parse_name_ok("a,b"));
	assert_false(parse_name_ok("a:1"));
	assert_true(parse_name_ok("MWS:Registry"));
	assert_true(parse_name_ok("a:1b"));
	assert_false(parse_name_ok(":12"));
	assert_false(parse_name_ok(" a"));
	assert_false(parse_name_ok("a "));
	assert_false(parse_name_ok("123"));
	assert_false(parse_name_ok("all"));
	assert_false(parse_name_ok(".."));
	assert_false(parse_name_ok("a/b"));
	assert_true(parse_name_ok("-x"));
	assert_false(parse_name_new_ok("-x"));
	assert_false(parse_name_new_ok("--"));
	assert_true(parse_name_new_ok("x-"));
	assert_false(parse_name_new_ok("all"));
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	assert_true(parse_name_ok(long_name));
	long_name[64] = 'a';
	long_name[65] = '\0';
	assert_false(parse_name_ok(long_name));
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(parse_utf8_ok("h\xc3\xa9llo \xe2\x82\xac", 10));
	assert_true(parse_utf8_ok("\xf0\x9f\x98\x80", 4));
	assert_false(parse_utf8_ok("\xff", 1));
	assert_false(parse_utf8_ok("\xc3", 1));		/* truncated */
	assert_false(parse_utf8_ok("\xc0\xaf", 2));	/* overlong */
	assert_false(parse_utf8_ok("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(parse_utf8_ok("a\0b", 3));
	/* Eight bytes at a time: a NUL or a bad byte anywhere in a word. */
	assert_true(parse_utf8_ok("0123456789abcdefghij", 20));
	assert_false(parse_utf8_ok("0123456789\0bcdefghij", 20));
	assert_false(parse_utf8_ok("01234567\0", 9));
	assert_false(parse_utf8_ok("0123456\0", 8));
	assert_false(parse_utf8_ok("\0" "1234567", 8));
	assert_false(parse_utf8_ok("0123456789abcde\xff", 16));
	assert_false(parse_utf8_ok("\x80" "123456789abcdef", 16));
	assert_true(parse_utf8_ok("0123456789abc\xc3\xa9", 15));
	assert_false(parse_utf8_ok("0123456\xc3" "89abcdef", 16));
	assert_true(parse_utf8_ok("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 8));
	assert_true(parse_utf8_ok("\x01\x01\x01\x01\x01\x01\x01\x01", 8));
}

static void
test_json(void **state)
{
	char		 cause[128], deep[64];
	cJSON		*j;
	long long	 v;
	bool		 present;
	const char	*why;

	(void)state;
	j = json_parse("{\"a\":1} \n", 9, cause, sizeof cause);
	assert_non_null(j);
	assert_int_equal(json_int(j, "a", 0, 10, &v, &present, &why), 0);
	assert_int_equal(v, 1);
	cJSON_Delete(j);
	assert_null(json_parse("{\"a\":1} x", 9, cause, sizeof cause));
	assert_non_null(strstr(cause, "trailing"));
	assert_null(json_parse("{\"a\":", 5, cause, sizeof cause));
	assert_null(json_parse("\"\xff\"", 3, cause, sizeof cause));
	assert_null(json_parse("\"a\\u0000b\"", 10, cause, sizeof cause));
	memset(deep, '[', 20);
	memset(deep + 20, ']', 20);
	assert_null(json_parse(deep, 40, cause, sizeof cause));
	assert_non_null(strstr(cause, "nesting"));
	j = json_parse("{\"a\":1e300,\"b\":1.5,\"c\":-3,\"d\":\"7\"}", 34,
	    cause, sizeof cause);
	assert_non_null(j);
	assert_int_equal(json_int(j, "a", 0, 10, &v, &present, &why), -1);
	assert_int_equal(json_int(j, "b", 0, 10, &v, &present, &why), -1);
	assert_int_equal(json_int(j, "c", 0, 10, &v, &present, &why), -1);
	assert_int_equal(json_int(j, "d", 0, 10, &v, &present, &why), -1);
	assert_int_equal(json_int(j, "e", 0, 10, &v, &present, &why), -1);
	assert_false(present);
	cJSON_Delete(j);
}

static void
test_dotenv(void **state)
{
	const char	*src = "# comment\n\nA=1\nexport B = two words \n"
	    "C='lit $x # not comment'\nD=\"x\\ny\"\nE=v # comment\n";
	char		**v, cause[128];

	(void)state;
	assert_int_equal(dotenv_parse(src, strlen(src), &v, cause,
	    sizeof cause), 0);
	assert_string_equal(v[0], "A=1");
	assert_string_equal(v[1], "B=two words");
	assert_string_equal(v[2], "C=lit $x # not comment");
	assert_string_equal(v[3], "D=x\ny");
	assert_string_equal(v[4], "E=v");
	assert_null(v[5]);
	xfreev(v);
	assert_int_equal(dotenv_parse("novalue\n", 8, &v, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "line 1"));
	assert_int_equal(dotenv_parse("A=1\nB='x\n", 9, &v, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "line 2"));
	assert_int_equal(dotenv_parse("1A=x\n", 5, &v, cause,
	    sizeof cause), -1);
}

/* Byte strings: UTF-8 as strings, anything else as {"b64"}, both read. */
static void
test_bytes(void **state)
{
	const char	*in[] = { "", "a", "ab", "abc", "K=caf\xe9",
	    "\xff\xfe\xfd\xfc", "plain=utf8 \xc3\xa9", NULL };
	const char	*cause;
	char		*s, *text, **v, a1[] = "A=1", b1[] = "B=\xe9";
	cJSON		*j, *a;
	size_t		 i, n;

	(void)state;
	for (i = 0; in[i] != NULL; i++) {
		j = json_bytes(in[i]);
		assert_true(cJSON_IsString(j) ==
		    parse_utf8_ok(in[i], strlen(in[i])));
		text = json_line(j, &n);
		assert_true(parse_utf8_ok(text, n));
		free(text);
		s = json_bytes_dup(j, &cause);
		assert_non_null(s);
		assert_string_equal(s, in[i]);
		free(s);
		cJSON_Delete(j);
	}
	j = json_bytes("K=caf\xe9");
	assert_string_equal(cJSON_GetObjectItem(j, "b64")->valuestring,
	    "Sz1jYWbp");
	cJSON_Delete(j);
	a = json_from_strv((char *[]){ a1, b1, NULL });
	v = json_strv(a, 10, &cause);
	assert_non_null(v);
	assert_string_equal(v[0], "A=1");
	assert_string_equal(v[1], "B=\xe9");
	assert_null(v[2]);
	xfreev(v);
	cJSON_Delete(a);

	/* Not base64, a NUL inside, other keys: refused. */
	j = cJSON_Parse("{\"b64\": \"abc\"}");
	assert_null(json_bytes_dup(j, &cause));
	cJSON_Delete(j);
	j = cJSON_Parse("{\"b64\": \"a*==\"}");
	assert_null(json_bytes_dup(j, &cause));
	cJSON_Delete(j);
	j = cJSON_Parse("{\"b64\": \"AA==\"}");
	assert_null(json_bytes_dup(j, &cause));
	cJSON_Delete(j);
	j = cJSON_Parse("{\"b64\": \"YQ==\", \"x\": 1}");
	assert_null(json_bytes_dup(j, &cause));
	cJSON_Delete(j);
	j = cJSON_Parse("{\"b64\": \"YQ==\"}");
	s = json_bytes_dup(j, &cause);
	assert_string_equal(s, "a");
	free(s);
	cJSON_Delete(j);

	/* A stray invalid string is printed as U+FFFD, never as is. */
	j = cJSON_CreateString("bad \xe9 \xc3");
	text = json_text(j);
	assert_string_equal(text, "\"bad \\ufffd \\ufffd\"");
	cJSON_free(text);
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_dotenv),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
