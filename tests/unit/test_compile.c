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

/* The stale-key test of adoption and reload: exact prefixes only. */
static void test_has_prefix(void **state)
{
	struct fixture f = { 0 };
	const char *texts[] = { POLICY_NET };
	struct emb_lpm4_key k4 = { .prefixlen = 16, .addr = { 10, 1, 0, 0 } };
	struct emb_lpm6_key k6 = { .prefixlen = 32, .addr = { 0x20, 0x01, 0x0d, 0xb8 } };

	(void)state;
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_ok(&f);
	assert_true(emb_compiled_has_net4(&f.c, &k4));
	k4.prefixlen = 8;
	k4.addr[1] = 0;
	assert_true(emb_compiled_has_net4(&f.c, &k4));
	k4.prefixlen = 24; /* inside 10/8, but not a prefix of the set */
	assert_false(emb_compiled_has_net4(&f.c, &k4));
	k4.prefixlen = 8;
	k4.addr[0] = 11;
	assert_false(emb_compiled_has_net4(&f.c, &k4));
	assert_true(emb_compiled_has_net6(&f.c, &k6));
	k6.prefixlen = 48;
	assert_false(emb_compiled_has_net6(&f.c, &k6));
	teardown(&f);
}

/* Unverified mode, decided here for the agent and `embargo test`. */
static void test_unverified_mode(void **state)
{
	struct fixture f = { 0 };
	const char *texts[] = { "embargo: 1\nid: h\nscheme: uk-gsc\nenforce: SECRET\naudit: OFFICIAL\n"
				"vendors:\n  - name: V\n    sha256: [" SHA_A "]\n" };
	const char *net[] = { POLICY_NET };

	(void)state;
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_ok(&f);
	assert_int_equal(f.c.unverified, EMB_UNV_ALLOW);
	emb_compiled_free(&f.c);
	f.host.unverified = EMB_UNVERIFIED_DENY;
	compile_ok(&f);
	assert_int_equal(f.c.unverified, EMB_UNV_DENY);
	emb_compiled_free(&f.c);
	set_host(&f, "OFFICIAL"); /* the rule audits here: nothing denies */
	f.host.unverified = EMB_UNVERIFIED_DENY;
	compile_ok(&f);
	assert_int_equal(f.c.unverified, EMB_UNV_ALLOW);
	teardown(&f);
	memset(&f, 0, sizeof(f));
	load_set(&f, net, 1); /* no file rule: nothing to verify */
	set_host(&f, "SECRET");
	f.host.unverified = EMB_UNVERIFIED_DENY;
	compile_ok(&f);
	assert_int_equal(f.c.unverified, EMB_UNV_OFF);
	teardown(&f);
}

/* A banned IPv4 prefix matches every IPv6 form that carries it
 * (include/emb_v4embed.h); a clean IPv4 address in the same form does not. */
static void test_net_encapsulated(void **state)
{
	struct fixture f = { 0 };
	const char *texts[] = {
		"embargo: 1\nid: enc\nscheme: uk-gsc\nenforce: SECRET\n"
		"vendors:\n  - name: V\n    connect:\n"
		"      - cidr: 203.0.113.0/24\n        ports: [443]\n"
		"      - cidr: 0.0.0.0/8\n        ports: [9]\n"
		"      - cidr: 2002:c000:207::/48\n        ports: [80]\n",
	};
	static const char *const banned[] = {
		"::ffff:203.0.113.7", "::203.0.113.7", "64:ff9b::203.0.113.7",
		"64:ff9b::cb00:7107", "64:ff9b:1:cb00:71:700::", "64:ff9b:1::203.0.113.7",
		"2002:cb00:7107::1",
	};
	static const char *const clean[] = {
		"::ffff:192.0.2.7", "::192.0.2.7", "64:ff9b::192.0.2.7", "64:ff9b:1:c000:2:700::",
		"64:ff9b:1::192.0.2.7", "2002:c000:207::1", "64:ff9c::203.0.113.7",
		"2001:cb00:7107::1", "64:ff9b:2::203.0.113.7",
	};

	(void)state;
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_ok(&f);
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
		assert_int_equal(net_action(&f.c, banned[i], 443, EMB_PROTO_TCP), EMB_ACT_DENY);
		/* The IPv4 rule's port still counts. */
		assert_int_equal(net_action(&f.c, banned[i], 444, EMB_PROTO_TCP), EMB_ACT_NONE);
	}
	for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++)
		assert_int_equal(net_action(&f.c, clean[i], 443, EMB_PROTO_TCP), EMB_ACT_NONE);
	/* :: and ::1 are not IPv4-compatible forms of 0.0.0.0/8. */
	assert_int_equal(net_action(&f.c, "::1", 9, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "::", 9, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "::0.0.0.2", 9, EMB_PROTO_TCP), EMB_ACT_DENY);
	/* A 6to4 address keeps its own IPv6 rules too; a mapped one does not
	 * get them (it is IPv4 on the wire). */
	assert_int_equal(net_action(&f.c, "2002:c000:207::1", 80, EMB_PROTO_TCP), EMB_ACT_DENY);
	teardown(&f);
}

/* 0.0.0.0/0 and ::/0 share their address bytes: they must stay two
 * prefixes, and neither may pass its rules to the other family. */
static void test_net_families_apart(void **state)
{
	struct fixture f = { 0 };
	const char *texts[] = {
		"embargo: 1\nid: fam\nscheme: uk-gsc\nenforce: SECRET\n"
		"vendors:\n  - name: V\n    connect:\n"
		"      - cidr: 0.0.0.0/0\n        ports: [13000]\n        proto: tcp\n"
		"      - cidr: ::/0\n        ports: [15000]\n        proto: udp\n"
		"      - cidr: 2001:db8::/32\n        ports: [443]\n",
	};

	(void)state;
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_ok(&f);
	assert_int_equal(f.c.n_net4, 1);
	assert_int_equal(f.c.n_net6, 2);
	assert_int_equal(net_action(&f.c, "192.0.2.1", 13000, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "192.0.2.1", 15000, EMB_PROTO_UDP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "2001:db9::1", 15000, EMB_PROTO_UDP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "2001:db9::1", 13000, EMB_PROTO_TCP), EMB_ACT_NONE);
	/* The /32 inherits ::/0's rule, not 0.0.0.0/0's. */
	assert_int_equal(net_action(&f.c, "2001:db8::1", 15000, EMB_PROTO_UDP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "2001:db8::1", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "2001:db8::1", 13000, EMB_PROTO_TCP), EMB_ACT_NONE);
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
	struct emb_rule rb;
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
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id, &rb)->policy->id, "enforcing");
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id, &rb)->vendor->name, "B");
	v = emb_compiled_hash_verdict(&f.c, b);
	assert_non_null(v);
	assert_int_equal(v->action, EMB_ACT_AUDIT);
	assert_string_equal(emb_compiled_rule(&f.c, v->rule_id, &rb)->policy->id, "audit-only");
	assert_null(emb_compiled_hash_verdict(&f.c, z));
	assert_null(emb_compiled_rule(&f.c, (uint32_t)f.c.n_rules, &rb));
	teardown(&f);
}

/* n digests: pseudo-random ones, and every third one forced to share the
 * first two bytes (one crowded bucket of the compiler's counting sort). */
static void digest_hex(unsigned i, char out[65])
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1);

	for (int k = 0; k < 64; k++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		out[k] = "0123456789abcdef"[x >> 60];
	}
	if (i % 3 == 0)
		memcpy(out, "beef", 4);
	out[64] = '\0';
}

/* Thousands of digests, with duplicates across policies and upper-case
 * spellings: the compiled list is strictly sorted, one entry per digest,
 * and each keeps its strongest action. */
static void test_many_hashes_sorted(void **state)
{
	enum { N = 3000 };
	struct fixture f = { 0 };
	char *texts[2], d[65];
	size_t cap = 200 + (size_t)N * 80;
	const struct emb_verdict *v;
	const struct emb_rule *r;
	struct emb_rule rb;
	uint8_t bin[32];

	(void)state;
	for (int t = 0; t < 2; t++) {
		size_t len;

		texts[t] = malloc(cap);
		assert_non_null(texts[t]);
		len = (size_t)snprintf(texts[t], cap,
				       "embargo: 1\nid: p%d\nscheme: uk-gsc\nenforce: %s\n"
				       "audit: OFFICIAL\nvendors:\n  - name: V\n    sha256:\n",
				       t, t ? "SECRET" : "TOP SECRET");
		/* p0 (audit on SECRET) lists 0..N-1 upper-case; p1 (deny) the
		 * even ones, so those are listed twice with different actions. */
		for (unsigned i = 0; i < N; i++) {
			if (t && i % 2)
				continue;
			digest_hex(i, d);
			for (int k = 0; !t && k < 64; k++)
				if (d[k] >= 'a')
					d[k] = (char)(d[k] - 'a' + 'A');
			len += (size_t)snprintf(texts[t] + len, cap - len, "      - %s\n", d);
		}
	}
	load_set(&f, (const char *const *)texts, 2);
	set_host(&f, "SECRET");
	compile_ok(&f);
	assert_int_equal(f.c.n_hashes, N);
	for (size_t i = 1; i < f.c.n_hashes; i++)
		assert_true(memcmp(f.c.hashes[i - 1].sha256, f.c.hashes[i].sha256, 32) < 0);
	for (unsigned i = 0; i < N; i++) {
		digest_hex(i, d);
		hex(d, bin);
		v = emb_compiled_hash_verdict(&f.c, bin);
		assert_non_null(v);
		assert_int_equal(v->action, i % 2 ? EMB_ACT_AUDIT : EMB_ACT_DENY);
		/* a list is one record; each id still names its own digest */
		r = emb_compiled_rule(&f.c, v->rule_id, &rb);
		assert_non_null(r);
		assert_int_equal(r->kind, EMB_RULE_SHA256);
		assert_memory_equal(r->sha256, bin, 32);
		assert_string_equal(r->policy->id, i % 2 ? "p0" : "p1");
	}
	teardown(&f);
	free(texts[0]);
	free(texts[1]);
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

/* 2030-01-01T00:00:00Z */
#define DEADLINE ((time_t)1893456000)

static const char *const POLICY_DEADLINE =
	"embargo: 1\nid: late\nscheme: uk-gsc\nenforce: SECRET\naudit: OFFICIAL\n"
	"enforce_from: 2030-01-01\n"
	"vendors:\n  - name: V\n    sha256: [" SHA_A "]\n    connect:\n      - cidr: 10.0.0.0/8\n";

static void compile_at_ok(struct fixture *f, time_t now, const struct emb_dns_table *dns)
{
	struct emb_diag d = { 0 };
	int rc = emb_compile_at(&f->set, &f->host, now, dns, &f->c, &d);

	for (size_t k = 0; k < d.n; k++)
		print_error("%s\n", d.msgs[k]);
	emb_diag_free(&d);
	assert_int_equal(rc, 0);
}

/* Before enforce_from an enforce-level host audits; from it on, denies. */
static void test_enforce_from(void **state)
{
	static const struct {
		const char *level;
		time_t now;
		uint32_t want;
		enum emb_mode mode;
		time_t next;
	} cases[] = {
		{ "SECRET", DEADLINE - 1, EMB_ACT_AUDIT, EMB_MODE_AUDIT, DEADLINE },
		{ "SECRET", DEADLINE, EMB_ACT_DENY, EMB_MODE_ENFORCE, 0 },
		{ "TOP SECRET", 0, EMB_ACT_AUDIT, EMB_MODE_AUDIT, DEADLINE },
		{ "OFFICIAL", DEADLINE - 1, EMB_ACT_AUDIT, EMB_MODE_AUDIT, 0 },
		{ NULL, DEADLINE - 1, EMB_ACT_NONE, EMB_MODE_OFF, 0 },
	};
	const char *texts[] = { POLICY_DEADLINE };
	uint8_t a[32];

	(void)state;
	hex(SHA_A, a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct emb_verdict *v;
		struct fixture f = { 0 };

		load_set(&f, texts, 1);
		set_host(&f, cases[i].level);
		compile_at_ok(&f, cases[i].now, NULL);
		assert_int_equal(f.c.states[0].mode, cases[i].mode);
		assert_int_equal(net_action(&f.c, "10.1.2.3", 443, EMB_PROTO_TCP), cases[i].want);
		v = emb_compiled_hash_verdict(&f.c, a);
		assert_int_equal(v ? v->action : EMB_ACT_NONE, cases[i].want);
		assert_int_equal(emb_compiled_next_change(&f.c), cases[i].next);
		assert_int_equal(f.c.now, cases[i].now);
		teardown(&f);
	}
}

/* The earliest pending deadline among several policies. */
static void test_next_change_earliest(void **state)
{
	const char *texts[] = {
		POLICY_DEADLINE,
		"embargo: 1\nid: sooner\nscheme: uk-gsc\nenforce: SECRET\nenforce_from: 2029-06-30\n"
		"vendors:\n  - name: W\n    sha256: [" SHA_B "]\n",
		"embargo: 1\nid: past\nscheme: uk-gsc\nenforce: SECRET\nenforce_from: 2017-12-12\n"
		"vendors:\n  - name: X\n    sha256: [" SHA_B "]\n",
	};
	struct fixture f = { 0 };

	(void)state;
	load_set(&f, texts, 3);
	set_host(&f, "SECRET");
	compile_at_ok(&f, DEADLINE - 400 * 86400, NULL);
	assert_int_equal(emb_compiled_next_change(&f.c), 1877472000); /* 2029-06-30 */
	assert_int_equal(f.c.states[2].mode, EMB_MODE_ENFORCE);
	teardown(&f);
}

static void test_paths(void **state)
{
	const char *texts[] = {
		"embargo: 1\nid: audit-paths\nscheme: uk-gsc\nenforce: TOP SECRET\naudit: SECRET\n"
		"vendors:\n  - name: A\n    paths: ['/opt/**', /usr/bin/kl*]\n",
		"embargo: 1\nid: deny-paths\nscheme: uk-gsc\nenforce: SECRET\n"
		"vendors:\n  - name: B\n    paths: [/opt/kaspersky/**]\n",
	};
	struct fixture f = { 0 };
	const struct emb_rule *r;
	struct emb_rule rb;
	struct emb_verdict v;

	(void)state;
	load_set(&f, texts, 2);
	set_host(&f, "SECRET");
	compile_at_ok(&f, 0, NULL);
	assert_int_equal(f.c.n_paths, 3);
	assert_int_equal(f.c.n_hashes, 0);
	v = emb_compiled_path_verdict(&f.c, "/opt/kaspersky/bin/kesl");
	assert_int_equal(v.action, EMB_ACT_DENY);
	r = emb_compiled_rule(&f.c, v.rule_id, &rb);
	assert_int_equal(r->kind, EMB_RULE_PATH);
	assert_string_equal(r->glob, "/opt/kaspersky/**");
	assert_string_equal(r->policy->id, "deny-paths");
	v = emb_compiled_path_verdict(&f.c, "/opt/other/x");
	assert_int_equal(v.action, EMB_ACT_AUDIT);
	assert_string_equal(emb_compiled_rule(&f.c, v.rule_id, &rb)->glob, "/opt/**");
	v = emb_compiled_path_verdict(&f.c, "/usr/bin/klnagent");
	assert_int_equal(v.action, EMB_ACT_AUDIT);
	assert_string_equal(emb_compiled_rule(&f.c, v.rule_id, &rb)->glob, "/usr/bin/kl*");
	v = emb_compiled_path_verdict(&f.c, "/usr/bin/ls");
	assert_int_equal(v.action, EMB_ACT_NONE);
	teardown(&f);

	/* off on this host: no path rules */
	load_set(&f, texts, 2);
	set_host(&f, "OFFICIAL");
	compile_at_ok(&f, 0, NULL);
	assert_int_equal(f.c.n_paths, 0);
	assert_int_equal(emb_compiled_path_verdict(&f.c, "/opt/kaspersky/x").action, EMB_ACT_NONE);
	teardown(&f);
}

static const char *const POLICY_HOSTS =
	"embargo: 1\nid: hosts\nscheme: uk-gsc\nenforce: SECRET\n"
	"vendors:\n  - name: V\n    connect:\n"
	"      - host: upd.example.com\n        ports: [443]\n        proto: tcp\n"
	"      - host: never.example.com\n"
	"      - cidr: 198.51.100.0/24\n";

/* A fake resolver's table: /32 and /128 rules carrying the name. */
static void test_host_rules(void **state)
{
	const char *texts[] = { POLICY_HOSTS };
	struct emb_dns_table dns = { 0 };
	struct emb_dns_addr a[2] = { { .family = AF_INET, .ttl = 60 }, { .family = AF_INET6, .ttl = 60 } };
	struct fixture f = { 0 };
	const struct emb_rule *r;
	struct emb_rule rb;
	struct emb_verdict v;
	uint8_t addr[16];

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "203.0.113.5", a[0].addr), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", a[1].addr), 1);
	assert_int_equal(emb_dns_table_set(&dns, "upd.example.com", a, 2, 1060), 0);
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_at_ok(&f, 1000, &dns);
	assert_int_equal(f.c.n_net4, 2);
	assert_int_equal(f.c.n_net6, 1);
	assert_int_equal(f.c.net6[0].key.prefixlen, 128);
	assert_int_equal(net_action(&f.c, "203.0.113.5", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "203.0.113.5", 443, EMB_PROTO_UDP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "203.0.113.5", 80, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "203.0.113.6", 443, EMB_PROTO_TCP), EMB_ACT_NONE);
	assert_int_equal(net_action(&f.c, "2001:db8::5", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(net_action(&f.c, "::ffff:203.0.113.5", 443, EMB_PROTO_TCP), EMB_ACT_DENY);
	assert_int_equal(inet_pton(AF_INET, "203.0.113.5", addr), 1);
	v = emb_compiled_net_verdict(&f.c, AF_INET, addr, 443, EMB_PROTO_TCP);
	r = emb_compiled_rule(&f.c, v.rule_id, &rb);
	assert_int_equal(r->kind, EMB_RULE_NET);
	assert_string_equal(r->host, "upd.example.com");
	assert_int_equal(inet_pton(AF_INET, "198.51.100.7", addr), 1);
	v = emb_compiled_net_verdict(&f.c, AF_INET, addr, 1, EMB_PROTO_UDP);
	assert_null(emb_compiled_rule(&f.c, v.rule_id, &rb)->host);
	/* the name the table lacks bans nothing yet and is listed */
	assert_int_equal(f.c.n_pending_hosts, 1);
	assert_string_equal(f.c.pending_hosts[0], "never.example.com");
	teardown(&f);

	/* no table: every host rule pending, the cidr rule still there */
	load_set(&f, texts, 1);
	set_host(&f, "SECRET");
	compile_at_ok(&f, 1000, NULL);
	assert_int_equal(f.c.n_net4, 1);
	assert_int_equal(f.c.n_net6, 0);
	assert_int_equal(f.c.n_pending_hosts, 2);
	assert_int_equal(f.c.n_rules, 3);
	teardown(&f);
	emb_dns_table_free(&dns);
}

/* Containment is listed as enforcing on any host and adds no rules here. */
static void test_containment_states(void **state)
{
	const char *texts[] = {
		POLICY_NET,
		"embargo: 1\nid: ir\ncontain:\n  allow:\n    - cidr: 192.0.2.10/32\n",
	};
	const char *levels[] = { NULL, "OFFICIAL", "TOP SECRET" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct fixture f = { 0 };

		load_set(&f, texts, 2);
		set_host(&f, levels[i]);
		compile_ok(&f);
		assert_int_equal(f.c.n_states, 2);
		assert_string_equal(f.c.states[1].policy->id, "ir");
		assert_int_equal(f.c.states[1].mode, EMB_MODE_ENFORCE);
		assert_int_equal(net_action(&f.c, "192.0.2.10", 22, EMB_PROTO_TCP), EMB_ACT_NONE);
		teardown(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_pushdown),
		cmocka_unit_test(test_has_prefix),
		cmocka_unit_test(test_unverified_mode),
		cmocka_unit_test(test_net_families_apart),
		cmocka_unit_test(test_net_encapsulated),
		cmocka_unit_test(test_gating),
		cmocka_unit_test(test_deny_beats_audit),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_many_hashes_sorted),
		cmocka_unit_test(test_enforce_from),
		cmocka_unit_test(test_next_change_earliest),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_host_rules),
		cmocka_unit_test(test_containment_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
