/*
 * Watch, the pure part (src/process/watch.c): which changes are ignored
 * (the defaults plus ignore_watch, matched PM2's way) and the debounce of
 * restarts, with a fake clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "watch.h"

static void
test_defaults(void **state)
{
	(void)state;
	assert_true(watch_ignored("node_modules", NULL));
	assert_true(watch_ignored("node_modules/x/index.js", NULL));
	assert_true(watch_ignored("web/node_modules/x/index.js", NULL));
	assert_true(watch_ignored(".git/index.lock", NULL));
	assert_true(watch_ignored("lib/__pycache__/a.cpython-311.pyc", NULL));
	assert_true(watch_ignored("a.pyc", NULL));
	assert_true(watch_ignored("src/.app.py.swp", NULL));
	assert_true(watch_ignored("src/app.py~", NULL));
	assert_true(watch_ignored("src/.#app.py", NULL));
	assert_true(watch_ignored("src/4913", NULL));	/* vim's probe */
	assert_false(watch_ignored("app.py", NULL));
	assert_false(watch_ignored("src/app.js", NULL));
	assert_false(watch_ignored("src/git/x.js", NULL));
	assert_false(watch_ignored("src/49130", NULL));
	assert_false(watch_ignored("node_modules2/x.js", NULL));
}

/* ignore_watch adds to the defaults; PM2's usual spellings work. */
static void
test_globs(void **state)
{
	static char	g0[] = "logs", g1[] = "*.log", g2[] = "./tmp/",
			g3[] = "src/gen", g4[] = "**/*.tmp", g5[] = "data/*.json";
	char		*globs[] = { g0, g1, g2, g3, g4, g5, NULL };

	(void)state;
	assert_true(watch_ignored("logs/a.txt", globs));
	assert_true(watch_ignored("srv/logs/a.txt", globs));
	assert_true(watch_ignored("app.log", globs));
	assert_true(watch_ignored("deep/er/app.log", globs));
	assert_true(watch_ignored("tmp/x", globs));
	assert_true(watch_ignored("src/gen/a.js", globs));
	assert_true(watch_ignored("a/b.tmp", globs));
	assert_true(watch_ignored("data/x.json", globs));
	assert_true(watch_ignored("node_modules/y", globs));	/* default */
	assert_false(watch_ignored("src/generated.js", globs));
	assert_false(watch_ignored("src/app.js", globs));
	assert_false(watch_ignored("data/x.yaml", globs));
	assert_false(watch_ignored("logsx/a", globs));
}

/*
 * A trailing debounce: due delay after the last change, but never later
 * than 10 * delay after the first, so a busy tree restarts too.
 */
static void
test_due(void **state)
{
	uint64_t	first = 1000, now, last, fired = 0;

	(void)state;
	assert_int_equal(watch_due(1000, 1000, 1000, 1000), 1000);
	assert_int_equal(watch_due(1000, 1500, 1600, 1000), 900);
	assert_int_equal(watch_due(1000, 1500, 2500, 1000), 0);
	assert_int_equal(watch_due(1000, 1500, 9000, 1000), 0);
	/* 20 saves in one second: one restart, 1 s after the last. */
	for (now = first; now < first + 1000; now += 50) {
		last = now;
		assert_true(watch_due(first, last, now, 1000) > 0);
	}
	assert_int_equal(watch_due(first, last, last + 999, 1000), 1);
	assert_int_equal(watch_due(first, last, last + 1000, 1000), 0);
	/* A change every 200 ms for a minute: due at the cap, 10 s. */
	for (now = first; now < first + 60000; now += 200) {
		last = now;
		if (watch_due(first, last, now, 1000) == 0) {
			fired = now;
			break;
		}
	}
	assert_int_equal(fired, first + WATCH_CAP(1000));
	assert_int_equal(WATCH_CAP(1000), 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_due),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
