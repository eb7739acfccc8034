// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for levels.c: scheme lookup, level order, exact matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "levels.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct level_case {
	const char *scheme;
	const char *name;
	int want; /* index, or -1 */
};

static const struct level_case level_cases[] = {
	{ "uk-gsc", "OFFICIAL", 0 },
	{ "uk-gsc", "OFFICIAL-SENSITIVE", 0 },
	{ "uk-gsc", "official-sensitive", 0 },
	{ "uk-gsc", "SECRET", 1 },
	{ "uk-gsc", "secret", 1 },
	{ "uk-gsc", "TOP SECRET", 2 },
	{ "uk-gsc", "top_secret", 2 },
	{ "uk-gsc", "Top Secret", 2 },
	{ "uk-gsc", "CONFIDENTIAL", -1 },
	{ "uk-gsc", "UNCLASSIFIED", -1 },
	{ "uk-gsc", "OFFICIAL_SENSITIVE", -1 }, /* the alias has a hyphen */
	{ "us", "UNCLASSIFIED", 0 },
	{ "us", "CONFIDENTIAL", 1 },
	{ "us", "SECRET", 2 },
	{ "us", "TOP_SECRET", 3 },
	{ "us", "OFFICIAL", -1 },
	{ "us", "OFFICIAL-SENSITIVE", -1 }, /* alias is uk-gsc only */
	{ "nato", "NATO UNCLASSIFIED", 0 },
	{ "nato", "nato_restricted", 1 },
	{ "nato", "NATO CONFIDENTIAL", 2 },
	{ "nato", "NATO SECRET", 3 },
	{ "nato", "cosmic top secret", 4 },
	{ "nato", "SECRET", -1 },
	/* exact matching only: no prefixes, no extra characters */
	{ "uk-gsc", "SEC", -1 },
	{ "uk-gsc", "SECRETT", -1 },
	{ "uk-gsc", "TOP", -1 },
	{ "uk-gsc", "TOP SECRET ", -1 },
	{ "uk-gsc", " SECRET", -1 },
	{ "uk-gsc", "TOP  SECRET", -1 },
	{ "uk-gsc", "TOP-SECRET", -1 },
	{ "uk-gsc", "", -1 },
	{ "nato", "NATO", -1 },
	{ "nato", "COSMIC", -1 },
};

static void test_level_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(level_cases); i++) {
		const struct level_case *c = &level_cases[i];
		const struct emb_scheme *s = emb_scheme_find(c->scheme);

		assert_non_null(s);
		if (emb_level_find(s, c->name) != c->want)
			fail_msg("%s '%s': got %d, want %d", c->scheme, c->name,
				 emb_level_find(s, c->name), c->want);
	}
}

static void test_scheme_find(void **state)
{
	(void)state;
	assert_string_equal(emb_scheme_find("uk-gsc")->name, "uk-gsc");
	assert_string_equal(emb_scheme_find("UK-GSC")->name, "uk-gsc");
	assert_string_equal(emb_scheme_find("us")->name, "us");
	assert_string_equal(emb_scheme_find("NATO")->name, "nato");
	assert_null(emb_scheme_find("uk"));
	assert_null(emb_scheme_find("uk-gsc "));
	assert_null(emb_scheme_find("uk_gsc"));
	assert_null(emb_scheme_find(""));
	assert_null(emb_scheme_find(NULL));
	assert_int_equal(emb_scheme_find("uk-gsc")->n_levels, 3);
	assert_int_equal(emb_scheme_find("us")->n_levels, 4);
	assert_int_equal(emb_scheme_find("nato")->n_levels, 5);
}

/* Every level of a scheme, lowest first, must rank strictly above the previous. */
static void expect_order(const char *scheme, const char *const *names, int n)
{
	const struct emb_scheme *s = emb_scheme_find(scheme);

	assert_non_null(s);
	assert_int_equal(s->n_levels, n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(emb_level_find(s, names[i]), i);
		assert_string_equal(emb_level_name(s, i), names[i]);
		assert_true(EMB_LEVEL_UNMARKED < emb_level_find(s, names[i]));
	}
}

static void test_order(void **state)
{
	static const char *const uk[] = { "OFFICIAL", "SECRET", "TOP SECRET" };
	static const char *const us[] = { "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET" };
	static const char *const nato[] = { "NATO UNCLASSIFIED", "NATO RESTRICTED", "NATO CONFIDENTIAL",
					    "NATO SECRET", "COSMIC TOP SECRET" };

	(void)state;
	expect_order("uk-gsc", uk, 3);
	expect_order("us", us, 4);
	expect_order("nato", nato, 5);
}

static void test_level_name(void **state)
{
	const struct emb_scheme *s = emb_scheme_find("uk-gsc");

	(void)state;
	assert_string_equal(emb_level_name(s, EMB_LEVEL_UNMARKED), "UNMARKED");
	assert_string_equal(emb_level_name(NULL, EMB_LEVEL_UNMARKED), "UNMARKED");
	assert_string_equal(emb_level_name(s, emb_level_find(s, "official-sensitive")), "OFFICIAL");
	assert_string_equal(emb_level_name(s, 3), "?");
	assert_int_equal(emb_level_find(NULL, "SECRET"), -1);
	assert_int_equal(emb_level_find(s, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_find),
		cmocka_unit_test(test_scheme_find),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_level_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
