// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of containment rules: --allow parsing, resolv.conf, the
 * kernel table, the policy file text (and its round trip through the
 * policy parser), and the contain event line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contain_event.h"
#include "contain_rules.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	const char *text; /* emb_allow_rule_format */
} allow_good[] = {
	{ "192.0.2.10", "192.0.2.10/32 all ports any" },
	{ "192.0.2.10/32:22,443", "192.0.2.10/32 ports 22,443 any" },
	{ "192.0.2.0/24:22", "192.0.2.0/24 port 22 any" },
	{ "192.0.2.0/24:8000-8080,53/udp", "192.0.2.0/24 ports 8000-8080,53 udp" },
	{ "198.51.100.7:443/tcp", "198.51.100.7/32 port 443 tcp" },
	{ "[2001:db8::1]:443", "2001:db8::1/128 port 443 any" },
	{ "[2001:db8::/32]:22,443/tcp", "2001:db8::/32 ports 22,443 tcp" },
	{ "[2001:db8::1]", "2001:db8::1/128 all ports any" },
	{ "2001:db8::/32", "2001:db8::/32 all ports any" },
	{ "2001:db8::1:443", "2001:db8::1:443/128 all ports any" }, /* bare IPv6: no ports */
	{ "[::ffff:192.0.2.1]:80", "192.0.2.1/32 port 80 any" },
	{ "0.0.0.0/0:53", "0.0.0.0/0 port 53 any" },
};

static const struct {
	const char *in;
	const char *err;
} allow_bad[] = {
	{ "", "missing address" },
	{ ":22", "missing address" },
	{ "192.0.2.10:", "no ports after ':'" },
	{ "192.0.2.10:22,", "empty port in the list" },
	{ "192.0.2.10:,22", "empty port in the list" },
	{ "192.0.2.10:22,,443", "empty port in the list" },
	{ "192.0.2.10:0", "port out of range" },
	{ "192.0.2.10:65536", "port out of range" },
	{ "192.0.2.10:ssh", "invalid port" },
	{ "192.0.2.10:443/sctp", "unknown protocol after the ports (expected /tcp or /udp)" },
	{ "192.0.2.10:/tcp", "empty port in the list" },
	{ "192.0.2.1/24", "host bits set beyond the prefix" },
	{ "192.0.2.0/33", "prefix length out of range" },
	{ "example.com:443", "invalid CIDR" },
	{ "[2001:db8::1", "missing ']' after the IPv6 address" },
	{ "[2001:db8::1]443", "expected ':PORTS' after ']'" },
	{ "[192.0.2.1]:443", "brackets are for IPv6 addresses" },
	{ "[]:443", "missing address" },
	{ "[2001:db8::1]:", "no ports after ':'" },
};

static void test_allow_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(allow_good); i++) {
		struct emb_connect_rule r;
		const char *why = NULL;
		char text[256];

		if (emb_allow_parse(allow_good[i].in, &r, &why))
			fail_msg("'%s' refused: %s", allow_good[i].in, why);
		emb_allow_rule_format(&r, text, sizeof(text));
		if (strcmp(text, allow_good[i].text))
			fail_msg("'%s': got '%s', want '%s'", allow_good[i].in, text, allow_good[i].text);
		free(r.ports);
	}
}

static void test_allow_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(allow_bad); i++) {
		struct emb_connect_rule r;
		const char *why = NULL;

		if (emb_allow_parse(allow_bad[i].in, &r, &why) == 0)
			fail_msg("'%s' accepted", allow_bad[i].in);
		if (!why || strcmp(why, allow_bad[i].err))
			fail_msg("'%s': got '%s', want '%s'", allow_bad[i].in, why ? why : "(null)",
				 allow_bad[i].err);
		assert_null(r.ports);
	}
}

static struct emb_connect_rule *parse_all(const char *const *in, size_t n)
{
	struct emb_connect_rule *r = calloc(n, sizeof(*r));
	const char *why;

	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(emb_allow_parse(in[i], &r[i], &why), 0);
	return r;
}

static void test_config(void **state)
{
	static const char *const in[] = { "192.0.2.10/32:22,443/tcp", "[2001:db8::/32]",
					  "198.51.100.0/24" };
	struct emb_connect_rule *r = parse_all(in, ARRAY_SIZE(in));
	struct ctn_config cfg;
	char why[128];

	(void)state;
	assert_int_equal(emb_contain_config(r, ARRAY_SIZE(in), &cfg, why, sizeof(why)), 0);
	assert_int_equal(cfg.version, CTN_ABI_VERSION);
	assert_int_equal(cfg.count, 4);
	assert_int_equal(cfg.rules[0].family, CTN_FAMILY_V4);
	assert_int_equal(cfg.rules[0].prefix, 32);
	assert_memory_equal(cfg.rules[0].addr, ((uint8_t[]){ 192, 0, 2, 10 }), 4);
	assert_int_equal(cfg.rules[0].port_lo, 22);
	assert_int_equal(cfg.rules[0].port_hi, 22);
	assert_int_equal(cfg.rules[0].proto_mask, EMB_PROTO_TCP);
	assert_int_equal(cfg.rules[1].port_lo, 443);
	/* no ports, proto any: every port and every protocol */
	assert_int_equal(cfg.rules[2].family, CTN_FAMILY_V6);
	assert_int_equal(cfg.rules[2].prefix, 32);
	assert_int_equal(cfg.rules[2].port_lo, 0);
	assert_int_equal(cfg.rules[2].port_hi, 0xffff);
	assert_int_equal(cfg.rules[2].proto_mask, EMB_PROTO_ANY | CTN_PROTO_OTHER);
	assert_int_equal(cfg.rules[3].prefix, 24);
	emb_allow_rules_free(r, ARRAY_SIZE(in));
}

static void test_config_too_many(void **state)
{
	const char *in[33];
	struct emb_connect_rule *r;
	struct ctn_config cfg;
	char why[128];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = "192.0.2.10:22,443";
	r = parse_all(in, ARRAY_SIZE(in));
	assert_int_equal(emb_contain_config(r, 32, &cfg, why, sizeof(why)), 0);
	assert_int_equal(cfg.count, 64);
	assert_int_equal(emb_contain_config(r, 33, &cfg, why, sizeof(why)), -1);
	assert_string_equal(why, "the allow list needs 66 entries (one per port range); at most 64 fit");
	emb_allow_rules_free(r, ARRAY_SIZE(in));
}

static const char want_text[] =
	"# Written by a test.\n"
	"# Second line.\n"
	"embargo: 1\n"
	"id: local-contain\n"
	"title: Network containment (embargo contain)\n"
	"contain:\n"
	"  allow:\n"
	"    - cidr: 192.0.2.10/32\n"
	"      ports: [22, 443]\n"
	"      proto: tcp\n"
	"    - cidr: 2001:db8::1/128\n"
	"      ports: [8000-8080]\n"
	"    - cidr: 198.51.100.0/24\n";

static void test_policy_text_round_trip(void **state)
{
	static const char *const in[] = { "192.0.2.10:22,443/tcp", "[2001:db8::1]:8000-8080",
					  "198.51.100.0/24" };
	struct emb_connect_rule *r = parse_all(in, ARRAY_SIZE(in));
	struct emb_policy_set set = { 0 };
	struct emb_diag diag = { 0 };
	struct emb_policy p = { 0 };
	struct ctn_config want, got;
	char why[128];
	char *text;
	int any;

	(void)state;
	text = emb_contain_policy_text(EMB_CONTAIN_ID, r, ARRAY_SIZE(in),
				       "Written by a test.\nSecond line.");
	assert_non_null(text);
	assert_string_equal(text, want_text);
	assert_int_equal(emb_policy_parse_buf("t.yaml", text, strlen(text), &p, &diag), 0);
	assert_int_equal(p.kind, EMB_POLICY_CONTAIN);
	set.policies = &p;
	set.n = 1;
	assert_int_equal(emb_contain_config(r, ARRAY_SIZE(in), &want, why, sizeof(why)), 0);
	assert_int_equal(emb_contain_config_from_set(&set, &got, &any, why, sizeof(why)), 0);
	assert_int_equal(any, 1);
	assert_memory_equal(&want, &got, sizeof(want));
	emb_policy_free(&p);
	emb_diag_free(&diag);
	free(text);
	emb_allow_rules_free(r, ARRAY_SIZE(in));
}

static void test_policy_text_empty(void **state)
{
	struct emb_diag diag = { 0 };
	struct emb_policy p = { 0 };
	char *text = emb_contain_policy_text("x", NULL, 0, NULL);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "embargo: 1\nid: x\ntitle: Network containment (embargo contain)\n"
				  "contain:\n  allow: []\n");
	assert_int_equal(emb_policy_parse_buf("t.yaml", text, strlen(text), &p, &diag), 0);
	assert_int_equal(p.n_allow, 0);
	emb_policy_free(&p);
	emb_diag_free(&diag);
	free(text);
}

static void test_from_set_without_contain(void **state)
{
	struct emb_policy p = { .kind = EMB_POLICY_VENDOR };
	struct emb_policy_set set = { .policies = &p, .n = 1 };
	struct ctn_config cfg;
	char why[64];
	int any = 7;

	(void)state;
	assert_int_equal(emb_contain_config_from_set(&set, &cfg, &any, why, sizeof(why)), 0);
	assert_int_equal(any, 0);
	assert_int_equal(cfg.count, 0);
}

/* Write text to a temp file; the path is in buf. */
static void temp_file(char *buf, const char *text)
{
	int fd;

	strcpy(buf, "/tmp/embargo-unit-resolv.XXXXXX");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void test_resolv(void **state)
{
	char path[64], upstream[64], why[256], text[128];
	struct emb_connect_rule *rules = NULL;
	struct emb_cidr ns[8];
	size_t n = 0;

	(void)state;
	temp_file(path, "# comment\n; other comment\nsearch example.org\n"
			"nameserver 192.0.2.53\nnameserver   fe80::1%eth0\n"
			"nameserver bogus\nnameserver\t2001:db8::53 \noptions edns0\n");
	assert_int_equal(emb_resolv_nameservers(path, ns, 8), 3);
	assert_int_equal(emb_resolv_nameservers(path, ns, 1), 1);
	assert_int_equal(emb_dns_allow_rules(path, NULL, &rules, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 3);
	emb_allow_rule_format(&rules[0], text, sizeof(text));
	assert_string_equal(text, "192.0.2.53/32 port 53 any");
	emb_allow_rule_format(&rules[1], text, sizeof(text));
	assert_string_equal(text, "fe80::1/128 port 53 any");
	emb_allow_rules_free(rules, n);
	unlink(path);

	/* a loopback stub: its upstream servers are allowed instead */
	temp_file(path, "nameserver 127.0.0.53\n");
	temp_file(upstream, "nameserver 198.51.100.53\n");
	rules = NULL;
	n = 0;
	assert_int_equal(emb_dns_allow_rules(path, upstream, &rules, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 1);
	emb_allow_rule_format(&rules[0], text, sizeof(text));
	assert_string_equal(text, "198.51.100.53/32 port 53 any");
	emb_allow_rules_free(rules, n);
	unlink(upstream);
	unlink(path);

	temp_file(path, "search example.org\n");
	rules = NULL;
	n = 0;
	assert_int_equal(emb_dns_allow_rules(path, NULL, &rules, &n, why, sizeof(why)), -1);
	assert_true(strstr(why, "--dns: no nameserver line in /tmp/embargo-unit-resolv.") == why);
	free(rules);
	unlink(path);
	assert_int_equal(emb_dns_allow_rules("/nonexistent/resolv.conf", NULL, &rules, &n, why,
					     sizeof(why)), -1);
	assert_string_equal(why, "--dns: reading /nonexistent/resolv.conf: No such file or directory");
}

static void test_ctn_rule_format(void **state)
{
	struct ctn_rule r = { .family = CTN_FAMILY_V4, .prefix = 24, .proto_mask = EMB_PROTO_UDP,
			      .port_lo = 53, .port_hi = 53, .addr = { 192, 0, 2, 0 } };
	char text[128];

	(void)state;
	emb_ctn_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "192.0.2.0/24 port 53 udp");
	r.port_lo = 0;
	r.port_hi = 0xffff;
	r.proto_mask = EMB_PROTO_ANY | CTN_PROTO_OTHER;
	emb_ctn_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "192.0.2.0/24 all ports any");
}

static void test_event_line(void **state)
{
	struct ctn_event e = { .type = CTN_EV_CONNECT, .family = CTN_FAMILY_V4,
			       .proto = EMB_PROTO_TCP, .dport = 443, .pid = 42, .uid = 1000,
			       .daddr = { 198, 51, 100, 2 }, .comm = "curl" };
	struct emb_json j;
	const char *tail;

	(void)state;
	assert_int_equal(emb_contain_event_format(&j, &e, "local-contain", "SECRET"), 0);
	assert_true(strncmp(j.buf, "{\"time\":\"", 9) == 0);
	tail = strstr(j.buf, "\",\"event\"");
	assert_non_null(tail);
	assert_string_equal(tail, "\",\"event\":\"contain\",\"action\":\"deny\",\"method\":\"eperm\","
				  "\"policy\":\"local-contain\",\"call\":\"connect\","
				  "\"daddr\":\"198.51.100.2\",\"dport\":443,\"proto\":\"tcp\","
				  "\"pid\":42,\"uid\":1000,\"comm\":\"curl\",\"host_level\":\"SECRET\"}");
	emb_json_free(&j);

	e.type = CTN_EV_SENDMSG;
	e.family = CTN_FAMILY_V6;
	e.proto = EMB_PROTO_UDP;
	memset(e.daddr, 0, sizeof(e.daddr));
	e.daddr[0] = 0x20;
	e.daddr[1] = 0x01;
	e.daddr[2] = 0x0d;
	e.daddr[3] = 0xb8;
	e.daddr[15] = 1;
	assert_int_equal(emb_contain_event_format(&j, &e, NULL, NULL), 0);
	tail = strstr(j.buf, "\",\"event\"");
	assert_string_equal(tail, "\",\"event\":\"contain\",\"action\":\"deny\",\"method\":\"eperm\","
				  "\"call\":\"sendmsg\",\"daddr\":\"2001:db8::1\",\"dport\":443,"
				  "\"proto\":\"udp\",\"pid\":42,\"uid\":1000,\"comm\":\"curl\"}");
	emb_json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow_good),
		cmocka_unit_test(test_allow_bad),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_too_many),
		cmocka_unit_test(test_policy_text_round_trip),
		cmocka_unit_test(test_policy_text_empty),
		cmocka_unit_test(test_from_set_without_contain),
		cmocka_unit_test(test_resolv),
		cmocka_unit_test(test_ctn_rule_format),
		cmocka_unit_test(test_event_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
