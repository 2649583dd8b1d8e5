/*
 * src/common/json.c: json_text and json_line print byte for byte what
 * cJSON_PrintUnformatted prints (numbers of every kind, escapes, empty and
 * nested containers, raw items, NULL strings), and repair invalid UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cJSON.h>

#include "json.h"

static void
same(const cJSON *j)
{
	char	*want = cJSON_PrintUnformatted(j), *got, *line;
	size_t	 n;

	assert_non_null(want);
	got = json_text(j);
	assert_non_null(got);
	assert_string_equal(got, want);
	line = json_line(j, &n);
	assert_non_null(line);
	assert_int_equal(n, strlen(want) + 1);
	assert_memory_equal(line, want, n - 1);
	assert_int_equal(line[n - 1], '\n');
	assert_int_equal(line[n], '\0');
	free(want);
	free(got);
	free(line);
}

static void
test_numbers(void **state)
{
	static const double	 v[] = { 0, 1, -1, 7, 10, 99, 100, 12345,
	    -987654321, 4294967295.0, 9007199254740992.0, 999999999999999.0,
	    1e15, -1e15, 1e16, 1e21, 1e300, -1e-300, 0.5, 0.1, 1.0 / 3,
	    2.5e-7, 123.456, 33.3, -0.0, 5e-324, 1.7976931348623157e308,
	    3.14159265358979 };
	cJSON			*a = cJSON_CreateArray();
	size_t			 i;
	double			 d;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(INFINITY));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-INFINITY));
	/* Fractions as cpu_percent makes them, and big integers. */
	srandom(19);
	for (i = 0; i < 2000; i++) {
		d = (double)(random() % 100000) / 10.0;
		cJSON_AddItemToArray(a, cJSON_CreateNumber(d));
		d = (double)random() * (double)random();
		cJSON_AddItemToArray(a, cJSON_CreateNumber(i % 2 ? d : -d));
		d = (double)random() / (double)(random() + 1);
		cJSON_AddItemToArray(a, cJSON_CreateNumber(d));
	}
	same(a);
	cJSON_Delete(a);
}

static void
test_strings(void **state)
{
	cJSON	*o = cJSON_CreateObject(), *s;
	char	 all[128];
	int	 i;

	(void)state;
	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	cJSON_AddStringToObject(o, "all ascii", all);
	cJSON_AddStringToObject(o, "", "");
	cJSON_AddStringToObject(o, "quote\"key\\", "a\"b\\c/d\b\f\n\r\t\x01\x1f");
	cJSON_AddStringToObject(o, "utf8", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
	s = cJSON_CreateString("x");
	free(s->valuestring);
	s->valuestring = NULL;		/* cJSON prints "" */
	cJSON_AddItemToObject(o, "null string", s);
	same(o);
	cJSON_Delete(o);
}

static void
test_shapes(void **state)
{
	cJSON	*o = cJSON_CreateObject(), *a, *b;

	(void)state;
	same(o);
	cJSON_AddItemToObject(o, "empty array", cJSON_CreateArray());
	cJSON_AddItemToObject(o, "empty object", cJSON_CreateObject());
	cJSON_AddNullToObject(o, "n");
	cJSON_AddTrueToObject(o, "t");
	cJSON_AddFalseToObject(o, "f");
	cJSON_AddRawToObject(o, "raw", "{\"r\":[1,2]}");
	a = cJSON_AddArrayToObject(o, "nested");
	b = cJSON_CreateObject();
	cJSON_AddItemToObject(b, "deeper", cJSON_CreateIntArray(
	    (const int[]){ 1, -2, 3 }, 3));
	cJSON_AddItemToArray(a, b);
	cJSON_AddItemToArray(a, cJSON_CreateArray());
	cJSON_AddItemToArray(a, cJSON_CreateString("s"));
	same(o);
	same(a);
	cJSON_Delete(o);
}

static void
test_repair(void **state)
{
	cJSON	*o = cJSON_CreateObject();
	char	*got;

	(void)state;
	cJSON_AddStringToObject(o, "bad", "a\xff" "b\xc3");
	got = json_text(o);
	assert_string_equal(got, "{\"bad\":\"a\\ufffdb\\ufffd\"}");
	free(got);
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_repair),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
