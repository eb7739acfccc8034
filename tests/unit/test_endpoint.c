// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of `embargo test --connect` endpoint parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "embargo_abi.h"
#include "endpoint.h"

static const struct {
	const char *in;
	int family;
	const char *addr;
	int port;
	unsigned proto;
} good[] = {
	{ "203.0.113.5", AF_INET, "203.0.113.5", -1, EMB_PROTO_ANY },
	{ "203.0.113.5:443", AF_INET, "203.0.113.5", 443, EMB_PROTO_ANY },
	{ "203.0.113.5:53/udp", AF_INET, "203.0.113.5", 53, EMB_PROTO_UDP },
	{ "203.0.113.5/tcp", AF_INET, "203.0.113.5", -1, EMB_PROTO_TCP },
	{ "2001:db8::1", AF_INET6, "2001:db8::1", -1, EMB_PROTO_ANY },
	{ "[2001:db8::1]", AF_INET6, "2001:db8::1", -1, EMB_PROTO_ANY },
	{ "[2001:db8::1]:443/tcp", AF_INET6, "2001:db8::1", 443, EMB_PROTO_TCP },
	{ "[::ffff:127.0.0.2]:443", AF_INET6, "::ffff:127.0.0.2", 443, EMB_PROTO_ANY },
	{ "127.0.0.1:65535", AF_INET, "127.0.0.1", 65535, EMB_PROTO_ANY },
};

static const struct {
	const char *in;
	const char *err;
} bad[] = {
	{ "203.0.113.5:0", "port must be 1-65535" },
	{ "203.0.113.5:65536", "port must be 1-65535" },
	{ "203.0.113.5:", "port must be 1-65535" },
	{ "203.0.113.5:-1", "port must be 1-65535" },
	{ "203.0.113.5:44x", "port must be 1-65535" },
	{ "203.0.113.5:443/sctp", "protocol must be tcp or udp" },
	{ "203.0.113.500", "not an IPv4 address or [IPv6] address" },
	{ "example.com:443", "not an IPv4 address or [IPv6] address" },
	{ "[2001:db8::1", "not an IPv4 address or [IPv6] address" },
	{ "[2001:db8::1]443", "not an IPv4 address or [IPv6] address" },
	{ "", "not an IPv4 address or [IPv6] address" },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct emb_endpoint ep;
		const char *err = NULL;
		uint8_t want[16];

		assert_int_equal(emb_endpoint_parse(good[i].in, &ep, &err), 0);
		assert_int_equal(ep.family, good[i].family);
		assert_int_equal(inet_pton(good[i].family, good[i].addr, want), 1);
		assert_memory_equal(ep.addr, want, good[i].family == AF_INET ? 4 : 16);
		assert_int_equal(ep.port, good[i].port);
		assert_int_equal(ep.proto, good[i].proto);
	}
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct emb_endpoint ep;
		const char *err = NULL;

		assert_int_equal(emb_endpoint_parse(bad[i].in, &ep, &err), -1);
		assert_non_null(err);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("'%s': got '%s', want '%s'", bad[i].in, err, bad[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
