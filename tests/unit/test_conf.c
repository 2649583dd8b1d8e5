/* App configuration: the one reader of start requests and app files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "interp.h"
#include "json.h"
#include "options.h"
#include "xmem.h"

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
	assert_string_equal(c.script, "/bin/true");
	assert_null(c.argv);
	assert_null(c.args);
	conf_free(&c);
}

/* What runs: worked out from what was written. */
static char **
run(const char *json, struct app_conf *c, unsigned *flags)
{
	char	cause[512], **v;

	assert_int_equal(parse(json, c, cause, sizeof cause), 0);
	if (interp_argv(c, NULL, &v, flags, cause, sizeof cause) == -1)
		fail_msg("%s: %s", json, cause);
	return (v);
}

static void
test_shell_and_args(void **state)
{
	struct app_conf	c;
	char		cause[256];

	(void)state;
	char		**v;
	unsigned	flags;

	v = run("{\"script\":\"echo hi | cat\"}", &c, &flags);
	assert_string_equal(v[0], "/bin/sh");
	assert_string_equal(v[1], "-c");
	assert_string_equal(v[2], "echo hi | cat");
	assert_string_equal(c.script, "echo hi | cat");
	xfreev(v);
	conf_free(&c);
	v = run("{\"script\":\"node\",\"args\":\"a.js --x\"}", &c, &flags);
	assert_string_equal(v[0], "node");
	assert_string_equal(v[1], "a.js");
	assert_string_equal(v[2], "--x");
	xfreev(v);
	conf_free(&c);
	v = run("{\"argv\":[\"a\",\"b c\"]}", &c, &flags);
	assert_string_equal(v[1], "b c");
	xfreev(v);
	conf_free(&c);
	(void)cause;
}

/* Interpreters: explicit, none, by extension (of a missing file: error). */
static void
test_interpreter(void **state)
{
	struct app_conf	c;
	char		cause[512], **v;
	unsigned	flags;

	(void)state;
	assert_string_equal(interp_for_ext("a/b.js"), "node");
	assert_string_equal(interp_for_ext("x.mjs"), "node");
	assert_string_equal(interp_for_ext("srv.py"), "python3");
	assert_string_equal(interp_for_ext("t.ts"), INTERP_TS);
	assert_string_equal(interp_for_ext("run.sh"), "bash");
	assert_null(interp_for_ext("app"));
	assert_null(interp_for_ext(".js"));
	assert_null(interp_for_ext("a.js/b"));
	v = run("{\"script\":\"s.py\",\"cwd\":\"/nonexistent\","
	    "\"interpreter\":\"./venv/bin/python\",\"node_args\":\"-X dev\","
	    "\"args\":[\"a\"]}", &c, &flags);
	assert_string_equal(v[0], "/nonexistent/./venv/bin/python");
	assert_string_equal(v[1], "-X");
	assert_string_equal(v[2], "dev");
	assert_string_equal(v[3], "s.py");
	assert_string_equal(v[4], "a");
	assert_null(v[5]);
	assert_true(flags & INTERP_PYTHON);
	xfreev(v);
	conf_free(&c);
	v = run("{\"script\":\"app.js\",\"interpreter\":\"none\","
	    "\"cwd\":\"/no\"}", &c, &flags);
	assert_string_equal(v[0], "app.js");
	assert_null(v[1]);
	xfreev(v);
	conf_free(&c);
	assert_int_equal(parse("{\"script\":\"nofile.js\",\"cwd\":\"/\"}",
	    &c, cause, sizeof cause), 0);
	assert_int_equal(interp_argv(&c, NULL, &v, &flags, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "/nofile.js: no such file"));
	conf_free(&c);
	assert_int_equal(parse("{\"argv\":[\"x\"],\"interpreter\":\"node\"}",
	    &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "interpreter: goes with script"));
	conf_free(&c);
}

/* PM2's default name: the script's basename without its extension. */
static void
test_default_name(void **state)
{
	static const struct {
		const char	*json;
		const char	*name;
	} t[] = {
		{ "{\"script\":\"./dist/server.js\"}", "server" },
		{ "{\"script\":\"srv.py\"}", "srv" },
		{ "{\"script\":\"/usr/bin/sleep\",\"args\":\"1\"}", "sleep" },
		{ "{\"script\":\"a.b.tar\"}", "a.b.tar" },
		{ "{\"script\":\"npm run start && x\"}", "npm" },
		{ "{\"argv\":[\"/bin/sh\",\"-c\",\"/x/y z\"]}", "y" },
		{ "{\"argv\":[\"/bin/echo\",\"hi\"]}", "echo" },
	};
	struct app_conf	c;
	char		cause[512], buf[80];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(parse(t[i].json, &c, cause, sizeof cause), 0);
		interp_name(&c, buf, sizeof buf);
		if (strcmp(buf, t[i].name) != 0)
			fail_msg("%s: name %s, not %s", t[i].json, buf,
			    t[i].name);
		conf_free(&c);
	}
}

/* Every problem of an object at once; typos get a suggestion. */
static void
test_all_problems(void **state)
{
	struct app_conf	c;
	char		cause[2048];

	(void)state;
	assert_int_equal(parse("{\"script\":\"x\",\"max_restart\":3,"
	    "\"kill_timeout\":\"soon\",\"watch\":3,\"instances\":1,"
	    "\"exec_mode\":\"cluster\",\"treekill\":false,\"vizion\":false,"
	    "\"min-uptime\":5,\"zzzzqqqq\":1}", &c, cause, sizeof cause), -1);
	assert_non_null(strstr(cause,
	    "max_restart: unknown key; did you mean 'max_restarts'?\n"));
	assert_non_null(strstr(cause, "kill_timeout: "));
	assert_non_null(strstr(cause, "watch: must be true, false, a path or "
	    "an array of paths"));
	assert_non_null(strstr(cause, "PM2's treekill is not supported"));
	assert_null(strstr(cause, "PM2's instances"));
	assert_null(strstr(cause, "vizion"));
	assert_non_null(strstr(cause, "did you mean 'min_uptime'?"));
	assert_non_null(strstr(cause, "zzzzqqqq: unknown key (see"));
	conf_free(&c);
	assert_string_equal(options_suggest("Name"), "name");
	assert_string_equal(options_suggest("kill-timout"), "kill_timeout");
	assert_string_equal(options_suggest("no-autostart"), "autostart");
	assert_string_equal(options_suggest("restrat"), "restart");
	assert_null(options_suggest("frobnicate"));
}

static void
test_errors_name_the_key(void **state)
{
	static const struct {
		const char	*json;
		const char	*key;
	} bad[] = {
		{ "{\"script\":\"x\",\"exec_mode\":\"cluster\","
		    "\"env\":{\"PORT\":\"http\"}}", "exec_mode" },
		{ "{\"script\":\"x\",\"exec_mode\":\"swarm\"}",
		    "exec_mode" },
		{ "{\"script\":\"x\",\"instances\":0}", "instances" },
		{ "{\"script\":\"x\",\"instances\":-5}", "instances" },
		{ "{\"script\":\"x\",\"instances\":\"lots\"}", "instances" },
		{ "{\"script\":\"x\",\"instances\":2.5}", "instances" },
		{ "{\"script\":\"x\",\"instances\":1025}", "instances" },
		{ "{\"script\":\"x\",\"instance_var\":\"A=B\"}",
		    "instance_var" },
		{ "{\"script\":\"x\",\"increment_var\":\"1X\"}",
		    "increment_var" },
		{ "{\"script\":\"x\",\"max_restarts\":\"abc\"}", "max_restarts" },
		{ "{\"script\":\"x\",\"max_restarts\":1.5}", "max_restarts" },
		{ "{\"script\":\"x\",\"max_restarts\":-1}", "max_restarts" },
		{ "{\"script\":\"x\",\"min_uptime\":\"5x\"}", "min_uptime" },
		{ "{\"script\":\"x\",\"min_uptime\":\"10ms\"}", "min_uptime" },
		{ "{\"script\":\"x\",\"restart\":\"sometimes\"}", "restart" },
		{ "{\"script\":\"x\",\"name\":\"a/b\"}", "name" },
		{ "{\"script\":\"x\",\"name\":\"a,b\"}", "name" },
		{ "{\"script\":\"x\",\"name\":\"a:1\"}", "name" },
		{ "{\"script\":\"x\",\"name\":\"a\\tb\"}", "name" },
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

/* conf_diff: the keys that differ, by the option table (issue 18). */
static void
test_diff(void **state)
{
	struct app_conf	 c, d;
	char		 cause[256], *s;
	cJSON		*k;

	(void)state;
	assert_int_equal(parse("{\"name\":\"w\",\"script\":\"/bin/x\","
	    "\"cwd\":\"/tmp\",\"env\":{\"A\":\"1\"},\"env_prod\":{\"B\":\"2\"},"
	    "\"kill_timeout\":\"3s\"}", &c, cause, sizeof cause), 0);
	assert_int_equal(parse("{\"script\":\"/bin/x\",\"name\":\"w\","
	    "\"cwd\":\"/tmp\",\"kill_timeout\":3000,\"env\":{\"A\":\"1\"},"
	    "\"env_prod\":{\"B\":\"2\"}}", &d, cause, sizeof cause), 0);
	k = conf_diff(&c, &d);
	assert_int_equal(cJSON_GetArraySize(k), 0);
	cJSON_Delete(k);
	conf_free(&d);
	assert_int_equal(parse("{\"name\":\"w\",\"script\":\"/bin/x\","
	    "\"cwd\":\"/tmp\",\"env\":{\"A\":\"9\"},\"env_dev\":{},"
	    "\"instances\":2,\"time\":true}", &d, cause, sizeof cause), 0);
	k = conf_diff(&c, &d);
	s = cJSON_PrintUnformatted(k);
	assert_string_equal(s, "[\"env\",\"kill_timeout\",\"log_time\","
	    "\"env_prod\",\"env_dev\",\"instances\"]");
	cJSON_free(s);
	cJSON_Delete(k);
	conf_free(&c);
	conf_free(&d);
}

/* instances as PM2 reads it: N, "N", "max", -1 (issue 14 item 2). */
static void
test_instances(void **state)
{
	static const char *const in[] = { "3", "\"3\"", "\"max\"", "-1",
	    "\"-1\"", "1", "1024" };
	long		 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned	 want[7];
	struct app_conf	 c;
	char		 cause[256], json[128];
	size_t		 i;

	(void)state;
	want[0] = want[1] = 3;
	want[2] = cpus < 1 ? 1 : (unsigned)cpus;
	want[3] = want[4] = cpus > 1 ? (unsigned)cpus - 1 : 1;
	want[5] = 1;
	want[6] = OPM_INSTANCES_MAX;
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		snprintf(json, sizeof json, "{\"script\":\"x\",\"instances\":%s}",
		    in[i]);
		assert_int_equal(parse(json, &c, cause, sizeof cause), 0);
		assert_int_equal(c.instances, want[i]);
		conf_free(&c);
	}
	/* No key, no instances; the export has none either. */
	assert_int_equal(parse("{\"script\":\"x\"}", &c, cause,
	    sizeof cause), 0);
	assert_int_equal(c.instances, 0);
	assert_null(c.instance_var);
	assert_false(c.merge_logs);
	conf_free(&c);
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
	    "\"combine_logs\":false,\"time\":true}", &c, cause,
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
		cmocka_unit_test(test_interpreter),
		cmocka_unit_test(test_default_name),
		cmocka_unit_test(test_all_problems),
		cmocka_unit_test(test_errors_name_the_key),
		cmocka_unit_test(test_pm2_aliases),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_envsets_and_logs),
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_diff),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
