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
#include "xmem.h"

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
	assert_string_equal(r.entry.conf.name, "web");
	assert_int_equal(r.run.state, APP_WAITING);
	assert_int_equal(r.run.pid, 4321);
	assert_int_equal(r.run.starttime, 99);
	assert_int_equal(r.run.timer_due, 1234);
	assert_int_equal(r.run.restarts, 3);
	assert_int_equal(r.run.fails, 2);
	assert_true(r.run.killed);
	assert_false(r.run.adopted);
	assert_int_equal(r.run.exit_code, -1);
	assert_int_equal(r.run.exit_signal, 9);
	assert_string_equal(r.run.reason, "crashed");
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

/* What the encoder writes the decoder reads back, field for field. */
static void
test_round_trip(void **state)
{
	struct app_conf		 c;
	struct app_run		 run;
	struct state_rec	 r;
	char			 cause[256], *text;
	cJSON			*o;

	(void)state;
	conf_defaults(&c);
	strlcpy(c.name, "web", sizeof c.name);
	c.argv = xcalloc(3, sizeof *c.argv);
	c.argv[0] = xstrdup("sleep");
	c.argv[1] = xstrdup("9");
	c.cwd = xstrdup("/tmp");
	c.max_restarts = 4;
	sup_init(&run);
	run.state = APP_STOPPING;
	run.pid = 4321;
	run.pgid = 4321;
	run.starttime = 123456789;
	run.started = (1ULL << 40) + 7;
	run.timer_due = (1ULL << 41) + 9;
	run.restarts = 77;
	run.fails = 3;
	run.start_after = run.count_after = run.killed = true;
	run.adopted = run.leader_gone = run.has_exit = run.exit_unknown = true;
	run.exit_code = -1;
	run.exit_signal = 15;
	strlcpy(run.reason, "stop requested", sizeof run.reason);
	o = state_rec_encode(9, 2, &c, &run);
	/* Through text, as on disk. */
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	assert_int_equal(decode(text, &r, cause, sizeof cause), 0);
	cJSON_free(text);
	assert_int_equal(r.id, 9);
	assert_int_equal(r.instance, 2);
	assert_string_equal(r.entry.conf.name, "web");
	assert_string_equal(r.entry.conf.argv[1], "9");
	assert_string_equal(r.entry.conf.cwd, "/tmp");
	assert_int_equal(r.entry.conf.max_restarts, 4);
	/* Not saved: a delete or a spawn's intent does not survive. */
	run.delete_after = run.respawn = false;
	assert_memory_equal(&r.run, &run, sizeof run);
	state_rec_free(&r);
	conf_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_record),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_round_trip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
