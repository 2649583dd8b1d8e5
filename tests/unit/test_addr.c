/*
 * Listening addresses (src/common/addr.c): what parses, into what, the
 * causes of what does not, the text of a bound address, and which two
 * addresses are the same socket.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"

static void
ok(const char *spec, const char *name, int family, const char *text)
{
	struct addr	 a;
	const char	*cause = NULL;
	char		 buf[ADDR_TEXT_MAX];

	if (addr_parse(spec, &a, &cause) == -1)
		fail_msg("%s: %s", spec, cause);
	assert_string_equal(a.name, name);
	assert_int_equal(a.family, family);
	addr_format((struct sockaddr *)&a.ss, a.len, buf, sizeof buf);
	assert_string_equal(buf, text);
}

static void
bad(const char *spec, const char *want)
{
	struct addr	 a;
	const char	*cause = NULL;

	if (addr_parse(spec, &a, &cause) == 0)
		fail_msg("%s: parsed", spec);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: cause '%s', want '%s'", spec, cause, want);
}

static void
test_parse(void **state)
{
	(void)state;
	ok("tcp://127.0.0.1:8080", "", AF_INET, "tcp://127.0.0.1:8080");
	ok("tcp://0.0.0.0:0", "", AF_INET, "tcp://0.0.0.0:0");
	ok("tcp://localhost:65535", "", AF_INET, "tcp://127.0.0.1:65535");
	ok("tcp://[::1]:80", "", AF_INET6, "tcp://[::1]:80");
	ok("tcp://[::]:443", "", AF_INET6, "tcp://[::]:443");
	ok("web.1-a_b=tcp://10.0.0.1:1", "web.1-a_b", AF_INET,
	    "tcp://10.0.0.1:1");
	ok("unix:/run/x.sock", "", AF_UNIX, "unix:/run/x.sock");
	ok("admin=unix:/a=b", "admin", AF_UNIX, "unix:/a=b");

	bad("tcp://1.2.3:80", "not an IPv4 address");
	bad("tcp://example.com:80", "host names other than localhost");
	bad("tcp://127.0.0.1", "expected tcp://HOST:PORT");
	bad("tcp://127.0.0.1:", "the port must be a number 0-65535");
	bad("tcp://127.0.0.1:65536", "the port must be a number 0-65535");
	bad("tcp://127.0.0.1:-1", "the port must be a number 0-65535");
	bad("tcp://127.0.0.1:0x50", "the port must be a number 0-65535");
	bad("tcp://127.0.0.1:0000080", "the port must be a number 0-65535");
	bad("tcp://:80", "no host");
	bad("tcp://::1:80", "write IPv6 as [ADDR]");
	bad("tcp://[::1:80", "expected tcp://[IPV6]:PORT");
	bad("tcp://[::1]80", "expected tcp://[IPV6]:PORT");
	bad("tcp://[1.2.3.4]:80", "not an IPv6 address");
	bad("unix:x.sock", "the path must be absolute");
	bad("unix:", "the path must be absolute");
	bad("udp://1.2.3.4:5", "expected [NAME=]tcp://HOST:PORT");
	bad("", "expected [NAME=]tcp://HOST:PORT");
	bad("=tcp://1.2.3.4:5", "expected [NAME=]tcp://HOST:PORT");
	bad("a b=tcp://1.2.3.4:5", "expected [NAME=]tcp://HOST:PORT");
}

static void
test_limits(void **state)
{
	char	spec[256];

	(void)state;
	/* sun_path holds 107 bytes and a NUL. */
	memset(spec, 0, sizeof spec);
	strcpy(spec, "unix:/");
	memset(spec + 6, 'p', 106);
	ok(spec, "", AF_UNIX, spec);
	spec[strlen(spec)] = 'p';
	bad(spec, "longer than 107 bytes");
	memset(spec, 0, sizeof spec);
	memset(spec, 'n', 64);
	strcat(spec, "=unix:/x");
	ok(spec, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
	    AF_UNIX, "unix:/x");
	memset(spec, 0, sizeof spec);
	memset(spec, 'n', 65);
	strcat(spec, "=unix:/x");
	bad(spec, "longer than 64");
}

static void
test_same(void **state)
{
	struct addr	 a, b;
	const char	*cause;

	(void)state;
	assert_int_equal(addr_parse("tcp://127.0.0.1:80", &a, &cause), 0);
	assert_int_equal(addr_parse("x=tcp://localhost:80", &b, &cause), 0);
	assert_true(addr_same(&a, &b));
	assert_int_equal(addr_port(&a), 80);
	assert_int_equal(addr_parse("tcp://127.0.0.1:81", &b, &cause), 0);
	assert_false(addr_same(&a, &b));
	/* Port 0 twice: two sockets, each with a port of its own. */
	assert_int_equal(addr_parse("tcp://127.0.0.1:0", &a, &cause), 0);
	assert_int_equal(addr_parse("tcp://127.0.0.1:0", &b, &cause), 0);
	assert_false(addr_same(&a, &b));
	assert_int_equal(addr_parse("unix:/s", &a, &cause), 0);
	assert_int_equal(addr_parse("n=unix:/s", &b, &cause), 0);
	assert_true(addr_same(&a, &b));
	assert_int_equal(addr_port(&a), -1);
	assert_int_equal(addr_parse("tcp://[::1]:80", &b, &cause), 0);
	assert_false(addr_same(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_same),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
