/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* hashindex.h - walk scan roots and SHA-256 the files, in parallel. */
#ifndef EMBARGO_HASHINDEX_H
#define EMBARGO_HASHINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The kernel's dev_t as in inode->i_sb->s_dev: (major << 20) | minor. */
uint64_t emb_kdev(dev_t st_dev);

/* A hash of an inode's identity, for the open-addressing tables keyed by
 * (dev, ino): the scan's seen-set and the index. */
static inline size_t emb_ino_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL ^ dev * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ (h >> 29));
}

/*
 * Bounds on hashing one file (issue 16 item 6): a file larger than
 * max_bytes, or whose reading takes longer than max_ms, is not hashed
 * (-EFBIG, -ETIMEDOUT): to the agent it stays unverified (denied under
 * `unverified: deny`), `embargo scan` and `ban --kill` skip it with the
 * reason and go on. A read that blocks (a FUSE server that never answers)
 * is left behind in a thread of its own, which ends when the read returns
 * or the process exits.
 */
struct emb_hash_bound {
	uint64_t max_bytes;
	uint32_t max_ms;
};

#define EMB_HASH_MAX_BYTES (4ULL << 30)
/* scan, ban --kill, embargo test: a human waits. 30 s, or
 * EMBARGO_HASH_TIMEOUT_MS from the environment (tests). */
struct emb_hash_bound emb_hash_bound_default(void);
/* The agent's on-demand hash: inside one heartbeat period (5 s). */
#define EMB_HASH_BOUND_AGENT ((struct emb_hash_bound){ EMB_HASH_MAX_BYTES, 3000 })

/* SHA-256 of an open file's content (reads from offset 0 with pread),
 * within emb_hash_bound_default(). */
int emb_sha256_fd(int fd, uint8_t out[32]);
/* The same within *b; -EFBIG or -ETIMEDOUT over a bound, -EAGAIN when too
 * many reads are still blocked, another -errno on a read error. */
int emb_sha256_fd_bounded(int fd, const struct emb_hash_bound *b, uint8_t out[32]);
/* Why a hash failed, for a skip line: the bound named, or strerror. */
const char *emb_hash_strerror(int err, char *buf, size_t len);
/* Lowercase hex of a digest; buf of at least 65 bytes. */
void emb_sha256_hex(const uint8_t d[32], char *buf);

/*
 * 1 if exclude ex covers path, by whole components: "/proc" (or "/proc/")
 * covers "/proc" and "/proc/1", not "/procfs"; "/" covers every absolute path.
 */
int emb_path_covers(const char *ex, const char *path);

struct emb_file_hash {
	uint64_t kdev; /* emb_kdev(st_dev) */
	uint64_t ino;
	const char *path;
	uint64_t size;
	int64_t ctime_sec; /* taken before hashing: a later write changes it */
	uint32_t ctime_nsec;
	uint8_t sha256[32];
};

/* 1 if a file is an index candidate: an execute bit, or a shared object
 * name (NAME.so, NAME.so.N...) that ld.so maps executable without one. */
int emb_index_candidate(const char *name, mode_t mode, int libs);

/*
 * Called (serialised) by the walk for each candidate file before it is
 * queued, with its lstat: return 1 when the caller already knows this file
 * unchanged (same size and ctime), so it is counted as reused and not
 * hashed; 0 to hash it; <0 stops the scan.
 */
typedef int (*emb_scan_reuse_cb)(void *ctx, const char *path, const struct stat *st);

/*
 * Called, serialised with everything else, for each file or directory that
 * could not be read, in place of the default line on stderr.
 */
typedef void (*emb_scan_err_cb)(void *ctx, const char *path, int err);

struct emb_scan_opts {
	const char *const *roots; /* files or directories */
	size_t n_roots;
	const char *const *exclude; /* path prefixes (whole components) not entered */
	size_t n_exclude;
	int threads;   /* hashing threads; <= 0 means one per online CPU */
	int exec_only; /* only regular files with an execute bit */
	int libs;      /* with exec_only: shared objects (*.so, *.so.N) too */
	emb_scan_reuse_cb reuse; /* NULL: hash everything */
	int each_link; /* report every path of a hard-linked inode, not only the first */
	emb_scan_err_cb err_cb; /* NULL: "embargo: scan: PATH: error" on stderr */
	uint64_t *live_bytes;   /* if set, += every chunk as it is read (atomic): progress bars */
	const struct emb_hash_bound *bound; /* NULL: emb_hash_bound_default() */
};

struct emb_scan_stats {
	uint64_t files;  /* regular files hashed */
	uint64_t bytes;  /* bytes hashed */
	uint64_t errors; /* files or directories that could not be read */
	uint64_t reused; /* files the reuse callback knew unchanged */
};

/*
 * Called once per hashed file, serialised (never two at once), from a
 * hashing thread. Returning non-zero stops the scan; emb_scan then returns
 * that value.
 */
typedef int (*emb_scan_cb)(void *ctx, const struct emb_file_hash *fh);

/*
 * Walk every root without following symlinks, skip the excluded prefixes,
 * hash each regular file (each inode once per scan, unless each_link: then
 * each path) and call cb. Unreadable
 * entries are counted in stats->errors and reported (err_cb or stderr), not
 * fatal.
 * Returns 0, the callback's non-zero value, or -errno on a setup failure.
 */
int emb_scan(const struct emb_scan_opts *o, emb_scan_cb cb, void *ctx, struct emb_scan_stats *stats);

#endif
