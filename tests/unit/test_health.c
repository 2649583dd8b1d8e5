/*
 * The health key (src/common/health.c): every probe kind, the defaults,
 * the bounds of each key, and a round trip through health_to_json.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "health.h"

/* The spec of the JSON text s, which must be valid. */
static struct health_spec *
ok(const char *s)
{
	struct health_spec	*h;
	const char		*cause = NULL;
	cJSON			*j = cJSON_Parse(s);

	assert_non_null(j);
	if (health_from_json(j, &h, &cause) == -1)
		fail_msg("%s: %s", s, cause);
	cJSON_Delete(j);
	return (h);
}

/* The cause of refusing s begins with want. */
static void
bad(const char *s, const char *want)
{
	struct health_spec	*h = (struct health_spec *)1;
	const char		*cause = NULL;
	cJSON			*j = cJSON_Parse(s);

	assert_non_null(j);
	assert_int_equal(health_from_json(j, &h, &cause), -1);
	assert_null(h);
	assert_non_null(cause);
	if (strncmp(cause, want, strlen(want)) != 0)
		fail_msg("%s: cause [%s], wanted [%s...]", s, cause, want);
	cJSON_Delete(j);
}

static void
test_kinds(void **state)
{
	struct health_spec	*h;

	(void)state;
	h = ok("{\"http\": \"http://127.0.0.1:8080/healthz\"}");
	assert_int_equal(h->kind, HEALTH_HTTP);
	assert_int_equal(h->net.kind, READY_HTTP);
	assert_int_equal(h->net.port, 8080);
	assert_string_equal(h->net.path, "/healthz");
	/* The defaults. */
	assert_int_equal(h->interval, 10000);
	assert_int_equal(h->timeout, 5000);
	assert_int_equal(h->retries, 3);
	assert_int_equal(h->start_period, 0);
	health_free(h);

	h = ok("{\"tcp\": 5432}");
	assert_int_equal(h->kind, HEALTH_TCP);
	assert_string_equal(h->net.addr, "127.0.0.1");
	assert_int_equal(h->net.port, 5432);
	assert_string_equal(h->target, "5432");
	health_free(h);
	h = ok("{\"tcp\": \"[::1]:6379\"}");
	assert_true(h->net.v6);
	assert_int_equal(h->net.port, 6379);
	health_free(h);

	h = ok("{\"exec\": \"pg_isready -q\", \"interval\": \"2s\", "
	    "\"timeout\": 300, \"retries\": \"5\", \"start_period\": \"1m\"}");
	assert_int_equal(h->kind, HEALTH_EXEC);
	assert_string_equal(h->target, "pg_isready -q");
	assert_null(h->argv);
	assert_int_equal(h->interval, 2000);
	assert_int_equal(h->timeout, 300);
	assert_int_equal(h->retries, 5);
	assert_int_equal(h->start_period, 60000);
	health_free(h);
	h = ok("{\"exec\": [\"/bin/true\", \"a b\"]}");
	assert_null(h->target);
	assert_string_equal(h->argv[1], "a b");
	health_free(h);

	h = ok("null");
	assert_null(h);
}

static void
test_bad(void **state)
{
	(void)state;
	bad("\"tcp:80\"", "must be an object");
	bad("{}", "needs one of http, tcp and exec");
	bad("{\"tcp\": 80, \"http\": \"http://127.0.0.1/\"}", "give one of");
	bad("{\"http\": \"https://127.0.0.1/\"}", "http: must be");
	bad("{\"http\": \"http://example.com/\"}", "http: must be");
	bad("{\"tcp\": 0}", "tcp: must be");
	bad("{\"tcp\": 65536}", "tcp: must be");
	bad("{\"tcp\": \"host:80\"}", "tcp: must be");
	bad("{\"tcp\": true}", "tcp: must be");
	bad("{\"exec\": \"\"}", "exec: must be");
	bad("{\"exec\": []}", "exec: must be");
	bad("{\"exec\": [1]}", "exec: must be");
	bad("{\"tcp\": 1, \"interval\": \"99ms\"}", "interval: must be");
	bad("{\"tcp\": 1, \"timeout\": \"soon\"}", "timeout: must be");
	bad("{\"tcp\": 1, \"retries\": 0}", "retries: must be");
	bad("{\"tcp\": 1, \"retries\": 101}", "retries: must be");
	bad("{\"tcp\": 1, \"retries\": 1.5}", "retries: must be");
	bad("{\"tcp\": 1, \"test\": [\"CMD\"]}", "test: unknown key");
}

/* What health_to_json writes reads back to the same object. */
static void
test_roundtrip(void **state)
{
	const char *const	 in[] = {
		"{\"http\": \"http://[::1]:80/x\", \"start_period\": 0}",
		"{\"tcp\": \"127.0.0.1:22\", \"retries\": 100}",
		"{\"exec\": [\"/bin/sh\", \"-c\", \"exit 0\"]}",
		"{\"exec\": \"true\", \"interval\": 100, \"timeout\": 100}",
	};
	struct health_spec	*h, *h2;
	const char		*cause;
	char			*s1, *s2;
	cJSON			*j;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		h = ok(in[i]);
		j = health_to_json(h);
		s1 = cJSON_PrintUnformatted(j);
		assert_int_equal(health_from_json(j, &h2, &cause), 0);
		cJSON_Delete(j);
		j = health_to_json(h2);
		s2 = cJSON_PrintUnformatted(j);
		assert_string_equal(s1, s2);
		cJSON_Delete(j);
		free(s1);
		free(s2);
		health_free(h);
		health_free(h2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_roundtrip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
