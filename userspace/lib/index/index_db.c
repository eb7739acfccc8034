// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * index_db.c - the persistent hash index (LMDB), mirrored in memory: a
 * dense array of entries and an open-addressing table of their numbers.
 * Deleted entries stay (as tombstones) until they are written and the
 * array next grows, so a pending LMDB delete is never lost.
 */
#include "index_db.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hashindex.h"
#include "pagemem.h"
#include "log.h"

#define IDX_MAP_SIZE (16ULL << 30) /* address space only: the file grows as used */

struct idx_key {
	uint64_t dev, ino;
};

/* The slot of (dev, ino): holding its entry's number + 1, or 0 (free). */
static uint32_t *slot_find(const struct emb_idx *x, uint64_t dev, uint64_t ino)
{
	size_t i = emb_ino_hash(dev, ino) & (x->cap - 1);

	for (;; i = (i + 1) & (x->cap - 1)) {
		const struct emb_idx_ent *e = x->slots[i] ? &x->ents[x->slots[i] - 1] : NULL;

		if (!e || (e->dev == dev && e->ino == ino))
			return &x->slots[i];
	}
}

/*
 * Make room for one more entry. The entries are kept dense, and the hash
 * table holds 4-byte numbers, not entries: at 100k files 1 MiB of slots
 * and ~11 MiB of entries instead of 23 MiB of half-empty slots. When the
 * entries are full, those deleted and written (no longer needed for an
 * LMDB delete) are dropped and the rest moved to an array sized for twice
 * their number; slots are rebuilt for that size at a load of one half.
 * Entry pointers are good until the next insert.
 */
static int grow(struct emb_idx *x)
{
	size_t keep = 0, ents_cap, cap = 4096;
	struct emb_idx_ent *ents;
	uint32_t *slots;

	if (x->n_ents < x->ents_cap)
		return 0;
	for (size_t i = 0; i < x->n_ents; i++)
		keep += !x->ents[i].deleted || x->ents[i].dirty;
	ents_cap = keep < 1024 ? 2048 : 2 * keep;
	if (ents_cap > UINT32_MAX - 1)
		return -ENOMEM;
	while (cap < 2 * ents_cap)
		cap *= 2;
	ents = emb_pages_alloc(ents_cap * sizeof(*ents)); /* see pagemem.h */
	slots = emb_pages_alloc(cap * sizeof(*slots));
	if (!ents || !slots) {
		emb_pages_free(ents, ents_cap * sizeof(*ents));
		emb_pages_free(slots, cap * sizeof(*slots));
		return -ENOMEM;
	}
	keep = 0;
	for (size_t i = 0; i < x->n_ents; i++)
		if (!x->ents[i].deleted || x->ents[i].dirty)
			ents[keep++] = x->ents[i];
	emb_pages_free(x->ents, x->ents_cap * sizeof(*x->ents));
	emb_pages_free(x->slots, x->cap * sizeof(*x->slots));
	x->ents = ents;
	x->ents_cap = ents_cap;
	x->n_ents = keep;
	x->slots = slots;
	x->cap = cap;
	for (size_t i = 0; i < keep; i++)
		*slot_find(x, ents[i].dev, ents[i].ino) = (uint32_t)(i + 1);
	return 0;
}

/*
 * Paths waiting for the next flush (recorded by hashing threads: see
 * pagemem.h), packed in blocks that go once nothing is dirty. A path
 * replaced or deleted before that keeps its bytes until then.
 */
struct path_block {
	struct path_block *next;
	size_t used, size; /* of data[] */
	char data[];
};

#define PATH_BLOCK (1 << 20)

static char *path_copy(struct emb_idx *x, const char *path)
{
	struct path_block *b = x->paths;
	size_t len = strlen(path) + 1;
	char *out;

	if (!b || b->size - b->used < len) {
		size_t map = len + sizeof(*b) > PATH_BLOCK ? len + sizeof(*b) : PATH_BLOCK;

		b = emb_pages_alloc(map);
		if (!b)
			return NULL;
		b->next = x->paths;
		b->used = 0;
		b->size = map - sizeof(*b);
		x->paths = b;
	}
	out = b->data + b->used;
	memcpy(out, path, len);
	b->used += len;
	return out;
}

static void paths_release(struct emb_idx *x)
{
	while (x->paths) {
		struct path_block *b = x->paths;

		x->paths = b->next;
		emb_pages_free(b, b->size + sizeof(*b));
	}
}

static int lmdb_err(const char *what, int rc)
{
	emb_warn("index: %s: %s", what, mdb_strerror(rc));
	return rc > 0 ? -rc : -EIO;
}

/* Insert into memory only (load and put share it). */
static struct emb_idx_ent *insert(struct emb_idx *x, uint64_t dev, uint64_t ino)
{
	uint32_t *slot = slot_find(x, dev, ino);
	struct emb_idx_ent *e;

	if (!*slot) {
		if (grow(x))
			return NULL;
		slot = slot_find(x, dev, ino); /* rebuilt if grown */
		e = &x->ents[x->n_ents++];
		*slot = (uint32_t)x->n_ents;
		*e = (struct emb_idx_ent){ .dev = dev, .ino = ino, .deleted = 1 };
	}
	e = &x->ents[*slot - 1];
	if (e->deleted)
		x->n++;
	e->deleted = 0;
	return e;
}

/* A transaction (MDB_RDONLY or 0: write) and a cursor on the records. */
static int files_cursor(struct emb_idx *x, unsigned int flags, MDB_txn **txn, MDB_cursor **cur)
{
	int rc = mdb_txn_begin(x->env, NULL, flags, txn);

	if (rc)
		return lmdb_err(flags & MDB_RDONLY ? "read transaction" : "write transaction", rc);
	rc = mdb_cursor_open(*txn, x->dbi_files, cur);
	if (rc) {
		mdb_txn_abort(*txn);
		return lmdb_err("cursor", rc);
	}
	return 0;
}

static int load_all(struct emb_idx *x)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = files_cursor(x, MDB_RDONLY, &txn, &cur);

	if (rc)
		return rc;
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		struct idx_key key;
		struct emb_idx_ent *e;

		/* A record of another layout is skipped: it is hashed again. */
		if (k.mv_size != sizeof(key) || v.mv_size < sizeof(struct emb_idx_rec))
			continue;
		memcpy(&key, k.mv_data, sizeof(key));
		e = insert(x, key.dev, key.ino);
		if (!e) {
			rc = ENOMEM;
			break;
		}
		memcpy(&e->rec, v.mv_data, sizeof(e->rec));
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc == MDB_NOTFOUND ? 0 : lmdb_err("loading records", rc);
}

static int open_env(struct emb_idx *x, const char *dir)
{
	char path[4096];
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	int rc;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		emb_warn("index: mkdir %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (snprintf(path, sizeof(path), "%s/index.mdb", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	rc = mdb_env_create(&env);
	rc = rc ?: mdb_env_set_maxdbs(env, 2);
	rc = rc ?: mdb_env_set_mapsize(env, IDX_MAP_SIZE);
	rc = rc ?: mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOTLS, 0600);
	rc = rc ?: mdb_txn_begin(env, NULL, 0, &txn);
	rc = rc ?: mdb_dbi_open(txn, "files", MDB_CREATE, &x->dbi_files);
	rc = rc ?: mdb_dbi_open(txn, "meta", MDB_CREATE, &x->dbi_meta);
	rc = rc ?: mdb_txn_commit(txn);
	if (rc) {
		if (txn && rc)
			mdb_txn_abort(txn);
		mdb_env_close(env);
		return lmdb_err(path, rc);
	}
	x->env = env;
	return 0;
}

int emb_idx_open(struct emb_idx *x, const char *dir)
{
	int err;

	memset(x, 0, sizeof(*x));
	if (grow(x))
		return -ENOMEM;
	if (!dir)
		return 0;
	err = open_env(x, dir);
	err = err ?: load_all(x);
	if (err)
		emb_idx_close(x);
	return err;
}

void emb_idx_close(struct emb_idx *x)
{
	emb_pages_free(x->slots, x->cap * sizeof(*x->slots));
	emb_pages_free(x->ents, x->ents_cap * sizeof(*x->ents));
	paths_release(x);
	if (x->rtxn)
		mdb_txn_abort(x->rtxn);
	if (x->env)
		mdb_env_close(x->env);
	memset(x, 0, sizeof(*x));
}

struct emb_idx_ent *emb_idx_get(struct emb_idx *x, uint64_t dev, uint64_t ino)
{
	uint32_t slot = *slot_find(x, dev, ino);
	struct emb_idx_ent *e = slot ? &x->ents[slot - 1] : NULL;

	return e && !e->deleted ? e : NULL;
}

int emb_idx_fresh(const struct emb_idx_ent *e, uint64_t size, int64_t sec, uint32_t nsec)
{
	return e && e->rec.size == size && e->rec.ctime_sec == sec && e->rec.ctime_nsec == nsec;
}

static void mark_dirty(struct emb_idx *x, struct emb_idx_ent *e)
{
	if (!e->dirty)
		x->n_dirty++;
	e->dirty = 1;
}

int emb_idx_put(struct emb_idx *x, uint64_t dev, uint64_t ino, const struct emb_idx_rec *r,
		const char *path)
{
	struct emb_idx_ent *e = insert(x, dev, ino);
	char *copy = NULL;

	if (!e)
		return -ENOMEM;
	if (path) {
		copy = path_copy(x, path);
		if (!copy)
			return -ENOMEM;
	}
	e->rec = *r;
	e->seen = x->gen;
	e->path = copy;
	/* No stable path (memfd, deleted): known for now, not persisted. */
	if (copy)
		mark_dirty(x, e);
	return 0;
}

/*
 * The read transaction for emb_idx_path, renewed rather than begun: with
 * path globs it runs for every file of a scan, and a reset transaction
 * keeps its reader slot and memory. NULL on an LMDB error.
 */
static MDB_txn *path_txn(struct emb_idx *x)
{
	MDB_txn *txn = x->rtxn;

	if (txn && !mdb_txn_renew(txn))
		return txn;
	if (txn)
		mdb_txn_abort(txn);
	x->rtxn = NULL;
	if (mdb_txn_begin(x->env, NULL, MDB_RDONLY, &txn))
		return NULL;
	x->rtxn = txn;
	return txn;
}

const char *emb_idx_path(struct emb_idx *x, const struct emb_idx_ent *e, char *buf, size_t len)
{
	struct idx_key key = { e->dev, e->ino };
	MDB_val k = { sizeof(key), &key }, v;
	const char *out = NULL;
	MDB_txn *txn;

	if (e->path)
		return e->path;
	if (!x->env || !(txn = path_txn(x)))
		return NULL;
	if (!mdb_get(txn, x->dbi_files, &k, &v) && v.mv_size > sizeof(e->rec) &&
	    v.mv_size - sizeof(e->rec) < len) {
		size_t plen = v.mv_size - sizeof(e->rec);

		memcpy(buf, (const char *)v.mv_data + sizeof(e->rec), plen);
		buf[plen] = '\0';
		out = buf;
	}
	mdb_txn_reset(txn);
	return out;
}

void emb_idx_del(struct emb_idx *x, uint64_t dev, uint64_t ino)
{
	struct emb_idx_ent *e = emb_idx_get(x, dev, ino);

	if (!e)
		return;
	e->deleted = 1;
	x->n--;
	e->path = NULL;
	mark_dirty(x, e);
}

void emb_idx_scan_begin(struct emb_idx *x)
{
	x->gen++;
}

void emb_idx_seen(struct emb_idx_ent *e, const struct emb_idx *x)
{
	e->seen = x->gen;
}

size_t emb_idx_sweep(struct emb_idx *x, void (*fn)(void *ctx, uint64_t dev, uint64_t ino),
		     void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n_ents; i++) {
		struct emb_idx_ent *e = &x->ents[i];

		if (e->deleted || e->seen == x->gen)
			continue;
		if (fn)
			fn(ctx, e->dev, e->ino);
		emb_idx_del(x, e->dev, e->ino);
		n++;
	}
	return n;
}

/* LMDB's order of our keys: its default compare is memcmp of the bytes. */
static int key_order(const void *a, const void *b)
{
	const struct emb_idx_ent *ea = *(const struct emb_idx_ent *const *)a,
				 *eb = *(const struct emb_idx_ent *const *)b;
	struct idx_key ka = { ea->dev, ea->ino }, kb = { eb->dev, eb->ino };

	return memcmp(&ka, &kb, sizeof(ka));
}

/*
 * 1 when every key of a sorted chunk lies beyond the last one stored (a
 * first build): then MDB_APPEND fills each page to the brim instead of
 * splitting pages at random, and the file is half the size.
 */
static int after_last(MDB_cursor *cur, const struct emb_idx_ent *first)
{
	struct idx_key key = { first->dev, first->ino };
	MDB_val k, v;
	int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);

	if (rc == MDB_NOTFOUND)
		return 1;
	return !rc && k.mv_size == sizeof(key) && memcmp(&key, k.mv_data, sizeof(key)) > 0;
}

/* One staged change through the write cursor. */
static int flush_one(MDB_cursor *cur, const struct emb_idx_ent *e, int append)
{
	struct idx_key key = { e->dev, e->ino };
	MDB_val k = { sizeof(key), &key }, v;
	size_t plen;
	int rc;

	if (e->deleted) {
		if (append) /* beyond the last key: not stored */
			return 0;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET);
		rc = rc ?: mdb_cursor_del(cur, 0);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	plen = e->path ? strlen(e->path) : 0;
	v.mv_size = sizeof(e->rec) + plen;
	rc = mdb_cursor_put(cur, &k, &v, MDB_RESERVE | (append ? MDB_APPEND : 0));
	if (rc)
		return rc;
	memcpy(v.mv_data, &e->rec, sizeof(e->rec));
	if (plen)
		memcpy((char *)v.mv_data + sizeof(e->rec), e->path, plen);
	return 0;
}

/* An entry is on disk: no longer dirty, its path dropped. */
static void clean(struct emb_idx *x, struct emb_idx_ent *e)
{
	e->dirty = 0;
	e->path = NULL;
	x->n_dirty--;
}

/* Entries e[0..n), sorted, in one write transaction. */
static int write_chunk(struct emb_idx *x, struct emb_idx_ent *const *e, size_t n)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	int append, rc = files_cursor(x, 0, &txn, &cur);

	if (rc)
		return rc;
	append = after_last(cur, e[0]);
	for (size_t i = 0; i < n && !rc; i++)
		rc = flush_one(cur, e[i], append);
	mdb_cursor_close(cur);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_err("writing records", rc);
	}
	rc = mdb_txn_commit(txn);
	return rc ? lmdb_err("commit", rc) : 0;
}

/*
 * Records per write transaction. LMDB builds a transaction's pages in
 * malloc'd memory and keeps them for reuse until the environment closes,
 * so one transaction over a 100k-file first scan left ~15 MiB resident for
 * good; chunks bound that. Each record stands alone (checked against the
 * file's size and ctime when used), so a crash between chunks loses
 * nothing but the chunks not yet written: they are hashed again.
 */
#define FLUSH_CHUNK 16384

/* Changes go in key order: LMDB then touches each page once, not at random. */
int emb_idx_flush(struct emb_idx *x)
{
	struct emb_idx_ent **dirty;
	size_t n = 0;
	int err = 0;

	if (!x->n_dirty)
		return 0;
	dirty = malloc(x->n_dirty * sizeof(*dirty));
	if (!dirty)
		return -ENOMEM;
	for (size_t i = 0; i < x->n_ents; i++)
		if (x->ents[i].dirty)
			dirty[n++] = &x->ents[i];
	if (x->env)
		qsort(dirty, n, sizeof(*dirty), key_order);
	for (size_t done = 0; done < n && !err;) {
		size_t len = n - done < FLUSH_CHUNK ? n - done : FLUSH_CHUNK;

		err = x->env ? write_chunk(x, dirty + done, len) : 0;
		for (size_t i = done; i < done + len && !err; i++)
			clean(x, dirty[i]);
		done += len;
	}
	free(dirty);
	if (!x->n_dirty)
		paths_release(x);
	return err;
}

static const char complete_key[] = "complete";

int emb_idx_complete(const struct emb_idx *x)
{
	MDB_val k = { sizeof(complete_key) - 1, (void *)complete_key }, v;
	MDB_txn *txn;
	int found;

	if (!x->env || mdb_txn_begin(x->env, NULL, MDB_RDONLY, &txn))
		return 0;
	found = mdb_get(txn, x->dbi_meta, &k, &v) == 0;
	mdb_txn_abort(txn);
	return found;
}

int emb_idx_set_complete(struct emb_idx *x)
{
	MDB_val k = { sizeof(complete_key) - 1, (void *)complete_key }, v = { 1, "1" };
	MDB_txn *txn;
	int rc;

	if (!x->env)
		return 0;
	rc = mdb_txn_begin(x->env, NULL, 0, &txn);
	if (rc)
		return lmdb_err("write transaction", rc);
	rc = mdb_put(txn, x->dbi_meta, &k, &v, 0);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_err("writing meta", rc);
	}
	rc = mdb_txn_commit(txn);
	return rc ? lmdb_err("commit", rc) : 0;
}

int emb_idx_foreach(struct emb_idx *x, int (*fn)(void *ctx, const struct emb_idx_ent *e),
		    void *ctx)
{
	int err = 0;

	for (size_t i = 0; i < x->n_ents && !err; i++)
		if (!x->ents[i].deleted)
			err = fn(ctx, &x->ents[i]);
	return err;
}
