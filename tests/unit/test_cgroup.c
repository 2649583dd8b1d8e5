/*
 * The cgroup v2 paths (src/process/cgroup.c) on a fake tree in a temporary
 * directory: the daemon's cgroup found from a /proc/PID/cgroup file (its
 * leaf "opmd" seen as moved), refusals with the reason (no v2 line, not
 * writable), an app's cgroup made with its limits, controllers enabled only
 * when a limit needs them (the daemon's processes moved to BASE/opmd
 * first), a pid attached, cgroup.kill, removal.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup.h"

static char	root[256];

static void
put(const char *rel, const char *text)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static char *
get(const char *rel)
{
	static char	buf[512];
	char		path[512];
	FILE		*f;
	size_t		n;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

static int
setup(void **state)
{
	char	path[512];

	(void)state;
	strlcpy(root, "/tmp/opm-cgtest.XXXXXX", sizeof root);
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof path, "%s/system.slice", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/system.slice/opm.service", root);
	assert_int_equal(mkdir(path, 0755), 0);
	put("system.slice/opm.service/cgroup.controllers", "cpu memory pids\n");
	put("system.slice/opm.service/cgroup.subtree_control", "");
	put("system.slice/opm.service/cgroup.procs", "100\n101\n");
	put("self", "12:pids:/x\n0::/system.slice/opm.service\n");
	return (0);
}

static int
teardown(void **state)
{
	char	cmd[600];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return (0);
}

static void
probe(struct cgroup_tree *t)
{
	char	self[512];

	snprintf(self, sizeof self, "%s/self", root);
	cgroup_probe(t, root, self, false);
}

static void
test_probe(void **state)
{
	struct cgroup_tree	t;
	char			want[512], path[600];

	(void)state;
	probe(&t);
	assert_true(t.ok);
	snprintf(want, sizeof want, "%s/system.slice/opm.service", root);
	assert_string_equal(t.base, want);
	assert_int_equal(t.avail, CGROUP_CPU | CGROUP_MEMORY | CGROUP_PIDS);
	assert_int_equal(t.enabled, 0);

	/* Moved to the leaf already (a reload): the base is its parent. */
	snprintf(path, sizeof path, "%s/opmd", want);
	assert_int_equal(mkdir(path, 0755), 0);
	put("self", "0::/system.slice/opm.service/opmd\n");
	probe(&t);
	assert_true(t.ok);
	assert_string_equal(t.base, want);

	/* No v2 line: cgroup v1 only. */
	put("self", "4:memory:/a\n1:name=systemd:/\n");
	probe(&t);
	assert_false(t.ok);
	assert_non_null(strstr(t.why, "has no cgroup v2 line"));

	/* A cgroup that is not there, or not writable: not delegated. */
	put("self", "0::/elsewhere\n");
	probe(&t);
	assert_false(t.ok);
	assert_non_null(strstr(t.why, "the daemon's cgroup /elsewhere is not "
	    "delegated to it"));

	/* The real root on a machine without cgroup2 there says so. */
	snprintf(path, sizeof path, "%s/self", root);
	cgroup_probe(&t, root, path, true);
	assert_false(t.ok);
	assert_non_null(strstr(t.why, "is not a cgroup2 file system"));
}

static void
test_app(void **state)
{
	struct cgroup_tree	t;
	char			cause[512], dir[512];

	(void)state;
	put("self", "0::/system.slice/opm.service\n");
	probe(&t);
	assert_true(t.ok);

	/* No limits: a cgroup of its own, no controller enabled. */
	assert_int_equal(cgroup_prepare(&t, 3, 0, 0, 0, cause, sizeof cause),
	    0);
	cgroup_app_dir(&t, 3, dir, sizeof dir);
	assert_non_null(strstr(dir, "/system.slice/opm.service/app-3"));
	assert_string_equal(get("system.slice/opm.service/cgroup.subtree_control"),
	    "");
	assert_null(get("system.slice/opm.service/app-3/memory.max"));
	assert_int_equal(cgroup_attach(&t, 3, 4242), 0);
	assert_string_equal(get("system.slice/opm.service/app-3/cgroup.procs"),
	    "4242");
	assert_true(cgroup_populated(&t, 3));

	/* Limits: the daemon's processes move, then the controllers. */
	assert_int_equal(cgroup_prepare(&t, 4, 150, 64 << 20, 0, cause,
	    sizeof cause), 0);
	assert_string_equal(get("system.slice/opm.service/opmd/cgroup.procs"),
	    "101");	/* one write each: the last one stays in a fake */
	assert_string_equal(get("system.slice/opm.service/cgroup.subtree_control"),
	    "+cpu +memory");
	assert_int_equal(t.enabled, CGROUP_CPU | CGROUP_MEMORY);
	assert_string_equal(get("system.slice/opm.service/app-4/cpu.max"),
	    "150000 100000");
	assert_string_equal(get("system.slice/opm.service/app-4/memory.max"),
	    "67108864");
	assert_null(get("system.slice/opm.service/app-4/pids.max"));

	/* Later apps get "max" for what they do not set. */
	assert_int_equal(cgroup_prepare(&t, 5, 0, 0, 0, cause, sizeof cause),
	    0);
	assert_string_equal(get("system.slice/opm.service/app-5/cpu.max"),
	    "max 100000");
	assert_string_equal(get("system.slice/opm.service/app-5/memory.max"),
	    "max");

	/* A controller the base does not have: refused, named. */
	put("system.slice/opm.service/cgroup.controllers", "cpu memory\n");
	probe(&t);
	assert_int_equal(cgroup_prepare(&t, 6, 0, 0, 10, cause, sizeof cause),
	    -1);
	assert_non_null(strstr(cause, "the pids controller is not available"));

	/* cgroup.kill: only where the kernel made one. */
	assert_int_equal(cgroup_kill(&t, 3), -1);
	put("system.slice/opm.service/app-3/cgroup.kill", "");
	assert_int_equal(cgroup_kill(&t, 3), 0);
	assert_string_equal(get("system.slice/opm.service/app-3/cgroup.kill"),
	    "1");

	/* Removal: refused while the (fake) files are there. */
	assert_int_equal(cgroup_remove(&t, 3), -1);
	assert_int_equal(cgroup_remove(&t, 99), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_app, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
