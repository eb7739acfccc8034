/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * index_db.h - the persistent hash index: (dev, ino) -> sha256, size, ctime,
 * path, in LMDB under the state dir, mirrored in memory.
 *
 * The memory table answers every lookup (start-up cache load, re-index,
 * policy reload); LMDB only makes it survive a restart. Not thread-safe:
 * the caller serialises. Writes are staged (dirty entries) and written in
 * one transaction by emb_idx_flush(), from the thread that opened the db.
 */
#ifndef EMBARGO_INDEX_DB_H
#define EMBARGO_INDEX_DB_H

#include <stddef.h>
#include <stdint.h>

struct emb_idx_rec {
	uint8_t sha256[32];
	uint64_t size;
	int64_t ctime_sec;
	uint32_t ctime_nsec;
	uint32_t flags; /* reserved, 0 */
};

struct emb_idx_ent {
	uint64_t dev, ino;
	struct emb_idx_rec rec;
	uint32_t seen; /* scan generation that last saw it */
	uint8_t dirty, deleted;
	char *path; /* only while dirty (in x->paths): written by emb_idx_flush() */
};

struct emb_idx {
	void *env; /* MDB_env *, NULL: memory only (no state dir) */
	void *rtxn; /* MDB_txn *: emb_idx_path's read transaction, kept reset */
	unsigned int dbi_files, dbi_meta;
	uint32_t *slots; /* open addressing: 0 free, else an entry's number + 1 */
	size_t cap;      /* slots: a power of two */
	struct emb_idx_ent *ents; /* dense; deleted ones stay until the next grow */
	size_t n_ents, ents_cap;
	size_t n;       /* live entries */
	size_t n_dirty; /* entries to write or delete at the next flush */
	uint32_t gen;   /* current scan generation */
	struct path_block *paths; /* the dirty entries' paths */
};

/* Open (creating) DIR/index.mdb and load every record. dir NULL: memory
 * only. Returns 0 or -errno (printed). */
int emb_idx_open(struct emb_idx *x, const char *dir);
void emb_idx_close(struct emb_idx *x);

/* The live entry, or NULL. */
struct emb_idx_ent *emb_idx_get(struct emb_idx *x, uint64_t dev, uint64_t ino);
/* 1 when the entry describes a file with this size and ctime. */
int emb_idx_fresh(const struct emb_idx_ent *e, uint64_t size, int64_t sec, uint32_t nsec);
/* Insert or replace; path may be NULL (not persisted: no stable path).
 * Marks the entry seen in the current generation. */
int emb_idx_put(struct emb_idx *x, uint64_t dev, uint64_t ino, const struct emb_idx_rec *r,
		const char *path);
/*
 * The path recorded for e: the pending one, else the one stored with its
 * record (copied into buf of len bytes). NULL when none is known (never
 * recorded, memory only, or longer than buf).
 */
const char *emb_idx_path(struct emb_idx *x, const struct emb_idx_ent *e, char *buf, size_t len);
void emb_idx_del(struct emb_idx *x, uint64_t dev, uint64_t ino);

/* A full scan: bump the generation, mark what it sees, then drop what it
 * did not see (fn, may be NULL, is told each dropped key first). */
void emb_idx_scan_begin(struct emb_idx *x);
void emb_idx_seen(struct emb_idx_ent *e, const struct emb_idx *x);
size_t emb_idx_sweep(struct emb_idx *x, void (*fn)(void *ctx, uint64_t dev, uint64_t ino),
		     void *ctx);

/* Write staged changes in one LMDB transaction. */
int emb_idx_flush(struct emb_idx *x);

/* meta "complete": a full index build finished once (persisted at once). */
int emb_idx_complete(const struct emb_idx *x);
int emb_idx_set_complete(struct emb_idx *x);

/* Call fn for every live entry; a non-zero return stops and is returned. */
int emb_idx_foreach(struct emb_idx *x, int (*fn)(void *ctx, const struct emb_idx_ent *e),
		    void *ctx);

#endif
