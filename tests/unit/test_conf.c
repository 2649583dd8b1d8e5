/* App configuration: the one reader of start requests and app files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "json.h"

static int
parse(const char *s, struct app_conf *c, char *cause, size_t clen)
{
	cJSON	*j = json_parse(s, strlen(s), cause, clen);
	int	 r;

	assert_non_null(j);
	conf_defaults(c);
	r = conf_from_json(c, j, cause, clen);
	cJSON_Delete(j);
	return (r);
}

static void
test_defaults(void **state)
{
	struct app_conf	c;
	char		cause[256];

	(void)state;
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"cwd\":\"/\"}", &c,
	    cause, sizeof cause), 0);
	assert_int_equal(c.restart, RESTART_ALWAYS);
	assert_int_equal(c.max_restarts, 15);
	assert_int_equal(c.min_uptime, 1000);
	assert_int_equal(c.restart_delay, 0);
	assert_int_equal(c.backoff_max, 30000);
	assert_int_equal(c.kill_timeout, 5000);
	assert_int_equal(c.stop_signal, SIGTERM);
	assert_true(c.autostart);
	assert_false(c.log_time);
	assert_int_equal(c.log_max_size, 10 * 1024 * 1024);
	assert_int_equal(c.log_keep, 5);
	assert_string_equal(c.argv[0], "/bin/true");
	assert_null(c.argv[1]);
	conf_free(&c);
}

static void
test_shell_and_args(void **state)
{
	struct app_conf	c;
	char		cause[256];

	(void)state;
	assert_int_equal(parse("{\"script\":\"echo hi | cat\"}", &c, cause,
	    sizeof cause), 0);
	assert_string_equal(c.argv[0], "/bin/sh");
	assert_string_equal(c.argv[1], "-c");
	assert_string_equal(c.argv[2], "echo hi | cat");
	conf_free(&c);
	assert_int_equal(parse("{\"script\":\"node\",\"args\":\"a.js --x\"}",
	    &c, cause, sizeof cause), 0);
	assert_string_equal(c.argv[0], "node");
	assert_string_equal(c.argv[1], "a.js");
	assert_string_equal(c.argv[2], "--x");
	conf_free(&c);
	assert_int_equal(parse("{\"argv\":[\"a\",\"b c\"]}", &c, cause,
	    sizeof cause), 0);
	assert_string_equal(c.argv[1], "b c");
	conf_free(&c);
}

static void
test_errors_name_the_key(void **state)
{
	static const struct {
		const char	*json;
		const char	*key;
	} bad[] = {
		{ "{\"script\":\"x\",\"instances\":4}", "instances" },
		{ "{\"script\":\"x\",\"max_restarts\":\"abc\"}", "max_restarts" },
		{ "{\"script\":\"x\",\"max_restarts\":1.5}", "max_restarts" },
		{ "{\"script\":\"x\",\"max_restarts\":-1}", "max_restarts" },
		{ "{\"script\":\"x\",\"min_uptime\":\"5x\"}", "min_uptime" },
		{ "{\"script\":\"x\",\"min_uptime\":\"10ms\"}", "min_uptime" },
		{ "{\"script\":\"x\",\"restart\":\"sometimes\"}", "restart" },
		{ "{\"script\":\"x\",\"name\":\"a b\"}", "name" },
		{ "{\"script\":\"x\",\"name\":\"42\"}", "name" },
		{ "{\"script\":\"x\",\"stop_signal\":\"KILL\"}", "stop_signal" },
		{ "{\"script\":\"x\",\"cwd\":\"rel\"}", "cwd" },
		{ "{\"script\":\"x\",\"env\":{\"A=B\":\"1\"}}", "env" },
		{ "{\"script\":\"x\",\"stop_exit_codes\":[256]}",
		    "stop_exit_codes" },
		{ "{\"script\":\"x\",\"log_max_size\":\"10Q\"}", "log_max_size" },
		{ "{\"cwd\":\"/\"}", "script" },
		{ "{\"script\":\"x\",\"argv\":[\"y\"]}", "argv" },
	};
	struct app_conf	c;
	char		cause[256];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].json, &c, cause, sizeof cause),
		    -1);
		if (strncmp(cause, bad[i].key, strlen(bad[i].key)) != 0)
			fail_msg("%s: cause '%s' does not name '%s'",
			    bad[i].json, cause, bad[i].key);
		conf_free(&c);
	}
}

static void
test_pm2_aliases(void **state)
{
	struct app_conf	c;
	char		cause[256];

	(void)state;
	assert_int_equal(parse("{\"script\":\"x\",\"autorestart\":false,"
	    "\"exp_backoff_restart_delay\":200,\"kill_timeout\":1600,"
	    "\"stop_exit_codes\":[0,3],\"env\":{\"PORT\":3000}}", &c, cause,
	    sizeof cause), 0);
	assert_int_equal(c.restart, RESTART_NEVER);
	assert_int_equal(c.restart_delay, 200);
	assert_int_equal(c.kill_timeout, 1600);
	assert_int_equal(c.nstop_codes, 2);
	assert_string_equal(c.env[0], "PORT=3000");
	conf_free(&c);
}

static void
test_roundtrip(void **state)
{
	struct app_conf	c, d;
	char		cause[256], *s1, *s2;
	cJSON		*j;

	(void)state;
	assert_int_equal(parse("{\"name\":\"web\",\"argv\":[\"/bin/x\",\"-p\"],"
	    "\"cwd\":\"/tmp\",\"env\":{\"A\":\"1\"},\"restart\":\"on-failure\","
	    "\"stop_exit_codes\":[3],\"max_restarts\":4,\"min_uptime\":\"2s\","
	    "\"restart_delay\":\"100ms\",\"backoff_max\":\"1m\","
	    "\"kill_timeout\":\"3s\",\"stop_signal\":\"INT\","
	    "\"autostart\":false,\"log_time\":true,\"log_max_size\":\"1M\","
	    "\"log_keep\":2}", &c, cause, sizeof cause), 0);
	j = conf_to_json(&c);
	s1 = cJSON_PrintUnformatted(j);
	conf_defaults(&d);
	assert_int_equal(conf_from_json(&d, j, cause, sizeof cause), 0);
	cJSON_Delete(j);
	j = conf_to_json(&d);
	s2 = cJSON_PrintUnformatted(j);
	assert_string_equal(s1, s2);
	assert_true(conf_same_program(&c, &d));
	assert_int_equal(d.stop_signal, SIGINT);
	assert_int_equal(d.min_uptime, 2000);
	cJSON_Delete(j);
	cJSON_free(s1);
	cJSON_free(s2);
	conf_free(&c);
	conf_free(&d);
}

/* env_NAME sets, env_name, and PM2's log paths (issue 13 items 4, 5). */
static void
test_envsets_and_logs(void **state)
{
	struct app_conf	 c;
	char		 cause[256];

	(void)state;
	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"cwd\":\"/srv/a\","
	    "\"env_production\":{\"A\":\"1\"},\"env_x.y-z\":{},"
	    "\"env_name\":\"production\",\"out_file\":\"./logs//o.log\","
	    "\"err_file\":\"../b/../e.log\",\"log_file\":true,"
	    "\"log_date_format\":\"YYYY\",\"merge_logs\":false,"
	    "\"combine_logs\":\"anything\",\"time\":true}", &c, cause,
	    sizeof cause), 0);
	assert_int_equal(c.nenvsets, 2);
	assert_string_equal(conf_envset(&c, "production")->env[0], "A=1");
	assert_non_null(conf_envset(&c, "x.y-z"));
	assert_null(conf_envset(&c, "staging"));
	assert_string_equal(c.env_name, "production");
	assert_string_equal(c.out_file, "/srv/a/logs/o.log");
	assert_string_equal(c.error_file, "/srv/e.log");
	assert_string_equal(c.log_file, "");
	assert_true(c.log_time);
	conf_free(&c);

	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"cwd\":\"/\","
	    "\"out_file\":null,\"error_file\":\"NULL\",\"log_file\":false}",
	    &c, cause, sizeof cause), 0);
	assert_string_equal(c.out_file, "/dev/null");
	assert_string_equal(c.error_file, "/dev/null");
	assert_null(c.log_file);
	conf_free(&c);

	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"cwd\":\"/l\","
	    "\"out_file\":\"a.log\",\"log_file\":\"/l/a.log\"}", &c, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "log_file: must differ"));
	conf_free(&c);
	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"env_\":{}}",
	    &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "env_: unknown key"));
	conf_free(&c);
	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"env_a b\":{}}",
	    &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "NAME must be"));
	conf_free(&c);
	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"out_file\":"
	    "\"rel.log\"}", &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "out_file: a relative path needs a cwd"));
	conf_free(&c);
	conf_defaults(&c);
	assert_int_equal(parse("{\"script\":\"/bin/true\",\"log_date_format\":"
	    "\"Do\"}", &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "log_date_format: token 'Do'"));
	conf_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shell_and_args),
		cmocka_unit_test(test_errors_name_the_key),
		cmocka_unit_test(test_pm2_aliases),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_envsets_and_logs),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
