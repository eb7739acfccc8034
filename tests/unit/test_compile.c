// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of the policy compiler: the decisions the kernel maps encode. */
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

#include "compile.h"
#include "levels.h"

#define SHA_A "aa00000000000000000000000000000000000000000000000000000000000001"
#define SHA_B "bb00000000000000000000000000000000000000000000000000000000000002"

struct fixture {
	struct emb_policy_set set;
	struct emb_host host;
	struct emb_compiled c;
};

/* Parse the given policy texts into a set. */
static void load_set(struct fixture *f, const char *const *texts, size_t n)
{
	struct emb_diag d = { 0 };

	f->set.policies = calloc(n, sizeof(*f->set.policies));
	assert_non_null(f->set.policies);
	for (size_t i = 0; i < n; i++) {
		int rc = emb_policy_parse_buf("t.yaml", texts[i], strlen(texts[i]),
					      &f->set.policies[i], &d);

		if (rc)
			for (size_t k = 0; k < d.n; k++)
				print_error("%s\n", d.msgs[k]);
		assert_int_equal(rc, 0);
		f->set.n++;
	}
	emb_diag_free(&d);
}

static void set_host(struct fixture *f, const char *level)
{
	const struct emb_scheme *s = emb_scheme_find("uk-gsc");

	memset(&f->host, 0, sizeof(f->host));
	f->host.scheme = level ? (char *)"uk-gsc" : NULL;
	f->host.level = level ? emb_level_find(s, level) : EMB_LEVEL_UNMARKED;
	if (level)
		assert_true(f->host.level >= 0);
}

static void compile_ok(struct fixture *f)
{
	struct emb_diag d = { 0 };
	int rc = emb_compile(&f->set, &f->host, &f->c, &d);

	for (size_t k = 0; k < d.n; k++)
		print_error("%s\n", d.msgs[k]);
	emb_diag_free(&d);
	assert_int_equal(rc, 0);
}

static void teardown(struct fixture *f)
{
	emb_compiled_free(&f->c);
	emb_policy_set_free(&f->set);
}

static void hex(const char *s, uint8_t out[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static uint32_t net_action(const struct emb_compiled *c, const char *addr, uint16_t port,
			   unsigned proto)
{
	uint8_t a[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, addr, a), 1);
	return emb_compiled_net_verdict(c, family, a, port, proto).action;
}

static const char *const POLICY_NET =
	"embargo: 1\nid: net\nscheme: uk-gsc\nenforce: SECRET\naudit: OFFICIAL\n"
	"vendors:\n"
	"  - name: V\n"
	"    connect:\n"
	"      - cidr: 10.0.0.0/8\n"
	"        ports: [443]\n"
	"        proto: tcp\n"
	"      - cidr: 10.1.0.0/16\n"
	"        ports: [80]\n"
	"      - cidr: 2001:db8::/32\n"
	"        ports: [8000-8080]\n"
	"        proto: udp\n";

/* A longer prefix must not hide the rules of the shorter one containing it. */
static void test_net_pushdown(void **state)
{
	struct fixture f = { 0 };
	const char *texts[] = { POLICY_NET };

	(void)state;
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_ok(&f);
	assert_int_equal(f.c.n_net4, 2);
	assert_int_equal(f.c.n_net6, 1);
	assert_int_equal(net_action(&f.c, "10.1.2.3", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "10.1.2.3", 80, EMB_PROTO_UDP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "10.2.2.3", 80, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "10.2.2.3", 443, EMB_PROTO_UDP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "11.0.0.1", 443, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "2001:db8::1", 8080, EMB_PROTO_UDP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "2001:db8::1", 8081, EMB_PROTO_UDP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "2001:db8::1", 8000, EMB_PROTO_TCP), EMB_ACT_NONE);
	/* IPv4-mapped IPv6 is judged by the IPv4 rules. */
	assert_int_equal(net_action(&f.c, "::ffff:10.9.9.9", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "::ffff:11.9.9.9", 443, EMB_PROTO_TCP), EMB_ACT_NONE);
	teardown(&f);
}

/* The classification gates the action: deny, audit, nothing. */
static void test_gating(void **state)
{
	const char *levels[] = { "TOP SECRET", "SECRET", "OFFICIAL", NULL };
	const uint32_t want[] = { EMB_ACT_DENY, EMB_ACT_DENY, EMB_ACT_AUDIT, EMB_ACT_NONE };
	const char *texts[] = { POLICY_NET };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct fixture f = { 0 };

		load_set(&f, texts, 1);
		set_host(&f, levels[i]);
		compile_ok(&f);
		assert_int_equal(net_action(&f.c, "10.0.0.1", 443, EMB_PROTO_TCP), want[i]);
		assert_int_equal(f.c.states[0].mode, want[i] == EMB_ACT_DENY ? EMB_MODE_ENFORCE :
				 want[i] == EMB_ACT_AUDIT ? EMB_MODE_AUDIT : EMB_MODE_OFF);
		if (want[i] == EMB_ACT_NONE)
			assert_int_equal(f.c.n_rules, 0);
		teardown(&f);
	}
}

/* Same digest in an audit-only and an enforcing policy: deny wins, and the
 * verdict names the enforcing policy's rule. */
static void test_deny_beats_audit(void **state)
{
	const char *texts[] = {
		"embargo: 1\nid: audit-only\nscheme: uk-gsc\nenforce: TOP SECRET\naudit: OFFICIAL\n"
		"vendors:\n  - name: A\n    sha256: [" SHA_A ", " SHA_B "]\n",
		"embargo: 1\nid: enforcing\nscheme: uk-gsc\nenforce: SECRET\n"
		"vendors:\n  - name: B\n    sha256: [" SHA_A "]\n",
	};
	struct fixture f = { 0 };
	const struct emb_verdict *v;
	uint8_t a[32], b[32], z[32] = { 0 };

	(void)state;
	load_set(&f, texts, 2);
	set_host(&f, "SECRET");
	compile_ok(&f);
	hex(SHA_A, a);
	hex(SHA_B, b);
	assert_int_equal(f.c.n_hashes, 2);
	v = emb_compiled_hash_verdict(&f.c, a);
	assert_non_null(v);
	assert_int_equal(v->action, EMB_ACT_DENY);
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id)->policy->id, "enforcing");
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id)->vendor->name, "B");
	v = emb_compiled_hash_verdict(&f.c, b);
	assert_non_null(v);
	assert_int_equal(v->action, EMB_ACT_AUDIT);
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id)->policy->id, "audit-only");
	assert_null(emb_compiled_hash_verdict(&f.c, z));
	assert_null(emb_compiled_rule(&f.c, (uint32_t)f.c.n_rules));
	teardown(&f);
}

/* More port rules on one prefix than a map value holds is a compile error
 * naming the file, line and prefix, not a silently shortened rule list. */
static void test_too_many_rules(void **state)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "embargo: 1\nid: many\nscheme: uk-gsc\nenforce: SECRET\n"
			 "vendors:\n  - name: V\n    connect:\n      - cidr: 192.0.2.0/24\n        ports: [");
	struct fixture f = { 0 };
	struct emb_diag d = { 0 };
	const char *texts[] = { text };

	(void)state;
	for (int p = 1; p <= EMB_NET_RULES_PER_PREFIX + 1; p++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%d", p > 1 ? ", " : "", p);
	snprintf(text + n, sizeof(text) - (size_t)n, "]\n");
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	assert_int_equal(emb_compile(&f.set, &f.host, &f.c, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "t.yaml:8: more than 16 port/protocol rules apply to 192.0.2.0/24");
	assert_int_equal(f.c.n_rules, 0);
	emb_diag_free(&d);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_pushdown),
		cmocka_unit_test(test_gating),
		cmocka_unit_test(test_deny_beats_audit),
		cmocka_unit_test(test_too_many_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
