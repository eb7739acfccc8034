// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for ratelimit.c: exact admissions, reports and totals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ratelimit.h"

#define SEC 1000000000ull

struct reports {
	char policy[8][EMB_RL_POLICY_LEN];
	uint32_t pid[8];
	uint64_t count[8];
	int n;
	uint64_t sum;
};

static void on_report(void *ctx, const char *policy, uint32_t pid, uint64_t count)
{
	struct reports *r = ctx;

	assert_true(r->n < 8);
	snprintf(r->policy[r->n], sizeof(r->policy[r->n]), "%s", policy);
	r->pid[r->n] = pid;
	r->count[r->n++] = count;
	r->sum += count;
}

static void test_burst_then_suppress(void **state)
{
	struct emb_rl_opts o = { .rate = 10, .burst = 3, .window_ns = SEC, .slots = 64 };
	struct emb_ratelimit rl;
	struct reports r = { 0 };
	int logged = 0;

	(void)state;
	assert_int_equal(emb_rl_init(&rl, &o), 0);
	for (int i = 0; i < 100; i++)
		logged += emb_rl_admit(&rl, "p", 42, 1 * SEC, on_report, &r);
	assert_int_equal(logged, 3);
	assert_int_equal(rl.suppressed_total, 97);
	/* window not closed yet: nothing reported */
	emb_rl_flush(&rl, 1 * SEC + SEC / 2, 0, on_report, &r);
	assert_int_equal(r.n, 0);
	emb_rl_flush(&rl, 2 * SEC, 0, on_report, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.policy[0], "p");
	assert_int_equal(r.pid[0], 42);
	assert_int_equal(r.count[0], 97);
	assert_int_equal(rl.reported_total, 97);
	emb_rl_free(&rl);
}

static void test_refill_rate(void **state)
{
	struct emb_rl_opts o = { .rate = 10, .burst = 1, .window_ns = SEC, .slots = 64 };
	struct emb_ratelimit rl;
	struct reports r = { 0 };
	int logged = 0;

	(void)state;
	assert_int_equal(emb_rl_init(&rl, &o), 0);
	/* one attempt per ms for 2 s: 1 (burst) + 10/s * 2 s */
	for (uint64_t t = 0; t < 2000; t++)
		logged += emb_rl_admit(&rl, "p", 1, SEC + t * 1000000ull, on_report, &r);
	assert_int_equal(logged, 1 + 20 - 1); /* the last refill lands at t = 2000 ms */
	emb_rl_flush(&rl, 10 * SEC, 1, on_report, &r);
	assert_int_equal(r.sum + (uint64_t)logged, 2000);
	emb_rl_free(&rl);
}

static void test_keys_are_separate(void **state)
{
	struct emb_rl_opts o = { .rate = 1, .burst = 1, .window_ns = SEC, .slots = 64 };
	struct emb_ratelimit rl;
	struct reports r = { 0 };

	(void)state;
	assert_int_equal(emb_rl_init(&rl, &o), 0);
	assert_int_equal(emb_rl_admit(&rl, "a", 1, SEC, on_report, &r), 1);
	assert_int_equal(emb_rl_admit(&rl, "a", 2, SEC, on_report, &r), 1);
	assert_int_equal(emb_rl_admit(&rl, "b", 1, SEC, on_report, &r), 1);
	assert_int_equal(emb_rl_admit(&rl, "a", 1, SEC, on_report, &r), 0);
	emb_rl_flush(&rl, SEC, 1, on_report, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.policy[0], "a");
	assert_int_equal(r.pid[0], 1);
	assert_int_equal(r.count[0], 1);
	emb_rl_free(&rl);
}

/* A full table evicts the stalest key, reporting its count first: exact. */
static void test_eviction_reports(void **state)
{
	struct emb_rl_opts o = { .rate = 1, .burst = 1, .window_ns = 100 * SEC, .slots = 4 };
	struct emb_ratelimit rl;
	struct reports r = { 0 };
	uint64_t logged = 0, total = 0;

	(void)state;
	assert_int_equal(emb_rl_init(&rl, &o), 0);
	for (uint32_t pid = 1; pid <= 6; pid++)
		for (int i = 0; i < 3; i++, total++)
			logged += (uint64_t)emb_rl_admit(&rl, "p", pid, SEC + pid, on_report, &r);
	emb_rl_flush(&rl, 2 * SEC, 1, on_report, &r);
	assert_int_equal(logged, 6);
	assert_int_equal(r.sum + logged, total);
	assert_int_equal(rl.suppressed_total, rl.reported_total);
	emb_rl_free(&rl);
}

static void test_bad_opts(void **state)
{
	struct emb_rl_opts o = { .rate = 0, .burst = 1, .window_ns = SEC, .slots = 4 };
	struct emb_ratelimit rl;

	(void)state;
	assert_int_not_equal(emb_rl_init(&rl, &o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppress),
		cmocka_unit_test(test_refill_rate),
		cmocka_unit_test(test_keys_are_separate),
		cmocka_unit_test(test_eviction_reports),
		cmocka_unit_test(test_bad_opts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
