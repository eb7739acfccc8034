// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Every kernel counter of enum emb_stat has a name and a help line, names
 * are distinct and fit a Prometheus metric name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/types.h>

#include "embargo_abi.h"
#include "statnames.h"

static void test_every_stat_named(void **state)
{
	char buf[32];

	(void)state;
	for (unsigned k = 0; k < EMB_STAT_MAX; k++) {
		const char *n = emb_stat_name(k);

		if (!n || !emb_stat_help(k))
			fail_msg("enum emb_stat %u has no name in statnames.c", k);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(n));
		for (unsigned j = 0; j < k; j++)
			assert_string_not_equal(n, emb_stat_name(j));
		assert_string_equal(emb_stat_label(k, buf, sizeof(buf)), n);
	}
	assert_null(emb_stat_name(EMB_STAT_MAX));
	{
		char want[32];

		snprintf(want, sizeof(want), "stat_%u", (unsigned)EMB_STAT_MAX);
		assert_string_equal(emb_stat_label(EMB_STAT_MAX, buf, sizeof(buf)), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_stat_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
