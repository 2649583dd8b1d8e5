/* Runtime state records read back: all or nothing, every field in range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "staterec.h"

#define CONF	"\"conf\":{\"name\":\"web\",\"argv\":[\"sleep\",\"9\"]," \
		"\"cwd\":\"/\",\"env_base\":[\"PATH=/bin\"]}"

static int
decode(const char *s, struct state_rec *r, char *cause, size_t clen)
{
	cJSON	*j = json_parse(s, strlen(s), cause, clen);
	int	 rc;

	assert_non_null(j);
	rc = state_rec_decode(j, r, cause, clen);
	cJSON_Delete(j);
	return (rc);
}

static void
test_good_record(void **state)
{
	struct state_rec	r;
	char			cause[256];

	(void)state;
	assert_int_equal(decode("{\"id\":7," CONF ",\"state\":\"waiting\","
	    "\"pid\":4321,\"pgid\":4321,\"starttime\":99,\"started\":5,"
	    "\"timer_due\":1234,\"restarts\":3,\"fails\":2,\"killed\":true,"
	    "\"exit_code\":-1,\"exit_signal\":9,\"reason\":\"crashed\"}", &r,
	    cause, sizeof cause), 0);
	assert_int_equal(r.id, 7);
	assert_string_equal(r.entry[0].conf.name, "web");
	assert_int_equal(r.state, APP_WAITING);
	assert_int_equal(r.pid, 4321);
	assert_int_equal(r.starttime, 99);
	assert_int_equal(r.timer_due, 1234);
	assert_int_equal(r.restarts, 3);
	assert_int_equal(r.fails, 2);
	assert_true(r.killed);
	assert_false(r.adopted);
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(r.exit_signal, 9);
	assert_string_equal(r.reason, "crashed");
	state_rec_free(&r);
}

/* Each bad record is refused whole, with a cause naming the field. */
static void
test_bad_records(void **state)
{
	static const struct {
		const char	*json;
		const char	*needle;
	} bad[] = {
		{ "[]", "object" },
		{ "{\"id\":1}", "conf" },
		{ "{" CONF ",\"pid\":1}", "init" },
		{ "{" CONF ",\"pid\":4294967297}", "pid" },
		{ "{" CONF ",\"pid\":-5}", "pid" },
		{ "{" CONF ",\"pgid\":1.5}", "pgid" },
		{ "{" CONF ",\"id\":-1}", "id" },
		{ "{" CONF ",\"restarts\":1e300}", "restarts" },
		{ "{" CONF ",\"started\":\"5\"}", "started" },
		{ "{" CONF ",\"exit_code\":256}", "exit_code" },
		{ "{" CONF ",\"exit_signal\":65}", "exit_signal" },
		{ "{" CONF ",\"state\":\"running\"}", "state" },
		{ "{" CONF ",\"state\":3}", "state" },
		{ "{" CONF ",\"killed\":1}", "killed" },
		{ "{" CONF ",\"reason\":[]}", "reason" },
		{ "{\"conf\":{\"name\":\"b a d\",\"argv\":[\"x\"]}}", "conf" },
	};
	struct state_rec	r;
	char			cause[256];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause[0] = '\0';
		if (decode(bad[i].json, &r, cause, sizeof cause) != -1)
			fail_msg("accepted: %s", bad[i].json);
		if (strstr(cause, bad[i].needle) == NULL)
			fail_msg("%s: cause [%s] lacks [%s]", bad[i].json, cause,
			    bad[i].needle);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_record),
		cmocka_unit_test(test_bad_records),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
