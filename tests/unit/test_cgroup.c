// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cgroup.c: a directory as the hierarchy names it, and scope containment
 * (which tasks the agent may kill for a file it could not read). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"

static void test_rel(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(emb_cgroup_rel("/sys/fs/cgroup", "/sys/fs/cgroup", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(emb_cgroup_rel("/sys/fs/cgroup/", "/sys/fs/cgroup/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(emb_cgroup_rel("/sys/fs/cgroup", "/sys/fs/cgroup/a/b/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/a/b");
	assert_int_equal(emb_cgroup_rel("/sys/fs/cgroup", "/sys/fs/cgroupx/a", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(emb_cgroup_rel("/sys/fs/cgroup", "/tmp/a", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(emb_cgroup_rel("/r", "/r/abcdef", buf, 4), -ENAMETOOLONG);
}

static void test_within(void **state)
{
	(void)state;
	assert_true(emb_cgroup_within("/a", "/a"));
	assert_true(emb_cgroup_within("/a/b", "/a"));
	assert_false(emb_cgroup_within("/ab", "/a"));
	assert_false(emb_cgroup_within("/", "/a"));
	assert_false(emb_cgroup_within("/b/a", "/a"));
	assert_true(emb_cgroup_within("/anything", "/"));
	assert_true(emb_cgroup_within("/", "/"));
}

static void test_proc_cgroup(void **state)
{
	char dir[] = "/tmp/emb-cg-XXXXXX", path[512], buf[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/42", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/42/cgroup", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("12:cpu:/legacy\n0::/embargo-e2e-7/inner\n", f);
	fclose(f);
	assert_int_equal(emb_proc_cgroup(dir, 42, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/embargo-e2e-7/inner");
	assert_true(emb_cgroup_within(buf, "/embargo-e2e-7"));
	assert_int_equal(emb_proc_cgroup(dir, 43, buf, sizeof(buf)), -ENOENT);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("12:cpu:/legacy\n", f);
	fclose(f);
	assert_int_equal(emb_proc_cgroup(dir, 42, buf, sizeof(buf)), -ENOENT);
	unlink(path);
	snprintf(path, sizeof(path), "%s/42", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rel),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_proc_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
