// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The shared option parser: exact names, per-command lists, --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmdhelp.h"
#include "options.h"

static int parse(const char *const *args, int n, struct emb_opts *o)
{
	char *argv[16];
	int rc;

	for (int i = 0; i < n; i++)
		argv[i] = (char *)args[i];
	argv[n] = NULL;
	/* --help prints to stdout: keep the test output clean */
	fflush(stdout);
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	rc = emb_opts_parse(o, n, argv);
	fclose(stdout);
	stdout = saved;
	return rc;
}

static void test_exact_names(void **state)
{
	static const char *const key[] = { "test", "--key", "x" };
	static const char *const keys[] = { "test", "--keys-dir", "x" };
	static const char *const eq[] = { "test", "--keys-dir=x" };
	static const char *const pol[] = { "test", "--pol", "x" };
	struct emb_opts o;

	(void)state;
	assert_int_equal(parse(key, 3, &o), -1);
	assert_int_equal(parse(pol, 3, &o), -1);
	assert_int_equal(parse(keys, 3, &o), 0);
	assert_string_equal(o.keys_dir, "x");
	emb_opts_free(&o);
	assert_int_equal(parse(eq, 2, &o), 0);
	assert_string_equal(o.keys_dir, "x");
	emb_opts_free(&o);
}

static void test_per_command(void **state)
{
	static const char *const ok[] = { "status", "--json", "--pin-dir", "p" };
	static const char *const no[] = { "status", "--log", "l" };
	static const char *const unknown_cmd[] = { "nosuch", "--json" };
	struct emb_opts o;

	(void)state;
	assert_int_equal(parse(ok, 4, &o), 0);
	assert_int_equal(o.json, 1);
	assert_string_equal(o.pin_dir, "p");
	emb_opts_free(&o);
	assert_int_equal(parse(no, 3, &o), -1);
	assert_int_equal(parse(unknown_cmd, 2, &o), -1);
}

static void test_help(void **state)
{
	static const char *const help[] = { "status", "--json", "--help" };
	static const char *const h[] = { "run", "-h" };
	static const char *const bad_then_help[] = { "status", "--log", "x", "--help" };
	struct emb_opts o;

	(void)state;
	assert_int_equal(parse(help, 3, &o), 1);
	assert_int_equal(parse(h, 2, &o), 1);
	assert_int_equal(parse(bad_then_help, 4, &o), -1);
}

/* Every shared option a command lists is one the parser knows and documents. */
static void test_tables(void **state)
{
	const struct emb_cmd_help *v;
	const char *arg, *help;
	size_t n;

	(void)state;
	v = emb_cmd_helps(&n);
	assert_true(n >= 13);
	for (size_t i = 0; i < n; i++) {
		char list[512], *save = NULL;

		assert_non_null(v[i].summary);
		assert_non_null(v[i].usage);
		assert_ptr_equal(emb_cmd_help_find(v[i].name), &v[i]);
		assert_true(strlen(v[i].shared) < sizeof(list));
		strcpy(list, v[i].shared);
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (emb_opts_describe(t, &arg, &help))
				fail_msg("%s: shared option '%s' is not in the parser's table", v[i].name, t);
			assert_non_null(help);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_names),
		cmocka_unit_test(test_per_command),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
