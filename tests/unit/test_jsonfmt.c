/*
 * src/common/jsonfmt.c: the layout of compact JSON is byte for byte
 * cJSON_Print's (what `opm ... --json` printed before it passed replies
 * through), on values cJSON printed; unbalanced text is refused; members
 * of the reply object are found without parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cJSON.h>

#include "jsonfmt.h"

/* text -> cJSON -> unformatted: what the daemon sends. */
static char *
compact(const char *text)
{
	cJSON	*j = cJSON_Parse(text);
	char	*s;

	assert_non_null(j);
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return (s);
}

static void
same_as_cjson(const char *text)
{
	char	*c = compact(text), *want, *got;
	cJSON	*j = cJSON_Parse(c);
	size_t	 n;

	want = cJSON_Print(j);
	got = jsonfmt_pretty(c, strlen(c), &n);
	if (got == NULL || strcmp(want, got) != 0)
		fail_msg("for %s\nwant [%s]\ngot  [%s]", c, want,
		    got ? got : "(null)");
	assert_int_equal(n, strlen(want));
	free(got);
	cJSON_free(want);
	cJSON_free(c);
	cJSON_Delete(j);
}

static void
test_layout(void **state)
{
	(void)state;
	same_as_cjson("{}");
	same_as_cjson("[]");
	same_as_cjson("1");
	same_as_cjson("-1.5e300");
	same_as_cjson("\"a\\\"b\\\\c\\n\\u0001\"");
	same_as_cjson("null");
	same_as_cjson("true");
	same_as_cjson("{\"a\":1}");
	same_as_cjson("{\"a\":{}, \"b\":[], \"c\":[{}], \"d\":[[]]}");
	same_as_cjson("[1, 2, [3, {\"x\": [4, {\"y\": {}}]}], \"]\", \"}\"]");
	same_as_cjson("{\"k,:{\": \"v,:}]\\\"\", \"e\": \"\\u00e9\\u2603 \"}");
	/* A '"' ends a string after an even run of backslashes only. */
	same_as_cjson("[\"\\\\\", \"\\\\\\\"\", \"a\\\\\\\\\", \"\\\"\\\"\\\\\"]");
	same_as_cjson("{\"\\\\\": {\"x\\\"y\\\\\": [\"}\\\\\", \"\\\\]\"]}}");
	same_as_cjson("[{\"id\":0,\"name\":\"s1\",\"pid\":1234,\"started\":"
	    "1733000000123,\"cpu\":0.1,\"mem\":123456789012,\"argv\":"
	    "[\"sleep\",\"1\"],\"env\":{},\"exit_code\":null,\"ok\":false,"
	    "\"n\":{\"a\":{\"b\":{\"c\":[[],[{}],{\"d\":-0.000001}]}}}},"
	    "{\"id\":1}]");
}

static void
test_bad(void **state)
{
	static const char	*bad[] = { "", "{", "}", "[1,2", "[1]]",
	    "{\"a\":1]", "[\"a]", "1 2", "{}{}", "\"a\"\"b\"", "[1:2]",
	    ",", "\"\\", "\"\\\"", "[\"\\\\\\\"]", "[\"a\\\"]" };
	size_t			 i, n;
	char			*s;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = jsonfmt_pretty(bad[i], strlen(bad[i]), &n);
		if (s != NULL)
			fail_msg("accepted [%s] as [%s]", bad[i], s);
	}
}

static void
member_is(const char *s, const char *key, const char *want)
{
	const char	*v;
	size_t		 n;

	if (want == NULL) {
		assert_int_equal(jsonfmt_member(s, strlen(s), key, &v, &n), -1);
		return;
	}
	assert_int_equal(jsonfmt_member(s, strlen(s), key, &v, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(v, want, n);
}

static void
test_member(void **state)
{
	const char	*r = "{\"v\":1,\"id\":7,\"ok\":true,\"data\":[{\"ok\":"
	    "false,\"s\":\"\\\"data\\\":1\"},[]]}";

	(void)state;
	member_is(r, "v", "1");
	member_is(r, "ok", "true");
	member_is(r, "data", "[{\"ok\":false,\"s\":\"\\\"data\\\":1\"},[]]");
	member_is(r, "s", NULL);	/* not at the top */
	member_is(r, "dat", NULL);
	member_is("{\"ok\":false,\"error\":\"no app 'x'\"}", "error",
	    "\"no app 'x'\"");
	member_is("{\"data\":{}}", "data", "{}");
	member_is("[\"data\",1]", "data", NULL);
	member_is("{\"data\":", "data", NULL);
	member_is("", "data", NULL);
}

static void
first_is(const char *s, size_t want_used, const char *want)
{
	size_t	 used = 0, n;
	char	*got = jsonfmt_pretty_first(s, strlen(s), &used, &n);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("accepted [%s] as [%s]", s, got);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("for %s\nwant [%s]\ngot  [%s]", s, want,
		    got ? got : "(null)");
	assert_int_equal(used, want_used);
	assert_int_equal(n, strlen(want));
	free(got);
}

/* The data of a reply, laid out in the pass that finds its end. */
static void
test_first(void **state)
{
	const char	*r = "{\"v\":1,\"ok\":true,\"data\":[{\"a\":\"}\"},2]}",
			*v;

	(void)state;
	first_is("[1,2]}", 5, "[1, 2]");
	first_is("{\"a\":{}}, \"b\":2}", 8, "{\n\t\"a\":\t{\n\t}\n}");
	first_is("{}}", 2, "{\n}");
	first_is("\"s\\\"\"}", 5, "\"s\\\"\"");
	first_is("12,3", 2, "12");
	first_is("true}", 4, "true");
	first_is("[1,2", 0, NULL);
	first_is("}", 0, NULL);
	first_is("", 0, NULL);
	assert_int_equal(jsonfmt_member(r, strlen(r), "data", &v, NULL), 0);
	assert_ptr_equal(v, strchr(r, '['));
	first_is(v, strlen(v) - 1, "[{\n\t\t\"a\":\t\"}\"\n\t}, 2]");
	assert_int_equal(jsonfmt_member(r, strlen(r), "x", &v, NULL), -1);
	assert_int_equal(jsonfmt_member("{\"data\":", 8, "data", &v, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_member),
		cmocka_unit_test(test_first),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
