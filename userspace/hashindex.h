/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* hashindex.h - walk scan roots and SHA-256 the files, in parallel. */
#ifndef EMBARGO_HASHINDEX_H
#define EMBARGO_HASHINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel's dev_t as in inode->i_sb->s_dev: (major << 20) | minor. */
uint64_t emb_kdev(dev_t st_dev);

/* SHA-256 of an open file's content (reads from offset 0 with pread). */
int emb_sha256_fd(int fd, uint8_t out[32]);
/* Lowercase hex of a digest; buf of at least 65 bytes. */
void emb_sha256_hex(const uint8_t d[32], char *buf);

struct emb_file_hash {
	uint64_t kdev; /* emb_kdev(st_dev) */
	uint64_t ino;
	const char *path;
	uint64_t size;
	uint8_t sha256[32];
};

struct emb_scan_opts {
	const char *const *roots; /* files or directories */
	size_t n_roots;
	const char *const *exclude; /* path prefixes (whole components) not entered */
	size_t n_exclude;
	int threads;   /* hashing threads; <= 0 means one per online CPU */
	int exec_only; /* only regular files with an execute bit */
};

struct emb_scan_stats {
	uint64_t files;  /* regular files hashed */
	uint64_t bytes;  /* bytes hashed */
	uint64_t errors; /* files or directories that could not be read */
};

/*
 * Called once per hashed file, serialised (never two at once), from a
 * hashing thread. Returning non-zero stops the scan; emb_scan then returns
 * that value.
 */
typedef int (*emb_scan_cb)(void *ctx, const struct emb_file_hash *fh);

/*
 * Walk every root without following symlinks, skip the excluded prefixes,
 * hash each regular file (each inode once per scan) and call cb. Unreadable
 * entries are counted in stats->errors and reported on stderr, not fatal.
 * Returns 0, the callback's non-zero value, or -errno on a setup failure.
 */
int emb_scan(const struct emb_scan_opts *o, emb_scan_cb cb, void *ctx, struct emb_scan_stats *stats);

#endif
