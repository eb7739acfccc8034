// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for jsonw.c: exact output lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"

/* One string field under key "k", closed, compared with want. */
static void expect_str_line(const char *val, const char *want)
{
	struct emb_json j;

	emb_json_begin(&j);
	emb_json_str(&j, "k", val);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, want);
	assert_int_equal(j.len, strlen(want));
	emb_json_free(&j);
}

static void test_empty_object(void **state)
{
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{}");
	emb_json_free(&j);
	assert_null(j.buf);
}

static void test_escapes(void **state)
{
	(void)state;
	expect_str_line("plain text /x", "{\"k\":\"plain text /x\"}");
	expect_str_line("a\"b\\c", "{\"k\":\"a\\\"b\\\\c\"}");
	expect_str_line("\n\t\r\b\f", "{\"k\":\"\\n\\t\\r\\b\\f\"}");
	expect_str_line("\x01\x1f\x7f~", "{\"k\":\"\\u0001\\u001f\\u007f~\"}");
	expect_str_line("", "{\"k\":\"\"}");
	expect_str_line(NULL, "{\"k\":null}");
}

static void test_escaped_key(void **state)
{
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_u64(&j, "a\"b", 1);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{\"a\\\"b\":1}");
	emb_json_free(&j);
}

static void test_valid_utf8_kept(void **state)
{
	(void)state;
	/* U+00E9, U+20AC, U+1F600, U+10FFFF: 2, 3, 4 and the largest 4 bytes. */
	expect_str_line("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
			"{\"k\":\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"}");
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect_str_line("a\xff" "b", "{\"k\":\"a" FFFD "b\"}");
	/* Lone continuation byte. */
	expect_str_line("\x80", "{\"k\":\"" FFFD "\"}");
	/* Truncated sequence at the end. */
	expect_str_line("a\xc3", "{\"k\":\"a" FFFD "\"}");
	/* Truncated sequence followed by ASCII: the ASCII survives. */
	expect_str_line("\xe2\x82x", "{\"k\":\"" FFFD FFFD "x\"}");
	/* Overlong "/" and overlong NUL. */
	expect_str_line("\xc0\xaf\xc1\xbf", "{\"k\":\"" FFFD FFFD FFFD FFFD "\"}");
	expect_str_line("\xe0\x80\xaf", "{\"k\":\"" FFFD FFFD FFFD "\"}");
	/* UTF-16 surrogate U+D800. */
	expect_str_line("\xed\xa0\x80", "{\"k\":\"" FFFD FFFD FFFD "\"}");
	/* Above U+10FFFF, and bytes never valid in UTF-8. */
	expect_str_line("\xf4\x90\x80\x80", "{\"k\":\"" FFFD FFFD FFFD FFFD "\"}");
	expect_str_line("\xf5\xfe", "{\"k\":\"" FFFD FFFD "\"}");
}

static void test_key_order_and_types(void **state)
{
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_str(&j, "time", "T");
	emb_json_str(&j, "event", "exec");
	emb_json_u64(&j, "pid", 4242);
	emb_json_i64(&j, "uid", 0);
	emb_json_bool(&j, "yes", 1);
	emb_json_bool(&j, "no", 0);
	emb_json_str(&j, "comm", "bash");
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{\"time\":\"T\",\"event\":\"exec\",\"pid\":4242,\"uid\":0,"
				   "\"yes\":true,\"no\":false,\"comm\":\"bash\"}");
	assert_int_equal(j.n_keys, 7);
	emb_json_free(&j);
}

static void test_integers(void **state)
{
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_u64(&j, "u0", 0);
	emb_json_u64(&j, "umax", UINT64_MAX);
	emb_json_i64(&j, "neg", -1);
	emb_json_i64(&j, "imin", INT64_MIN);
	emb_json_i64(&j, "imax", INT64_MAX);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{\"u0\":0,\"umax\":18446744073709551615,\"neg\":-1,"
				   "\"imin\":-9223372036854775808,\"imax\":9223372036854775807}");
	emb_json_free(&j);
}

static void test_strv(void **state)
{
	const char *const ids[] = { "ncsc-2017-ru-av", "x\"y", NULL, "\xff" };
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_str(&j, "event", "policy");
	emb_json_strv(&j, "policies", ids, 4);
	emb_json_strv(&j, "one", ids, 1);
	emb_json_strv(&j, "none", NULL, 0);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{\"event\":\"policy\","
				   "\"policies\":[\"ncsc-2017-ru-av\",\"x\\\"y\",null,\"" FFFD "\"],"
				   "\"one\":[\"ncsc-2017-ru-av\"],\"none\":[]}");
	emb_json_free(&j);
}

static void test_strn(void **state)
{
	/* Like a kernel comm[] that fills its array: no terminating NUL. */
	const char comm[4] = { 'b', 'a', 's', 'h' };
	const char nul_inside[6] = { 'a', 'b', '\0', 'c', 'd', 'e' };
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_strn(&j, "comm", comm, sizeof(comm));
	emb_json_strn(&j, "short", nul_inside, sizeof(nul_inside));
	emb_json_strn(&j, "cut", "abcdef", 3);
	emb_json_strn(&j, "zero", "abc", 0);
	/* A cut in the middle of a UTF-8 sequence leaves an invalid byte. */
	emb_json_strn(&j, "mid", "\xc3\xa9\xc3\xa9", 3);
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, "{\"comm\":\"bash\",\"short\":\"ab\",\"cut\":\"abc\","
				   "\"zero\":\"\",\"mid\":\"\xc3\xa9" FFFD "\"}");
	emb_json_free(&j);
}

static void test_growth(void **state)
{
	struct emb_json j;
	char *big = malloc(100001), key[16];
	size_t want;
	int i;

	(void)state;
	assert_non_null(big);
	memset(big, '"', 100000);
	big[100000] = '\0';
	emb_json_begin(&j);
	emb_json_str(&j, "big", big);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		emb_json_u64(&j, key, (uint64_t)i);
	}
	assert_int_equal(emb_json_end(&j), 0);
	/* {"big":"<2 bytes per quote>"} */
	want = 8 + 200000 + 1;
	for (i = 0; i < 1000; i++)
		want += (size_t)snprintf(key, sizeof(key), ",\"k%d\":%d", i, i);
	want += 1;
	assert_int_equal(j.len, want);
	assert_int_equal(strlen(j.buf), want);
	assert_true(j.cap > j.len);
	assert_memory_equal(j.buf, "{\"big\":\"\\\"\\\"", 12);
	assert_string_equal(j.buf + want - 12, ",\"k999\":999}");
	emb_json_free(&j);
	free(big);
}

static void test_failed_is_sticky(void **state)
{
	struct emb_json j;
	size_t len;

	(void)state;
	emb_json_begin(&j);
	emb_json_str(&j, "a", "b");
	/* As if an allocation had failed: everything after is a no-op. */
	j.failed = 1;
	len = j.len;
	emb_json_str(&j, "c", "d");
	emb_json_u64(&j, "e", 1);
	emb_json_i64(&j, "f", -1);
	emb_json_bool(&j, "g", 1);
	emb_json_strv(&j, "h", NULL, 0);
	emb_json_strn(&j, "i", "x", 1);
	assert_int_equal(emb_json_end(&j), -1);
	assert_int_equal(j.len, len);
	assert_string_equal(j.buf, "{\"a\":\"b\"");
	emb_json_free(&j);
}

static void test_time_format(void **state)
{
	char buf[32], small[11];
	struct tm tm = { 0 };
	regex_t re;
	time_t now, t;
	char *end;

	(void)state;
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
				      "\\.[0-9]{6}Z$", REG_EXTENDED | REG_NOSUB), 0);
	now = time(NULL);
	emb_json_time_now(buf, sizeof(buf));
	assert_int_equal(strlen(buf), 27);
	assert_int_equal(regexec(&re, buf, 0, NULL, 0), 0);
	regfree(&re);
	/* It is UTC and it is now. */
	end = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(end);
	assert_int_equal(*end, '.');
	t = timegm(&tm);
	assert_true(t >= now - 2 && t <= now + 5);
	/* A short buffer is truncated, never overrun. */
	emb_json_time_now(small, sizeof(small));
	assert_int_equal(strlen(small), 10);
	assert_memory_equal(small, buf, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_object),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_escaped_key),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_key_order_and_types),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_strn),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_failed_is_sticky),
		cmocka_unit_test(test_time_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
