/*
 * YAML app files to JSON (src/common/yamljson.c): scalars resolve as PM2's
 * js-yaml resolves them, collections, anchors, aliases and merge keys are
 * expanded, and every error names its line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xmem.h"
#include "yamljson.h"

/* Converts yaml and checks the unformatted JSON against want. */
static void
yaml_is(const char *yaml, const char *want)
{
	char	 cause[256], *got;
	cJSON	*v;
	size_t	 line, col;

	v = yamljson_parse(yaml, strlen(yaml), &line, &col, cause,
	    sizeof cause);
	if (v == NULL)
		fail_msg("[%s]: error %zu:%zu: %s", yaml, line, col, cause);
	got = cJSON_PrintUnformatted(v);
	if (strcmp(got, want) != 0)
		fail_msg("[%s]: expected %s, got %s", yaml, want, got);
	cJSON_free(got);
	cJSON_Delete(v);
}

/* Converts yaml, which must fail at line:col with cause containing why. */
static void
yaml_fails(const char *yaml, size_t wline, size_t wcol, const char *why)
{
	char	 cause[256];
	cJSON	*v;
	size_t	 line, col;

	v = yamljson_parse(yaml, strlen(yaml), &line, &col, cause,
	    sizeof cause);
	if (v != NULL)
		fail_msg("[%s]: parsed, expected an error", yaml);
	if (strstr(cause, why) == NULL)
		fail_msg("[%s]: expected an error with [%s], got [%s]", yaml,
		    why, cause);
	if (line != wline || col != wcol)
		fail_msg("[%s]: error at %zu:%zu, expected %zu:%zu (%s)", yaml,
		    line, col, wline, wcol, cause);
}

static void
test_scalars(void **state)
{
	(void)state;
	yaml_is("[true, True, TRUE, false, False, FALSE]",
	    "[true,true,true,false,false,false]");
	yaml_is("[null, Null, NULL, ~, ]", "[null,null,null,null]");
	yaml_is("a:\nb: ~\n", "{\"a\":null,\"b\":null}");
	yaml_is("[0, 42, -7, +3, 0x1f, 0o17, 1.5, -0.25, 2e3, .5]",
	    "[0,42,-7,3,31,15,1.5,-0.25,2000,0.5]");
	/* js-yaml's default schema is YAML 1.2: yes/no/on/off are words. */
	yaml_is("[yes, no, on, off, y, n]",
	    "[\"yes\",\"no\",\"on\",\"off\",\"y\",\"n\"]");
	/* Quoted scalars and !!str stay strings. */
	yaml_is("[\"true\", 'null', \"42\", !!str 42, ! 7]",
	    "[\"true\",\"null\",\"42\",\"42\",\"7\"]");
	yaml_is("[1.2.3, 0x, 12abc, -, 1e, 10s, 512M, .inf]",
	    "[\"1.2.3\",\"0x\",\"12abc\",\"-\",\"1e\",\"10s\",\"512M\","
	    "\".inf\"]");
	yaml_is("s: node app.js --port 80\n",
	    "{\"s\":\"node app.js --port 80\"}");
	yaml_is("s: |\n  line one\n  line two\n",
	    "{\"s\":\"line one\\nline two\\n\"}");
	yaml_is("s: \"t\\u00e9\\t\"\n", "{\"s\":\"t\xc3\xa9\\t\"}");
	/* Keys are strings whatever they look like. */
	yaml_is("1: a\ntrue: b\n", "{\"1\":\"a\",\"true\":\"b\"}");
}

static void
test_collections(void **state)
{
	(void)state;
	yaml_is("apps:\n"
	    "  - name: api\n"
	    "    script: ./server.js\n"
	    "    instances: 1\n"
	    "    env:\n"
	    "      NODE_ENV: production\n"
	    "      PORT: 3000\n"
	    "  - name: worker\n"
	    "    args: [--queue, jobs]\n",
	    "{\"apps\":[{\"name\":\"api\",\"script\":\"./server.js\","
	    "\"instances\":1,\"env\":{\"NODE_ENV\":\"production\","
	    "\"PORT\":3000}},{\"name\":\"worker\",\"args\":[\"--queue\","
	    "\"jobs\"]}]}");
	yaml_is("- {name: a, script: x}\n- {}\n- []\n",
	    "[{\"name\":\"a\",\"script\":\"x\"},{},[]]");
	yaml_is("---\nname: a\n...\n", "{\"name\":\"a\"}");
	yaml_is("just a string", "\"just a string\"");
	/* Order is kept. */
	yaml_is("z: 1\na: 2\nm: 3\n", "{\"z\":1,\"a\":2,\"m\":3}");
}

static void
test_anchors(void **state)
{
	(void)state;
	yaml_is("base: &b {script: s, env: {A: 1}}\n"
	    "apps:\n"
	    "  - <<: *b\n"
	    "    name: one\n"
	    "  - name: two\n"
	    "    <<: *b\n"
	    "    script: own\n",
	    "{\"base\":{\"script\":\"s\",\"env\":{\"A\":1}},\"apps\":["
	    "{\"script\":\"s\",\"env\":{\"A\":1},\"name\":\"one\"},"
	    "{\"name\":\"two\",\"script\":\"own\",\"env\":{\"A\":1}}]}");
	yaml_is("a: &x 5\nb: *x\nc: [*x, *x]\n",
	    "{\"a\":5,\"b\":5,\"c\":[5,5]}");
	yaml_is("x: &l [1, 2]\ny: *l\n", "{\"x\":[1,2],\"y\":[1,2]}");
	/* A list of mappings merges in order, the first one winning. */
	yaml_is("a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n",
	    "{\"a\":{\"k\":1},\"b\":{\"k\":2,\"j\":3},\"c\":{\"k\":1,"
	    "\"j\":3}}");
	/* A quoted "<<" is an ordinary key. */
	yaml_is("'<<': 1\n", "{\"<<\":1}");
}

static void
test_errors(void **state)
{
	(void)state;
	yaml_fails("apps:\n  - name: a\n    script: [x\n", 4, 1,
	    "while parsing a flow sequence started at line 3, column 13");
	yaml_fails("a: 1\n b: 2\n", 2, 3, "mapping values are not allowed");
	yaml_fails("a: 1\nb: 2\na: 3\n", 3, 4, "duplicate key 'a'");
	yaml_fails("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document");
	yaml_fails("a: *nope\n", 1, 4, "unknown anchor 'nope'");
	yaml_fails("? [a]\n: 1\n", 1, 3, "a key must be a plain string");
	yaml_fails("a: \"x\\0y\"\n", 1, 4, "NUL character");
	yaml_fails("a: *a\nb: &a 1\n", 1, 4, "unknown anchor 'a'");
	yaml_fails("a: 1\n<<: 5\n", 2, 5, "a merge key (<<) needs a mapping");
	yaml_fails("[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", 1, 17,
	    "nesting deeper than 16");
	yaml_fails("", 0, 0, "no YAML document");
	yaml_fails("# only a comment\n", 0, 0, "no YAML document");
}

/* A few lines that would expand to 10^9 nodes stop at the limit. */
static void
test_billion_laughs(void **state)
{
	const char	*yaml =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
	char		 cause[256];
	size_t		 line, col;

	(void)state;
	assert_null(yamljson_parse(yaml, strlen(yaml), &line, &col, cause,
	    sizeof cause));
	assert_non_null(strstr(cause, "expands to more than"));
	assert_int_equal(line, 6);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_collections),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_billion_laughs),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
