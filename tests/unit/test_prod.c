/*
 * The pure parts of issue 16: the limits and cgroup keys (rlim.c) read and
 * written back, the journal's native protocol and the syslog and stdout
 * lines (logsink.c), log_target, and users and groups resolved (ident.c)
 * against this machine's root and nobody.
 */
#include <sys/resource.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "ident.h"
#include "logsink.h"
#include "rlim.h"

static int
limits(const char *json, struct rlim_val *v, const char **cause)
{
	cJSON	*j = cJSON_Parse(json);
	int	 r;

	assert_non_null(j);
	r = rlim_from_json(j, v, cause);
	cJSON_Delete(j);
	return (r);
}

static void
test_rlim(void **state)
{
	struct rlim_val	 v[RLIM_NKEYS];
	const char	*cause;
	cJSON		*j;
	char		*s;

	(void)state;
	assert_int_equal(limits("{\"nofile\": 1024, \"core\": \"0:unlimited\", "
	    "\"stack\": \"8M\", \"cpu\": \"infinity\", \"nproc\": \"10:20\", "
	    "\"memlock\": \"64K\"}", v, &cause), 0);
	assert_true(v[RLIM_NOFILE].set);
	assert_int_equal(v[RLIM_NOFILE].soft, 1024);
	assert_int_equal(v[RLIM_NOFILE].hard, 1024);
	assert_int_equal(v[RLIM_CORE].soft, 0);
	assert_true(v[RLIM_CORE].hard == RLIM_UNLIMITED);
	assert_int_equal(v[RLIM_STACK].soft, 8 << 20);
	assert_true(v[RLIM_CPU].soft == RLIM_UNLIMITED);
	assert_int_equal(v[RLIM_NPROC].hard, 20);
	assert_int_equal(v[RLIM_MEMLOCK].soft, 65536);
	assert_int_equal(rlim_resource(RLIM_NOFILE), RLIMIT_NOFILE);
	j = rlim_to_json(v);
	s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "{\"nofile\":1024,\"nproc\":\"10:20\","
	    "\"core\":\"0:unlimited\",\"memlock\":65536,\"stack\":8388608,"
	    "\"cpu\":\"unlimited\"}");
	cJSON_free(s);
	cJSON_Delete(j);

	assert_int_equal(limits("{\"nofile\": \"1M\"}", v, &cause), -1);
	assert_string_equal(cause, "nofile: must be a number, \"unlimited\", "
	    "or \"SOFT:HARD\" of those");
	assert_int_equal(limits("{\"core\": \"2:1\"}", v, &cause), -1);
	assert_string_equal(cause, "core: the soft limit is above the hard one");
	assert_int_equal(limits("{\"files\": 1}", v, &cause), -1);
	assert_non_null(strstr(cause, "files: unknown limit"));
	assert_int_equal(limits("{\"cpu\": -1}", v, &cause), -1);
	assert_int_equal(limits("{\"cpu\": \"1:\"}", v, &cause), -1);
	assert_int_equal(limits("5", v, &cause), -1);
	assert_false(rlim_any(v));
}

static int
cg(enum rlim_cg k, const char *json, uint64_t *out)
{
	cJSON		*j = cJSON_Parse(json);
	const char	*cause;
	int		 r;

	assert_non_null(j);
	r = rlim_cg_from_json(k, j, out, &cause);
	cJSON_Delete(j);
	return (r);
}

static void
test_cg_keys(void **state)
{
	uint64_t	u;
	char		buf[64];

	(void)state;
	assert_int_equal(rlim_cg_key("memory_max"), RLIM_CG_MEMORY);
	assert_int_equal(rlim_cg_key("memory"), -1);
	assert_int_equal(cg(RLIM_CG_CPU, "\"50%\"", &u), 0);
	assert_int_equal(u, 50);
	rlim_cg_value(RLIM_CG_CPU, u, buf, sizeof buf);
	assert_string_equal(buf, "50000 100000");
	assert_int_equal(cg(RLIM_CG_CPU, "250", &u), 0);
	assert_int_equal(u, 250);
	assert_int_equal(cg(RLIM_CG_CPU, "\"max\"", &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(cg(RLIM_CG_CPU, "\"50\"", &u), -1);
	assert_int_equal(cg(RLIM_CG_CPU, "\"0%\"", &u), -1);
	assert_int_equal(cg(RLIM_CG_MEMORY, "\"512M\"", &u), 0);
	assert_int_equal(u, 512 << 20);
	assert_int_equal(cg(RLIM_CG_MEMORY, "\"512K\"", &u), -1);
	assert_int_equal(cg(RLIM_CG_PIDS, "64", &u), 0);
	rlim_cg_value(RLIM_CG_PIDS, u, buf, sizeof buf);
	assert_string_equal(buf, "64");
	rlim_cg_value(RLIM_CG_PIDS, 0, buf, sizeof buf);
	assert_string_equal(buf, "max");
	assert_int_equal(cg(RLIM_CG_PIDS, "0", &u), -1);
	assert_string_equal(rlim_cg_file(RLIM_CG_MEMORY), "memory.max");
}

static void
test_journal(void **state)
{
	struct logsink_from	 f = { "web", -1, false };
	char			 buf[256];
	size_t			 n;
	const char		 want[] = "MESSAGE=hello\nPRIORITY=6\n"
	    "SYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=web\nOPM_APP=web\n";
	const char		 bin[] = "MESSAGE\n\x04\0\0\0\0\0\0\0a\nb\x1b\n"
	    "PRIORITY=3\n";

	(void)state;
	n = logsink_journal_encode(&f, "hello", 5, buf, sizeof buf);
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(buf, want, n);
	/* A newline or an escape: the binary form, length little endian. */
	f.err = true;
	f.instance = 2;
	n = logsink_journal_encode(&f, "a\nb\x1b", 4, buf, sizeof buf);
	assert_memory_equal(buf, bin, sizeof bin - 1);
	assert_non_null(memmem(buf, n, "OPM_INSTANCE=2\n", 15));
	/* Too small a buffer: the length needed, nothing past it. */
	assert_int_equal(logsink_journal_encode(&f, "a\nb\x1b", 4, buf, 4), n);
}

static void
test_lines(void **state)
{
	struct logsink_from	 f = { "web", -1, false };
	struct tm		 tm;
	char			 buf[256];
	size_t			 n;
	time_t			 t;

	(void)state;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mon = 2;
	tm.tm_mday = 7;
	tm.tm_hour = 9;
	tm.tm_min = 5;
	tm.tm_sec = 3;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	n = logsink_syslog_encode(&f, "up", 2, t, buf, sizeof buf);
	assert_int_equal(n, strlen("<30>Mar  7 09:05:03 web: up"));
	assert_memory_equal(buf, "<30>Mar  7 09:05:03 web: up", n);
	f.err = true;
	f.instance = 1;
	n = logsink_syslog_encode(&f, "x", 1, t, buf, sizeof buf);
	assert_memory_equal(buf, "<27>Mar  7 09:05:03 web-1: x", n);
	n = logsink_prefix_encode(&f, "x", 1, false, buf, sizeof buf);
	assert_memory_equal(buf, "web:1 | x\n", n);
	f.instance = -1;
	n = logsink_prefix_encode(&f, "x", 1, false, buf, sizeof buf);
	assert_memory_equal(buf, "web | x\n", n);
	n = logsink_prefix_encode(&f, "x", 1, true, buf, sizeof buf);
	assert_memory_equal(buf, "x\n", n);
}

static void
test_target(void **state)
{
	const char	*cause;
	unsigned	 m;
	cJSON		*j;
	char		*s;

	(void)state;
	j = cJSON_Parse("[\"journal\", \"file\"]");
	assert_int_equal(logsink_parse(j, &m, &cause), 0);
	assert_int_equal(m, LOGSINK_FILE | LOGSINK_JOURNAL);
	cJSON_Delete(j);
	j = logsink_to_json(m);
	s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "[\"file\",\"journal\"]");
	cJSON_free(s);
	cJSON_Delete(j);
	j = logsink_to_json(LOGSINK_STDOUT);
	assert_string_equal(j->valuestring, "stdout");
	cJSON_Delete(j);
	j = cJSON_Parse("[\"file\", \"file\"]");
	assert_int_equal(logsink_parse(j, &m, &cause), -1);
	assert_string_equal(cause, "a target given twice");
	cJSON_Delete(j);
	j = cJSON_Parse("[]");
	assert_int_equal(logsink_parse(j, &m, &cause), -1);
	cJSON_Delete(j);
	j = cJSON_CreateString("console");
	assert_int_equal(logsink_parse(j, &m, &cause), -1);
	cJSON_Delete(j);
}

static void
test_ident(void **state)
{
	struct ident	id;
	char		cause[256];
	size_t		i;
	bool		found = false;

	(void)state;
	assert_true(ident_word_ok("www-data"));
	assert_true(ident_word_ok("65534"));
	assert_false(ident_word_ok("-x"));
	assert_false(ident_word_ok("a b"));
	assert_false(ident_word_ok(""));
	assert_int_equal(ident_resolve("root", NULL, &id, cause, sizeof cause),
	    0);
	assert_true(id.set_uid && id.set_gid);
	assert_int_equal(id.uid, 0);
	assert_int_equal(id.gid, 0);
	assert_string_equal(id.name, "root");
	assert_non_null(id.home);
	for (i = 0; i < id.ngroups; i++)
		found = found || id.groups[i] == 0;
	assert_true(found);
	ident_free(&id);
	/* By number, with a group by number. */
	assert_int_equal(ident_resolve("0", "1", &id, cause, sizeof cause), 0);
	assert_int_equal(id.gid, 1);
	ident_free(&id);
	/* A group alone: the uid stays. */
	assert_int_equal(ident_resolve(NULL, "0", &id, cause, sizeof cause), 0);
	assert_false(id.set_uid);
	assert_true(id.set_gid);
	assert_int_equal(id.ngroups, 1);
	ident_free(&id);
	assert_int_equal(ident_resolve("opm-nobody-here", NULL, &id, cause,
	    sizeof cause), -1);
	assert_string_equal(cause, "user: no such user 'opm-nobody-here'");
	assert_int_equal(ident_resolve("root", "opm-no-group", &id, cause,
	    sizeof cause), -1);
	assert_string_equal(cause, "group: no such group 'opm-no-group'");
	/* A uid without an entry needs its group. */
	assert_int_equal(ident_resolve("4000000000", NULL, &id, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "is not in the password database"));
	assert_int_equal(ident_resolve("4000000000", "4000000000", &id, cause,
	    sizeof cause), 0);
	assert_null(id.name);
	assert_int_equal(id.ngroups, 1);
	ident_free(&id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rlim),
		cmocka_unit_test(test_cg_keys),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_ident),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
