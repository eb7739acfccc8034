// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests for resolve.c without the network: a DNS answer parsed from
 * bytes, and the refresh logic driven by a fake resolver.
 */
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

#include "resolve.h"

/* example.com A? -> a CNAME, then two A records (TTL 300 and 60). */
static const uint8_t answer_a[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	/* CNAME example.com -> a.example.com, TTL 3600 */
	0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 1, 'a', 0xc0, 0x0c,
	/* a.example.com A 203.0.113.5 TTL 300 */
	0xc0, 0x29, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4, 203, 0, 113, 5,
	/* a.example.com A 203.0.113.6 TTL 60 */
	0xc0, 0x29, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 6,
};

static void test_parse_answer(void **state)
{
	struct emb_dns_addr *a = NULL;
	const char *why = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(emb_dns_parse_answer(answer_a, sizeof(answer_a), 1, &a, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].family, AF_INET);
	assert_memory_equal(a[0].addr, ((uint8_t[]){ 203, 0, 113, 5 }), 4);
	assert_int_equal(a[0].ttl, 300);
	assert_memory_equal(a[1].addr, ((uint8_t[]){ 203, 0, 113, 6 }), 4);
	assert_int_equal(a[1].ttl, 60);
	/* asked for AAAA: the A records are not answers */
	assert_int_equal(emb_dns_parse_answer(answer_a, sizeof(answer_a), 28, &a, &n, &why), 0);
	assert_int_equal(n, 2);
	/* cut short: malformed, nothing appended */
	assert_int_equal(emb_dns_parse_answer(answer_a, sizeof(answer_a) - 3, 1, &a, &n, &why), -1);
	assert_string_equal(why, "malformed DNS answer");
	assert_int_equal(n, 2);
	free(a);
}

/* The fake DNS: a fixed answer per name, counting the queries. */
struct fake {
	const char *name;
	struct emb_dns_addr addrs[2];
	size_t n;
	const char *fail; /* when set, the query fails with this reason */
	int queries;
};

static int fake_resolve(void *ctx, const char *name, struct emb_dns_addr **addrs, size_t *n,
			const char **why)
{
	struct fake *f = ctx;

	*addrs = NULL;
	*n = 0;
	if (strcmp(name, f->name))
		return *why = "no such host", -1;
	f->queries++;
	if (f->fail)
		return *why = f->fail, -1;
	*addrs = calloc(f->n ? f->n : 1, sizeof(**addrs));
	assert_non_null(*addrs);
	memcpy(*addrs, f->addrs, f->n * sizeof(**addrs));
	*n = f->n;
	return 0;
}

static const char POLICY[] = "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: SECRET\n"
			     "vendors:\n  - name: V\n    connect:\n"
			     "      - host: upd.example.com\n"
			     "      - host: UPD.example.com\n        ports: [443]\n"
			     "      - host: gone.example.com\n";

static void v4(struct emb_dns_addr *a, const char *s, uint32_t ttl)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, a->addr), 1);
	a->ttl = ttl;
}

static void test_refresh(void **state)
{
	struct fake f = { .name = "upd.example.com", .n = 2 };
	struct emb_policy_set set = { 0 };
	struct emb_dns_table t = { 0 };
	const struct emb_dns_name *e, *gone;
	struct emb_diag d = { 0 };
	struct emb_policy p;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("p.yaml", POLICY, strlen(POLICY), &p, &d), 0);
	set.policies = &p;
	set.n = 1;
	v4(&f.addrs[0], "203.0.113.6", 600);
	v4(&f.addrs[1], "203.0.113.5", 120);

	/* first time: every name; the same name twice is asked once */
	assert_int_equal(emb_dns_refresh(&t, &set, 1000, fake_resolve, &f), 1);
	assert_int_equal(f.queries, 1);
	e = emb_dns_table_find(&t, "upd.example.com");
	assert_non_null(e);
	assert_int_equal(e->n_addrs, 2);
	assert_memory_equal(e->addrs[0].addr, ((uint8_t[]){ 203, 0, 113, 5 }), 4); /* sorted */
	assert_int_equal(e->expires, 1000 + 120);                                  /* smallest TTL */
	assert_null(e->error);
	gone = emb_dns_table_find(&t, "gone.example.com");
	assert_non_null(gone);
	assert_int_equal(gone->n_addrs, 0);
	assert_string_equal(gone->error, "no such host");
	assert_int_equal(gone->expires, 1000 + EMB_DNS_RETRY);
	assert_int_equal(emb_dns_next_refresh(&t), 1000 + EMB_DNS_RETRY);

	/* nothing expired: no query */
	assert_int_equal(emb_dns_refresh(&t, &set, 1029, fake_resolve, &f), 0);
	assert_int_equal(f.queries, 1);

	/* expired, same answer: asked again, no change */
	assert_int_equal(emb_dns_refresh(&t, &set, 1120, fake_resolve, &f), 0);
	assert_int_equal(f.queries, 2);

	/* a new address: a change; a TTL of 0 is clamped */
	v4(&f.addrs[1], "203.0.113.9", 0);
	assert_int_equal(emb_dns_refresh(&t, &set, 2000, fake_resolve, &f), 1);
	e = emb_dns_table_find(&t, "upd.example.com");
	assert_int_equal(e->expires, 2000 + EMB_DNS_MIN_TTL);

	/* a failure keeps the last addresses (fail closed) and retries later */
	f.fail = "temporary DNS failure";
	assert_int_equal(emb_dns_refresh(&t, &set, 3000, fake_resolve, &f), 0);
	e = emb_dns_table_find(&t, "upd.example.com");
	assert_int_equal(e->n_addrs, 2);
	assert_string_equal(e->error, "temporary DNS failure");
	assert_int_equal(e->expires, 3000 + EMB_DNS_RETRY);

	/* an empty answer is a failure too */
	f.fail = NULL;
	f.n = 0;
	assert_int_equal(emb_dns_refresh(&t, &set, 4000, fake_resolve, &f), 0);
	assert_int_equal(e->n_addrs, 2);
	assert_string_equal(e->error, "no address");

	emb_dns_table_free(&t);
	assert_int_equal(emb_dns_next_refresh(&t), 0);
	emb_policy_free(&p);
}

static void test_table_set(void **state)
{
	struct emb_dns_table t = { 0 };
	struct emb_dns_addr a[3];

	(void)state;
	v4(&a[0], "198.51.100.2", 50);
	v4(&a[1], "198.51.100.1", 70);
	v4(&a[2], "198.51.100.2", 40);
	assert_int_equal(emb_dns_table_set(&t, "a.example", a, 3, 99), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.names[0].n_addrs, 2); /* duplicates merged */
	assert_int_equal(t.names[0].addrs[1].ttl, 40);
	assert_int_equal(emb_dns_table_set(&t, "A.EXAMPLE", a, 1, 100), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.names[0].n_addrs, 1);
	assert_null(emb_dns_table_find(&t, "b.example"));
	assert_null(emb_dns_table_find(NULL, "a.example"));
	emb_dns_table_free(&t);
}

/* Answers cannot ban the host's own lifelines; a junk-heavy answer is capped. */
static void test_guard_and_cap(void **state)
{
	struct emb_dns_table t = { 0 };
	struct emb_dns_guard *g = calloc(1, sizeof(*g));
	struct emb_dns_addr a[8], many[EMB_DNS_MAX_ADDRS + 5];
	const struct emb_dns_name *e;
	char ip[32];

	(void)state;
	assert_non_null(g);
	g->resolvers[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.53", g->resolvers[0].addr), 1);
	g->n_resolvers = 1;
	g->own[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", g->own[0].addr), 1);
	g->n_own = 1;
	t.guard = g;
	v4(&a[0], "127.0.0.53", 300);
	v4(&a[1], "192.0.2.53", 300);
	v4(&a[2], "192.0.2.1", 300);
	v4(&a[3], "169.254.169.254", 300);
	v4(&a[4], "203.0.113.7", 300);
	memset(&a[5], 0, sizeof(a[5]));
	a[5].family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", a[5].addr), 1);
	a[6] = a[5];
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", a[6].addr), 1);
	a[7] = a[5];
	assert_int_equal(inet_pton(AF_INET6, "64:ff9b::192.0.2.53", a[7].addr), 1);
	assert_int_equal(emb_dns_apply(&t, "v.example", 1000, 0, NULL, a, 8), 1);
	e = emb_dns_table_find(&t, "v.example");
	assert_int_equal(e->n_addrs, 1);
	assert_memory_equal(e->addrs[0].addr, ((uint8_t[]){ 203, 0, 113, 7 }), 4);
	assert_int_equal(e->n_refused, 7);
	assert_true(e->refusals_new);
	for (size_t i = 0; i < e->n_refused; i++) {
		const char *w = e->refused[i].why;

		assert_true(!strcmp(w, "loopback") || !strcmp(w, "the host's resolver") ||
			    !strcmp(w, "the host's own address") || !strcmp(w, "link-local"));
	}
	/* The same answer again: nothing new to log, nothing changed. */
	((struct emb_dns_name *)e)->refusals_new = 0;
	assert_int_equal(emb_dns_apply(&t, "v.example", 2000, 0, NULL, a, 8), 0);
	assert_false(e->refusals_new);
	/* Only refused addresses: the last good ones stay (fail closed). */
	assert_int_equal(emb_dns_apply(&t, "v.example", 3000, 0, NULL, a, 4), 0);
	e = emb_dns_table_find(&t, "v.example");
	assert_int_equal(e->n_addrs, 1);
	assert_string_equal(e->error, "every address refused");
	assert_int_equal(e->expires, 3000 + EMB_DNS_RETRY);

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%zu", i + 1);
		v4(&many[i], ip, 0);
	}
	assert_int_equal(emb_dns_apply(&t, "junk.example", 1000, 0, NULL, many,
				       sizeof(many) / sizeof(many[0])), 1);
	e = emb_dns_table_find(&t, "junk.example");
	assert_int_equal(e->n_addrs, EMB_DNS_MAX_ADDRS);
	assert_int_equal(e->n_refused, 5);
	assert_non_null(strstr(e->refused[0].why, "more addresses than a name may ban"));
	/* TTL 0 is clamped: no recompile storm. */
	assert_int_equal(e->expires, 1000 + EMB_DNS_MIN_TTL);
	assert_true(EMB_DNS_MIN_TTL >= 60);
	emb_dns_table_free(&t);
	/* No guard: the fixed ranges are refused all the same. */
	assert_string_equal(emb_dns_guard_why(NULL, AF_INET, (uint8_t[]){ 127, 0, 0, 53 }), "loopback");
	assert_null(emb_dns_guard_why(NULL, AF_INET, (uint8_t[]){ 192, 0, 2, 53 }));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_answer),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_table_set),
		cmocka_unit_test(test_guard_and_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
