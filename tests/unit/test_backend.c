// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for backend.c: every backend has a name that parses back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "backend.h"

static void every_backend_round_trips(void **state)
{
	(void)state;
	for (unsigned i = 0; i < EMB_BACKEND_COUNT; i++) {
		enum emb_backend b;
		const char *name = emb_backend_name((enum emb_backend)i);

		assert_string_not_equal(name, "unknown");
		assert_int_equal(emb_backend_parse(name, &b), 0);
		assert_int_equal(b, i);
	}
}

static void auto_and_pinned_values(void **state)
{
	enum emb_backend b;

	(void)state;
	assert_int_equal(emb_backend_parse("auto", &b), 0);
	assert_int_equal(b, EMB_BACKEND_AUTO);
	assert_string_equal(emb_backend_name(EMB_BACKEND_AUTO), "auto");
	/* emb_meta.backend of earlier builds: these values are fixed */
	assert_string_equal(emb_backend_name((enum emb_backend)0), "classic");
	assert_string_equal(emb_backend_name((enum emb_backend)1), "lsm");
	assert_string_equal(emb_backend_name((enum emb_backend)2), "fmod_ret");
	assert_string_equal(emb_backend_name((enum emb_backend)3), "kmod");
	assert_string_equal(emb_backend_name((enum emb_backend)200), "unknown");
}

static void unknown_names_are_errors(void **state)
{
	static const char *const bad[] = { "", "LSM", "lsm ", "classic,lsm", "none", "bpf" };
	enum emb_backend b = EMB_BACKEND_LSM;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(emb_backend_parse(bad[i], &b), -1);
		assert_int_equal(b, EMB_BACKEND_LSM); /* untouched */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_backend_round_trips),
		cmocka_unit_test(auto_and_pinned_values),
		cmocka_unit_test(unknown_names_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
