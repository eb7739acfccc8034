// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for pathglob.c: "**" segments, fnmatch components, validation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pathglob.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct match_case {
	const char *glob, *path;
	int want;
};

static const struct match_case match_cases[] = {
	{ "/opt/kaspersky/**", "/opt/kaspersky/kesl/bin/kesl", 1 },
	{ "/opt/kaspersky/**", "/opt/kaspersky/x", 1 },
	{ "/opt/kaspersky/**", "/opt/kaspersky", 1 }, /* zero components */
	{ "/opt/kaspersky/**", "/opt/kasperskyx/a", 0 },
	{ "/opt/kaspersky/**", "/opt", 0 },
	{ "/**", "/", 1 },
	{ "/**", "/usr/bin/ls", 1 },
	{ "/**/kesl", "/kesl", 1 },
	{ "/**/kesl", "/opt/kaspersky/kesl/bin/kesl", 1 },
	{ "/**/kesl", "/opt/kaspersky/kesl/bin/kesl2", 0 },
	{ "/opt/**/bin/*", "/opt/a/b/c/bin/x", 1 },
	{ "/opt/**/bin/*", "/opt/bin/x", 1 },
	{ "/opt/**/bin/*", "/opt/a/bin/x/y", 0 },
	{ "/opt/**/bin/*", "/opt/a/bin", 0 },
	{ "/a/**/b/**/c", "/a/b/c", 1 },
	{ "/a/**/b/**/c", "/a/x/b/y/z/c", 1 },
	{ "/a/**/b/**/c", "/a/b/b/b/c", 1 },
	{ "/a/**/b/**/c", "/a/c/b", 0 },
	{ "/a/**/**/b", "/a/b", 1 },
	{ "/a/**/**/b", "/a/x/y/b", 1 },
	{ "/usr/bin/*", "/usr/bin/kesl", 1 },
	{ "/usr/bin/*", "/usr/bin/.hidden", 1 }, /* no FNM_PERIOD: hidden files are not exempt */
	{ "/usr/bin/*", "/usr/bin/a/b", 0 },     /* '*' never crosses '/' */
	{ "/usr/*/kesl", "/usr/bin/kesl", 1 },
	{ "/usr/*/kesl", "/usr/kesl", 0 },
	{ "/usr/lib/kl?.so", "/usr/lib/kl1.so", 1 },
	{ "/usr/lib/kl?.so", "/usr/lib/kl12.so", 0 },
	{ "/usr/lib/kl[0-9]*.so", "/usr/lib/kl7x.so", 1 },
	{ "/usr/lib/kl[0-9]*.so", "/usr/lib/klx.so", 0 },
	{ "/usr/lib/kl[!0-9].so", "/usr/lib/klx.so", 1 },
	{ "/usr/lib/kl[]x].so", "/usr/lib/kl].so", 1 },
	{ "/opt/a\\*b", "/opt/a*b", 1 },
	{ "/opt/a\\*b", "/opt/axb", 0 },
	{ "/opt/x", "/opt/x", 1 },
	{ "/opt/x", "/opt/x/y", 0 },
	{ "/opt/x", "/opt", 0 },
	{ "/opt/x", "opt/x", 0 },
};

static void test_match(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		const char *why = NULL;

		if (emb_glob_check(c->glob, &why)) {
			print_error("row %zu: glob '%s' invalid: %s\n", i, c->glob, why);
			failures++;
		} else if (emb_glob_match(c->glob, c->path) != c->want) {
			print_error("row %zu: '%s' vs '%s': want %d\n", i, c->glob, c->path, c->want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

struct bad_case {
	const char *glob, *why;
};

static const struct bad_case bad_cases[] = {
	{ "", "not an absolute path" },
	{ "opt/x", "not an absolute path" },
	{ "/", "empty path component" },
	{ "//x", "empty path component" },
	{ "/x/", "empty path component" },
	{ "/x/[ab", "unclosed '['" },
	{ "/x/[!]", "unclosed '['" },
	{ "/x/[a/b]", "unclosed '['" },
	{ "/x/a**", "'**' must be a whole path component" },
	{ "/x/**a", "'**' must be a whole path component" },
	{ "/x/.", "'.' and '..' components never match" },
	{ "/../x", "'.' and '..' components never match" },
	{ "/x\\", "'\\' at the end of a component" },
	{ "/x\\/y", "'\\' at the end of a component" },
};

static void test_check(void **state)
{
	char long_comp[300], long_path[4200];
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		why = NULL;
		if (emb_glob_check(bad_cases[i].glob, &why) != -1 || !why)
			fail_msg("'%s' accepted", bad_cases[i].glob);
		if (strcmp(why, bad_cases[i].why))
			fail_msg("'%s': got '%s', want '%s'", bad_cases[i].glob, why, bad_cases[i].why);
	}
	memset(long_comp, 'a', sizeof(long_comp));
	long_comp[0] = '/';
	long_comp[256] = '\0';
	assert_int_equal(emb_glob_check(long_comp, &why), 0);
	long_comp[256] = 'a';
	long_comp[257] = '\0';
	assert_int_equal(emb_glob_check(long_comp, &why), -1);
	assert_string_equal(why, "path component longer than 255 bytes");
	/* no file has a longer name: such a path never matches */
	assert_int_equal(emb_glob_match("/*", long_comp), 0);
	for (size_t i = 0; i < sizeof(long_path) - 1; i++)
		long_path[i] = i % 2 ? 'a' : '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(emb_glob_check(long_path, &why), -1);
	assert_string_equal(why, "longer than 4095 bytes");
	assert_int_equal(emb_glob_match("/**", long_path), 1);
	assert_int_equal(emb_glob_match("/**/b", long_path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
