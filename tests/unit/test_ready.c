/*
 * The pure part of readiness (src/common/ready.c): ready kinds, notify
 * datagrams, Node's IPC line, HTTP status lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ready.h"

static void
test_kinds(void **state)
{
	struct ready_spec	 r;
	const char		*cause;

	(void)state;
	assert_int_equal(ready_parse("none", &r, &cause), 0);
	assert_int_equal(r.kind, READY_NONE);
	assert_int_equal(ready_parse("notify", &r, &cause), 0);
	assert_int_equal(r.kind, READY_NOTIFY);
	assert_int_equal(ready_parse("ipc", &r, &cause), 0);
	assert_int_equal(r.kind, READY_IPC);
	assert_string_equal(ready_kind_name(r.kind), "ipc");

	assert_int_equal(ready_parse("tcp:8080", &r, &cause), 0);
	assert_int_equal(r.kind, READY_TCP);
	assert_string_equal(r.addr, "127.0.0.1");
	assert_int_equal(r.port, 8080);
	assert_int_equal(ready_parse("tcp:10.1.2.3:1", &r, &cause), 0);
	assert_string_equal(r.addr, "10.1.2.3");
	assert_int_equal(r.port, 1);
	assert_int_equal(ready_parse("tcp:[::1]:65535", &r, &cause), 0);
	assert_true(r.v6);
	assert_string_equal(r.addr, "::1");
	assert_int_equal(r.port, 65535);
	assert_int_equal(ready_parse("tcp:localhost:22", &r, &cause), 0);
	assert_string_equal(r.addr, "127.0.0.1");

	assert_int_equal(ready_parse("http://127.0.0.1:8080/health?x=1", &r,
	    &cause), 0);
	assert_int_equal(r.kind, READY_HTTP);
	assert_string_equal(r.addr, "127.0.0.1");
	assert_int_equal(r.port, 8080);
	assert_string_equal(r.path, "/health?x=1");
	assert_int_equal(ready_parse("http://localhost", &r, &cause), 0);
	assert_int_equal(r.port, 80);
	assert_string_equal(r.path, "/");
	assert_string_equal(r.host, "localhost");
	assert_int_equal(ready_parse("http://[::1]:81?q", &r, &cause), 0);
	assert_true(r.v6);
	assert_int_equal(r.port, 81);
	assert_string_equal(r.path, "/?q");
}

static void
test_bad_kinds(void **state)
{
	static const char *const bad[] = {
		"", "Notify", "tcp:", "tcp:0", "tcp:65536", "tcp:80x",
		"tcp:-1", "tcp:example.com:80", "tcp::80", "tcp:[::1:80",
		"http://", "http://example.com/", "http://127.0.0.1:0/",
		"http://127.0.0.1:/", "http://127.0.0.1/a b",
		"http://127.0.0.1/a#frag", "http://[zz]/", "https://127.0.0.1/",
		"ftp://x", "tcp:1.2.3:80", NULL
	};
	struct ready_spec	 r;
	const char		*cause;
	size_t			 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		cause = NULL;
		if (ready_parse(bad[i], &r, &cause) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(cause);
	}
}

static void
test_notify_messages(void **state)
{
	struct ready_msg	m;
	const char		*s;
	char			 ctl[] = "STATUS=a\tb\x1b[31m";

	(void)state;
	s = "READY=1\nSTATUS=serving 3 clients\nMAINPID=42";
	ready_msg_parse(s, strlen(s), &m);
	assert_true(m.ready);
	assert_true(m.has_status);
	assert_string_equal(m.status, "serving 3 clients");
	assert_true(m.has_mainpid);
	assert_int_equal(m.mainpid, 42);
	assert_false(m.watchdog);

	s = "WATCHDOG=1";
	ready_msg_parse(s, strlen(s), &m);
	assert_true(m.watchdog);
	assert_false(m.ready);

	s = "RELOADING=1\nSTOPPING=1\n\nREADY=0\nREADY=12\nX=1\nMAINPID=0";
	ready_msg_parse(s, strlen(s), &m);
	assert_true(m.reloading);
	assert_true(m.stopping);
	assert_false(m.ready);
	assert_false(m.has_mainpid);

	/* Not NUL-terminated, and a NUL inside: lengths decide. */
	ready_msg_parse("READY=1\0garbage", 7, &m);
	assert_true(m.ready);
	ready_msg_parse("READY=1x", 7, &m);
	assert_true(m.ready);
	ready_msg_parse("READY=", 6, &m);
	assert_false(m.ready);

	/* Control bytes never reach a terminal. */
	ready_msg_parse(ctl, strlen(ctl), &m);
	assert_string_equal(m.status, "ab[31m");
	s = "STATUS=";
	ready_msg_parse(s, strlen(s), &m);
	assert_true(m.has_status);
	assert_string_equal(m.status, "");
	s = "MAINPID=99999999999999999999";
	ready_msg_parse(s, strlen(s), &m);
	assert_false(m.has_mainpid);
}

static void
test_ipc_line(void **state)
{
	(void)state;
	assert_true(ready_ipc_line("\"ready\"", 7));
	assert_true(ready_ipc_line(" \"ready\"\r", 9));
	assert_false(ready_ipc_line("ready", 5));
	assert_false(ready_ipc_line("\"ready\"x", 8));
	assert_false(ready_ipc_line("{\"cmd\":\"ready\"}", 15));
	assert_false(ready_ipc_line("", 0));
}

static void
test_http_status(void **state)
{
	const char	*s;

	(void)state;
	s = "HTTP/1.1 200 OK\r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 1);
	s = "HTTP/1.0 302 Found\r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 1);
	s = "HTTP/1.0 204";
	assert_int_equal(ready_http_status(s, strlen(s)), 1);
	s = "HTTP/1.1 503 Service Unavailable\r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 0);
	s = "HTTP/1.1 404 Not Found\r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 0);
	s = "HTTP/1.1 2";
	assert_int_equal(ready_http_status(s, strlen(s)), -1);
	s = "SSH-2.0\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 0);
	s = "HTTP/2 200 \r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 0);
	s = "HTTP/1.1 2x0 OK\r\n";
	assert_int_equal(ready_http_status(s, strlen(s)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_bad_kinds),
		cmocka_unit_test(test_notify_messages),
		cmocka_unit_test(test_ipc_line),
		cmocka_unit_test(test_http_status),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
