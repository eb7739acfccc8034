// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for netaddr.c: CIDR and port range parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct cidr_ok {
	const char *in;
	int family;
	int prefix;
	uint8_t addr[16];
	const char *text; /* emb_cidr_format */
};

static const struct cidr_ok cidr_good[] = {
	{ "203.0.113.0/24", AF_INET, 24, { 203, 0, 113, 0 }, "203.0.113.0/24" },
	{ "192.0.2.10/32", AF_INET, 32, { 192, 0, 2, 10 }, "192.0.2.10/32" },
	{ "192.0.2.10", AF_INET, 32, { 192, 0, 2, 10 }, "192.0.2.10/32" },
	{ "0.0.0.0/0", AF_INET, 0, { 0 }, "0.0.0.0/0" },
	{ "10.0.0.0/8", AF_INET, 8, { 10 }, "10.0.0.0/8" },
	{ "128.0.0.0/1", AF_INET, 1, { 128 }, "128.0.0.0/1" },
	{ "2001:db8::/32", AF_INET6, 32, { 0x20, 0x01, 0x0d, 0xb8 }, "2001:db8::/32" },
	{ "2001:db8:10::/48", AF_INET6, 48, { 0x20, 0x01, 0x0d, 0xb8, 0, 0x10 }, "2001:db8:10::/48" },
	{ "::/0", AF_INET6, 0, { 0 }, "::/0" },
	{ "::1", AF_INET6, 128, { [15] = 1 }, "::1/128" },
	{ "2001:db8::1/128", AF_INET6, 128, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1/128" },
	/* IPv4-mapped IPv6 becomes the IPv4 network it names */
	{ "::ffff:203.0.113.0/120", AF_INET, 24, { 203, 0, 113, 0 }, "203.0.113.0/24" },
	{ "::ffff:192.0.2.1", AF_INET, 32, { 192, 0, 2, 1 }, "192.0.2.1/32" },
	{ "::ffff:0:0/96", AF_INET, 0, { 0 }, "0.0.0.0/0" },
	/* covers more than the mapped range: stays IPv6 */
	{ "::/80", AF_INET6, 80, { 0 }, "::/80" },
};

struct bad_case {
	const char *in;
	const char *err;
};

static const struct bad_case cidr_bad[] = {
	{ "", "invalid CIDR" },
	{ "/24", "invalid CIDR" },
	{ "10.0.0.0/", "invalid CIDR" },
	{ "10.0.0.0/abc", "invalid CIDR" },
	{ "10.0.0.0/+8", "invalid CIDR" },
	{ "10.0.0.0/08", "invalid CIDR" },
	{ "10.0.0.0/-1", "invalid CIDR" },
	{ "10.0.0.0/8/8", "invalid CIDR" },
	{ "10.0.0.0 /8", "invalid CIDR" },
	{ "10.0.0/8", "invalid CIDR" },
	{ "256.0.0.0/8", "invalid CIDR" },
	{ "example.com", "invalid CIDR" },
	{ "fe80::1%eth0", "invalid CIDR" },
	{ "2001:db8:::/48", "invalid CIDR" },
	{ "10.0.0.0/33", "prefix length out of range" },
	{ "10.0.0.0/999", "prefix length out of range" },
	{ "10.0.0.0/1000", "invalid CIDR" },
	{ "::/129", "prefix length out of range" },
	{ "10.0.0.1/8", "host bits set beyond the prefix" },
	{ "203.0.113.1/24", "host bits set beyond the prefix" },
	{ "128.0.0.0/0", "host bits set beyond the prefix" },
	{ "2001:db8::1/64", "host bits set beyond the prefix" },
	{ "::ffff:203.0.113.1/120", "host bits set beyond the prefix" },
	{ "::ffff:0:0/80", "host bits set beyond the prefix" },
};

static void test_cidr_good(void **state)
{
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cidr_good); i++) {
		const struct cidr_ok *c = &cidr_good[i];
		struct emb_cidr got;
		const char *err = NULL;

		if (emb_cidr_parse(c->in, &got, &err))
			fail_msg("'%s': %s", c->in, err);
		assert_int_equal(got.family, c->family);
		assert_int_equal(got.prefix, c->prefix);
		assert_memory_equal(got.addr, c->addr, 16);
		emb_cidr_format(&got, buf, sizeof(buf));
		assert_string_equal(buf, c->text);
	}
}

static void test_cidr_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cidr_bad); i++) {
		struct emb_cidr got;
		const char *err = NULL;

		if (emb_cidr_parse(cidr_bad[i].in, &got, &err) != -1)
			fail_msg("'%s' accepted", cidr_bad[i].in);
		assert_non_null(err);
		if (strcmp(err, cidr_bad[i].err))
			fail_msg("'%s': got '%s', want '%s'", cidr_bad[i].in, err, cidr_bad[i].err);
	}
	assert_int_equal(emb_cidr_parse("nope", &(struct emb_cidr){ 0 }, NULL), -1);
}

struct port_ok {
	const char *in;
	uint16_t lo, hi;
};

static const struct port_ok port_good[] = {
	{ "443", 443, 443 },   { "1", 1, 1 },	       { "65535", 65535, 65535 },
	{ "8000-8080", 8000, 8080 }, { "1-65535", 1, 65535 }, { "22-22", 22, 22 },
};

static const struct bad_case port_bad[] = {
	{ "", "invalid port" },
	{ "http", "invalid port" },
	{ "+80", "invalid port" },
	{ "80 ", "invalid port" },
	{ " 80", "invalid port" },
	{ "-80", "invalid port" },
	{ "80-", "invalid port" },
	{ "80-90-100", "invalid port" },
	{ "0x50", "invalid port" },
	{ "0443", "invalid port" }, /* octal in YAML 1.1: refused, not guessed */
	{ "1_000", "invalid port" },
	{ "0", "port out of range" },
	{ "65536", "port out of range" },
	{ "70000", "port out of range" },
	{ "99999999999999999999", "port out of range" },
	{ "0-80", "port out of range" },
	{ "80-70000", "port out of range" },
	{ "9000-8000", "port range reversed" },
};

static void test_port_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(port_good); i++) {
		struct emb_port_range r;
		const char *err = NULL;

		if (emb_port_range_parse(port_good[i].in, &r, &err))
			fail_msg("'%s': %s", port_good[i].in, err);
		assert_int_equal(r.lo, port_good[i].lo);
		assert_int_equal(r.hi, port_good[i].hi);
	}
}

static void test_port_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(port_bad); i++) {
		struct emb_port_range r;
		const char *err = NULL;

		if (emb_port_range_parse(port_bad[i].in, &r, &err) != -1)
			fail_msg("'%s' accepted", port_bad[i].in);
		assert_non_null(err);
		if (strcmp(err, port_bad[i].err))
			fail_msg("'%s': got '%s', want '%s'", port_bad[i].in, err, port_bad[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_good),
		cmocka_unit_test(test_cidr_bad),
		cmocka_unit_test(test_port_good),
		cmocka_unit_test(test_port_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
