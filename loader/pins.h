/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * pins.h - the pin dir on bpffs, object by object: what an agent (running,
 * dead or killed) left enforcing. No skeleton here: `embargo status` and
 * `embargo unload` use these without loading anything, and the loader uses
 * them to adopt or replace.
 */
#ifndef EMBARGO_PINS_H
#define EMBARGO_PINS_H

#include <stddef.h>
#include <stdint.h>

#include "emb_meta.h"
#include "embargo_abi.h"

#define EMB_META_PIN "emb_meta"
#define EMB_STATS_PIN "emb_stats"

/* "DIR/NAME" into buf; -ENAMETOOLONG when it does not fit. */
int emb_pin_path(char *buf, size_t len, const char *dir, const char *name);

/* Read emb_meta[0] from an fd or from DIR/emb_meta. 0; -ENOENT when there
 * is no such pin; -EPROTO when the map is not an emb_meta of this layout. */
int emb_pins_meta_read_fd(int fd, struct emb_meta *m);
int emb_pins_meta_read(const char *dir, struct emb_meta *m);
int emb_pins_meta_write_fd(int fd, const struct emb_meta *m);

/*
 * Take over the named pins of DIR: open each one that exists (fds[i], -1
 * when absent), then unlink it. The objects stay alive (and links attached)
 * as long as the fds are open. On error every pin already unlinked is put
 * back and every fd closed.
 */
int emb_pins_hold(const char *dir, const char *const *names, size_t n, int *fds);
/* Pin the held objects back under their names (a failed takeover). */
void emb_pins_restore(const char *dir, const char *const *names, size_t n, const int *fds);
/* Close held fds: old links detach here. */
void emb_pins_release(int *fds, size_t n);

/* Remove every pin in DIR (one level of subdirectories too) and DIR.
 * 0, or -ENOENT when DIR does not exist. */
int emb_pins_unload(const char *dir);

/* Remove DIR if it is empty (a failed first start); anything else stays. */
void emb_pins_drop_empty_dir(const char *dir);

enum emb_pin_kind {
	EMB_PIN_OTHER = 0,
	EMB_PIN_MAP = 1,
	EMB_PIN_LINK = 2,
	EMB_PIN_PROG = 3,
};

const char *emb_pin_kind_name(enum emb_pin_kind k);
/* What an open bpf fd is (from /proc/self/fdinfo). */
enum emb_pin_kind emb_pin_kind_of(int fd);

/* One object pinned in the dir, as `status` reports it. */
struct emb_pin_info {
	char name[256];
	enum emb_pin_kind kind;
	/* maps only */
	char map_type[32];     /* "hash", "lpm_trie", "ringbuf", ... */
	uint32_t max_entries;  /* ring buffer: bytes */
	int64_t entries;       /* keys present; -1 when not countable (ring buffer) */
};

/* Every pin of DIR, sorted by name. *out is malloc'd. -ENOENT: no DIR. */
int emb_pins_list(const char *dir, struct emb_pin_info **out, size_t *n);

/* Sum the per-CPU counters of DIR/emb_stats. */
int emb_pins_read_stats(const char *dir, uint64_t out[EMB_STAT_MAX]);
/* The same from an open emb_stats fd. */
/* Sum the per-CPU u64 values of keys 0..n_keys-1 of a per-CPU array. */
int emb_percpu_sum(int fd, uint32_t n_keys, uint64_t *out);
int emb_pins_read_stats_fd(int fd, uint64_t out[EMB_STAT_MAX]);

/*
 * Whether the map pinned at DIR/NAME can stand in for a map of this shape:
 * same type, key and value size and flags, and at least want_entries slots.
 * 0 when it can (the pinned fd in *fd_out, owned by the caller), else -1
 * with the reason in why[].
 */
int emb_pins_map_compatible(const char *dir, const char *name, uint32_t type, uint32_t key_size,
			    uint32_t value_size, uint32_t flags, uint32_t want_entries, int *fd_out,
			    char *why, size_t why_len);

#endif
