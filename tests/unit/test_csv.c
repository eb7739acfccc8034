// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for csv.c: RFC 4180 quoting, exact bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* Run fn on a memory stream; return what it wrote (free it). */
static char *capture_field(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(emb_csv_field(f, in), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_field(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "/opt/kaspersky/kesl/bin/kesl", "/opt/kaspersky/kesl/bin/kesl" },
		{ "Kaspersky Lab", "Kaspersky Lab" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ " lead", "\" lead\"" },
		{ "trail ", "\"trail \"" },
		{ "tab\there", "tab\there" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "semi;colon", "semi;colon" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = capture_field(cases[i].in);

		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: field '%s': got '%s', want '%s'", i, cases[i].in, got,
				 cases[i].want);
		free(got);
	}
}

static void test_row(void **state)
{
	static const char *const fields[] = { "/tmp/a,b", "x", "Vendor \"Q\"", "p", "12" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(emb_csv_row(f, fields, 5), 0);
	assert_int_equal(emb_csv_row(f, fields + 4, 1), 0);
	assert_int_equal(emb_csv_row(f, NULL, 0), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "\"/tmp/a,b\",x,\"Vendor \"\"Q\"\"\",p,12\r\n12\r\n\r\n");
	free(buf);
}

/* A full stream: the error is reported, not swallowed. */
static void test_write_error(void **state)
{
	char small[4];
	FILE *f = fmemopen(small, sizeof(small), "w");

	(void)state;
	assert_non_null(f);
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	assert_int_equal(emb_csv_field(f, "\"quoted, long\""), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
