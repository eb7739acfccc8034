// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of the persistent index: what is flushed is there after a
 * reopen, across several write transactions (emb_idx_flush chunks). */
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

enum { N = 5000 }; /* more than two flush chunks */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_reopen_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
