/*
 * Start order (src/process/deps.c): depends_on read and written, the
 * start order of a set, its problems (cycles named, unknown apps, an app
 * depending on itself, a completed condition that cannot hold), and the
 * verdict on one dependency in every state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deps.h"

/* An app called name whose depends_on is the JSON text deps (or none). */
static void
mk(struct app_conf *c, const char *name, const char *deps)
{
	char	 buf[160];
	cJSON	*v;
	const char *cause = NULL;

	conf_defaults(c);
	strlcpy(c->name, name, sizeof c->name);
	if (deps == NULL)
		return;
	v = cJSON_Parse(deps);
	assert_non_null(v);
	if (deps_from_json(v, &c->deps, &c->ndeps, buf, sizeof buf,
	    &cause) == -1)
		fail_msg("%s: %s", deps, cause);
	cJSON_Delete(v);
}

static const char *
parse_error(const char *text)
{
	static char	 buf[160];
	struct conf_dep	*d = NULL;
	size_t		 n = 0;
	const char	*cause = NULL;
	cJSON		*v = cJSON_Parse(text);
	int		 r;

	assert_non_null(v);
	r = deps_from_json(v, &d, &n, buf, sizeof buf, &cause);
	cJSON_Delete(v);
	free(d);
	return (r == -1 ? cause : NULL);
}

static void
test_parse(void **state)
{
	struct app_conf	 c;
	cJSON		*j;
	char		*s, big[1024];
	size_t		 i, at;

	(void)state;
	mk(&c, "web", "[\"db\", {\"app\": \"cache\", \"condition\": \"ready\"},"
	    " {\"app\": \"migrate\", \"condition\": \"completed\"},"
	    " {\"app\": \"api\"}]");
	assert_int_equal(c.ndeps, 4);
	assert_string_equal(c.deps[0].name, "db");
	assert_int_equal(c.deps[0].cond, DEPS_STARTED);
	assert_int_equal(c.deps[1].cond, DEPS_READY);
	assert_int_equal(c.deps[2].cond, DEPS_COMPLETED);
	assert_int_equal(c.deps[3].cond, DEPS_STARTED);
	/* Written back: a bare name for started, objects for the rest. */
	j = deps_to_json(c.deps, c.ndeps);
	s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "[\"db\",{\"app\":\"cache\",\"condition\":"
	    "\"ready\"},{\"app\":\"migrate\",\"condition\":\"completed\"},"
	    "\"api\"]");
	cJSON_free(s);
	cJSON_Delete(j);
	conf_free(&c);

	mk(&c, "web", "[]");
	assert_int_equal(c.ndeps, 0);
	conf_free(&c);

	assert_non_null(parse_error("\"db\""));
	assert_non_null(parse_error("{\"app\": \"db\"}"));
	assert_non_null(parse_error("[1]"));
	assert_non_null(parse_error("[\"\"]"));
	assert_non_null(parse_error("[\"all\"]"));
	assert_non_null(parse_error("[{\"condition\": \"ready\"}]"));
	assert_non_null(parse_error("[{\"app\": \"db\", \"when\": 1}]"));
	assert_string_equal(parse_error("[{\"app\": \"db\", \"condition\": "
	    "\"healthy\"}]"), "condition must be started, ready or completed");
	assert_string_equal(parse_error("[\"db\", {\"app\": \"db\", "
	    "\"condition\": \"ready\"}]"), "'db' given twice");
	at = strlcpy(big, "[", sizeof big);
	for (i = 0; i < DEPS_MAX + 1; i++)
		at += snprintf(big + at, sizeof big - at, "%s\"a%zu\"",
		    i ? "," : "", i);
	strlcat(big, "]", sizeof big);
	assert_string_equal(parse_error(big), "more than 64 dependencies");
	big[strlen(big) - strlen(",\"a64\"]")] = '\0';
	strlcat(big, "]", sizeof big);
	assert_null(parse_error(big));
}

/* The key goes through conf_from_json and conf_to_json like any other. */
static void
test_conf(void **state)
{
	struct app_conf	 c;
	char		 cause[512], *s;
	cJSON		*o, *j;

	(void)state;
	o = cJSON_Parse("{\"name\": \"api\", \"argv\": [\"/bin/x\"], "
	    "\"depends_on\": [{\"app\": \"db\", \"condition\": \"started\"}]}");
	conf_defaults(&c);
	assert_int_equal(conf_from_json(&c, o, cause, sizeof cause), 0);
	j = conf_to_json(&c);
	s = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "depends_on"));
	assert_string_equal(s, "[\"db\"]");
	cJSON_free(s);
	cJSON_Delete(j);
	conf_free(&c);
	cJSON_Delete(o);

	/* None: not written at all. */
	conf_defaults(&c);
	j = conf_to_json(&c);
	assert_null(cJSON_GetObjectItem(j, "depends_on"));
	cJSON_Delete(j);
	conf_free(&c);

	o = cJSON_Parse("{\"argv\": [\"/bin/x\"], \"depends_on\": \"db\"}");
	conf_defaults(&c);
	assert_int_equal(conf_from_json(&c, o, cause, sizeof cause), -1);
	assert_non_null(strstr(cause, "depends_on: must be an array"));
	conf_free(&c);
	cJSON_Delete(o);
}

/* Position of index i in order[0..n). */
static size_t
pos(const size_t *order, size_t n, size_t i)
{
	size_t	k;

	for (k = 0; k < n; k++) {
		if (order[k] == i)
			return (k);
	}
	fail_msg("index %zu not in the order", i);
	return (SIZE_MAX);
}

static void
test_order(void **state)
{
	struct app_conf		 c[6];
	const struct app_conf	*v[6];
	size_t			 order[6], i;

	(void)state;
	/* web -> api -> db, written in the worst order. */
	mk(&c[0], "web", "[\"api\"]");
	mk(&c[1], "api", "[{\"app\": \"db\", \"condition\": \"ready\"}]");
	mk(&c[2], "db", NULL);
	/* A diamond: report -> (api, cache) -> db; and one alone. */
	mk(&c[3], "report", "[\"api\", \"cache\"]");
	mk(&c[4], "cache", "[\"db\"]");
	mk(&c[5], "solo", NULL);
	for (i = 0; i < 6; i++)
		v[i] = &c[i];
	assert_int_equal(deps_order(v, 6, order), 0);
	assert_true(pos(order, 6, 2) < pos(order, 6, 1));
	assert_true(pos(order, 6, 1) < pos(order, 6, 0));
	assert_true(pos(order, 6, 1) < pos(order, 6, 3));
	assert_true(pos(order, 6, 4) < pos(order, 6, 3));
	assert_true(pos(order, 6, 2) < pos(order, 6, 4));
	/* Without dependencies the set's order is kept. */
	assert_int_equal(deps_order(v + 5, 1, order), 0);
	assert_int_equal(order[0], 0);
	/* Dependencies outside the set are ignored. */
	assert_int_equal(deps_order(v, 2, order), 0);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	for (i = 0; i < 6; i++)
		conf_free(&c[i]);

	/* A cycle: every app is still ordered once; it is counted. */
	mk(&c[0], "a", "[\"b\"]");
	mk(&c[1], "b", "[\"a\"]");
	mk(&c[2], "c", "[\"a\"]");
	for (i = 0; i < 3; i++)
		v[i] = &c[i];
	assert_int_equal(deps_order(v, 3, order), 1);
	assert_true(pos(order, 3, 0) < pos(order, 3, 2));
	for (i = 0; i < 3; i++)
		conf_free(&c[i]);
}

struct seen {
	char	 text[8][256];
	size_t	 who[8];
	size_t	 n;
};

static void
seen_cb(void *arg, size_t i, const char *cause)
{
	struct seen	*s = arg;

	assert_true(s->n < 8);
	s->who[s->n] = i;
	strlcpy(s->text[s->n++], cause, sizeof s->text[0]);
}

static void
test_check(void **state)
{
	struct app_conf		 c[6];
	const struct app_conf	*v[6];
	bool			 check[6] = { true, true, true, true, true,
				    false };
	struct seen		 s;
	size_t			 i;

	(void)state;
	mk(&c[0], "web", "[\"api\"]");
	mk(&c[1], "api", "[\"web\"]");
	mk(&c[2], "self", "[\"self\"]");
	mk(&c[3], "lost", "[\"nowhere\", {\"app\": \"job\", "
	    "\"condition\": \"completed\"}]");
	mk(&c[4], "ok", "[\"job\"]");
	mk(&c[5], "job", NULL);		/* already there; restart always */
	for (i = 0; i < 6; i++)
		v[i] = &c[i];
	memset(&s, 0, sizeof s);
	assert_int_equal(deps_check(v, check, 6, seen_cb, &s), 4);
	assert_int_equal(s.who[0], 2);
	assert_string_equal(s.text[0], "depends_on: 'self' is the app itself");
	assert_int_equal(s.who[1], 3);
	assert_string_equal(s.text[1], "depends_on: unknown app 'nowhere' "
	    "(neither in the file nor an app of the daemon)");
	assert_int_equal(s.who[2], 3);
	assert_non_null(strstr(s.text[2], "'job' never completes"));
	assert_int_equal(s.who[3], 0);
	assert_string_equal(s.text[3], "depends_on: cycle web -> api -> web");

	/* A job that stops after exit 0 can complete. */
	c[5].restart = RESTART_NEVER;
	memset(&s, 0, sizeof s);
	assert_int_equal(deps_check(v, check, 6, seen_cb, &s), 3);
	c[5].restart = RESTART_ALWAYS;
	c[5].stop_codes[0] = 0;
	c[5].nstop_codes = 1;
	memset(&s, 0, sizeof s);
	assert_int_equal(deps_check(v, check, 6, seen_cb, &s), 3);
	for (i = 0; i < 6; i++)
		conf_free(&c[i]);

	/* A longer cycle, entered from outside, named once from its start. */
	mk(&c[0], "front", "[\"a\"]");
	mk(&c[1], "a", "[\"b\"]");
	mk(&c[2], "b", "[\"c\"]");
	mk(&c[3], "c", "[\"a\"]");
	for (i = 0; i < 4; i++)
		v[i] = &c[i];
	memset(&s, 0, sizeof s);
	assert_int_equal(deps_check(v, check, 4, seen_cb, &s), 1);
	assert_int_equal(s.who[0], 1);
	assert_string_equal(s.text[0], "depends_on: cycle a -> b -> c -> a");
	/* Only apps of the daemon (not checked) in it: not this file's. */
	check[1] = check[2] = check[3] = false;
	memset(&s, 0, sizeof s);
	assert_int_equal(deps_check(v, check, 4, seen_cb, &s), 0);
	for (i = 0; i < 4; i++)
		conf_free(&c[i]);
}

static enum deps_verdict
verdict(enum deps_cond cond, enum app_state st, int code, int sig,
    char *why, size_t len)
{
	struct conf_dep	d = { "db", cond };
	struct app_run	r;

	sup_init(&r);
	r.state = st;
	strlcpy(r.reason, "failed too many starts in a row", sizeof r.reason);
	if (code != -2) {
		r.has_exit = true;
		r.exit_code = code;
		r.exit_signal = sig;
	}
	return (deps_verdict(&d, &r, why, len));
}

static void
test_verdict(void **state)
{
	struct conf_dep	d = { "db", DEPS_STARTED };
	char		why[256];
	int		c, s;

	(void)state;
	for (c = DEPS_STARTED; c <= DEPS_READY; c++) {
		assert_int_equal(verdict(c, APP_ONLINE, -2, 0, why, sizeof why),
		    DEPS_MET);
		for (s = 0; s < APP_NSTATES; s++) {
			if (s == APP_ONLINE || s == APP_ERRORED)
				continue;
			assert_int_equal(verdict(c, s, 1, 0, why, sizeof why),
			    DEPS_WAIT);
		}
		assert_string_equal(why, c == DEPS_STARTED ? "db (started)" :
		    "db (ready)");
		assert_int_equal(verdict(c, APP_ERRORED, 1, 0, why,
		    sizeof why), DEPS_FAILED);
		assert_string_equal(why, "dependency db is errored (failed too "
		    "many starts in a row)");
	}
	assert_int_equal(verdict(DEPS_COMPLETED, APP_STOPPED, 0, 0, why,
	    sizeof why), DEPS_MET);
	/* Never run yet (created stopped), or running: not yet. */
	assert_int_equal(verdict(DEPS_COMPLETED, APP_STOPPED, -2, 0, why,
	    sizeof why), DEPS_WAIT);
	assert_string_equal(why, "db (completed)");
	for (s = 0; s < APP_NSTATES; s++) {
		if (s == APP_STOPPED || s == APP_ERRORED)
			continue;
		assert_int_equal(verdict(DEPS_COMPLETED, s, 0, 0, why,
		    sizeof why), DEPS_WAIT);
	}
	assert_int_equal(verdict(DEPS_COMPLETED, APP_STOPPED, 3, 0, why,
	    sizeof why), DEPS_FAILED);
	assert_string_equal(why, "dependency db exited with code 3");
	assert_int_equal(verdict(DEPS_COMPLETED, APP_STOPPED, -1, 15, why,
	    sizeof why), DEPS_FAILED);
	assert_string_equal(why, "dependency db was ended by SIGTERM");
	assert_int_equal(verdict(DEPS_COMPLETED, APP_ERRORED, 1, 0, why,
	    sizeof why), DEPS_FAILED);
	assert_int_equal(deps_verdict(&d, NULL, why, sizeof why), DEPS_FAILED);
	assert_string_equal(why, "dependency db does not exist");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_verdict),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
