// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of the persistent index: what is flushed is there after a
 * reopen, across several write transactions (emb_idx_flush chunks), when
 * written in bulk to an empty file (appended) and when mixed into records
 * already stored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_db.h"

enum { N = 40000 }; /* more than two flush chunks */

static void rec_for(unsigned i, struct emb_idx_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->size = i;
	r->ctime_sec = 1700000000 + i;
	r->ctime_nsec = i * 7;
	r->sha256[0] = (uint8_t)i;
	r->sha256[31] = (uint8_t)(i >> 8);
}

static void remove_dir(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/index.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/index.mdb-lock", dir);
	unlink(p);
	rmdir(dir);
}

static void test_flush_reopen_delete(void **state)
{
	char dir[] = "/tmp/embargo-idx-XXXXXX";
	struct emb_idx x;
	struct emb_idx_rec r;
	char path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(emb_idx_open(&x, dir), 0);
	for (unsigned i = 0; i < N; i++) {
		rec_for(i, &r);
		snprintf(path, sizeof(path), "/p/f%u", i);
		assert_int_equal(emb_idx_put(&x, 1, i + 1, &r, path), 0);
	}
	assert_int_equal(emb_idx_flush(&x), 0);
	assert_int_equal(x.n_dirty, 0);
	emb_idx_close(&x);

	assert_int_equal(emb_idx_open(&x, dir), 0);
	for (unsigned i = 0; i < N; i++) {
		const struct emb_idx_ent *e = emb_idx_get(&x, 1, i + 1);
		char buf[64];

		rec_for(i, &r);
		assert_non_null(e);
		assert_memory_equal(&e->rec, &r, sizeof(r));
		assert_true(emb_idx_fresh(e, r.size, r.ctime_sec, r.ctime_nsec));
		/* The path stored with the record comes back (emb_idx_path). */
		snprintf(path, sizeof(path), "/p/f%u", i);
		assert_string_equal(emb_idx_path(&x, e, buf, sizeof(buf)), path);
	}
	for (unsigned i = 0; i < N; i += 2)
		emb_idx_del(&x, 1, i + 1);
	assert_int_equal(emb_idx_flush(&x), 0);
	emb_idx_close(&x);

	assert_int_equal(emb_idx_open(&x, dir), 0);
	for (unsigned i = 0; i < N; i++)
		if (i % 2)
			assert_non_null(emb_idx_get(&x, 1, i + 1));
		else
			assert_null(emb_idx_get(&x, 1, i + 1));
	emb_idx_close(&x);
	remove_dir(dir);
}

static void put_range(struct emb_idx *x, unsigned from, unsigned to)
{
	struct emb_idx_rec r;
	char path[64];

	for (unsigned i = from; i < to; i++) {
		rec_for(i, &r);
		snprintf(path, sizeof(path), "/q/f%u", i);
		assert_int_equal(emb_idx_put(x, 2, i, &r, path), 0);
	}
}

static void assert_stored(struct emb_idx *x, unsigned ino, unsigned as)
{
	const struct emb_idx_ent *e = emb_idx_get(x, 2, ino);
	struct emb_idx_rec r;

	rec_for(as, &r);
	assert_non_null(e);
	assert_memory_equal(&e->rec, &r, sizeof(r));
}

/* Keys below, among and above the stored ones, replaced ones, deletes of
 * stored keys and of keys never stored, in one flush and then appended. */
static void test_flush_mixed_order(void **state)
{
	char dir[] = "/tmp/embargo-idx-XXXXXX";
	struct emb_idx x;
	struct emb_idx_rec r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(emb_idx_open(&x, dir), 0);
	put_range(&x, 1000, 2000);
	assert_int_equal(emb_idx_flush(&x), 0);

	put_range(&x, 1, 1000);
	put_range(&x, 2000, 3000);
	rec_for(7, &r);
	assert_int_equal(emb_idx_put(&x, 2, 1500, &r, "/q/replaced"), 0);
	emb_idx_del(&x, 2, 1200);
	put_range(&x, 5000, 5001);
	emb_idx_del(&x, 2, 5000);
	assert_int_equal(emb_idx_flush(&x), 0);
	emb_idx_close(&x);

	/* Every key beyond the stored ones: the appending path. */
	assert_int_equal(emb_idx_open(&x, dir), 0);
	assert_int_equal(x.n, 2998);
	put_range(&x, 1u << 30, (1u << 30) + 3000);
	emb_idx_del(&x, 2, (1u << 30) + 10);
	assert_int_equal(emb_idx_flush(&x), 0);
	emb_idx_close(&x);

	assert_int_equal(emb_idx_open(&x, dir), 0);
	assert_int_equal(x.n, 2998 + 2999);
	for (unsigned i = 1; i < 3000; i++)
		if (i == 1200)
			assert_null(emb_idx_get(&x, 2, i));
		else
			assert_stored(&x, i, i == 1500 ? 7 : i);
	assert_null(emb_idx_get(&x, 2, 5000));
	for (unsigned i = 1u << 30; i < (1u << 30) + 3000; i++)
		if (i == (1u << 30) + 10)
			assert_null(emb_idx_get(&x, 2, i));
		else
			assert_stored(&x, i, i);
	emb_idx_close(&x);
	remove_dir(dir);
}

/* Deletes still to be written survive the compaction of a grow; written
 * ones are dropped from memory and stay gone. */
static void test_grow_keeps_pending_deletes(void **state)
{
	char dir[] = "/tmp/embargo-idx-XXXXXX";
	struct emb_idx x;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(emb_idx_open(&x, dir), 0);
	put_range(&x, 1, 1001);
	assert_int_equal(emb_idx_flush(&x), 0);
	for (unsigned i = 1; i < 1001; i += 2)
		emb_idx_del(&x, 2, i);
	put_range(&x, 10000, 20000); /* several grows with the deletes pending */
	assert_int_equal(x.n, 500 + 10000);
	assert_int_equal(emb_idx_flush(&x), 0);
	for (unsigned i = 2; i < 1001; i += 2)
		emb_idx_del(&x, 2, i);
	assert_int_equal(emb_idx_flush(&x), 0);
	put_range(&x, 30000, 60000); /* grows that drop the written deletes */
	assert_true(x.n_ents <= 10000 + 30000 + 1000);
	assert_int_equal(emb_idx_flush(&x), 0);
	emb_idx_close(&x);

	assert_int_equal(emb_idx_open(&x, dir), 0);
	assert_int_equal(x.n, 10000 + 30000);
	for (unsigned i = 1; i < 1001; i++)
		assert_null(emb_idx_get(&x, 2, i));
	for (unsigned i = 10000; i < 20000; i++)
		assert_stored(&x, i, i);
	for (unsigned i = 30000; i < 60000; i++)
		assert_stored(&x, i, i);
	emb_idx_close(&x);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_reopen_delete),
		cmocka_unit_test(test_flush_mixed_order),
		cmocka_unit_test(test_grow_keeps_pending_deletes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
