/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * fswatch.h - write tracking: fanotify marks on every filesystem under the
 * scan roots (FAN_MARK_FILESYSTEM), reporting files closed after a write,
 * created, moved in or changed in their attributes, as open fds.
 */
#ifndef EMBARGO_FSWATCH_H
#define EMBARGO_FSWATCH_H

#include <stddef.h>
#include <stdint.h>

struct emb_fswatch_mount;

struct emb_fswatch {
	int fd; /* the fanotify group, -1 when not watching */
	struct emb_fswatch_mount *mounts; /* one per filesystem: fsid -> fd */
	size_t n_mounts;
	uint64_t overflows; /* queue overflows: changes the index may have missed */
	uint64_t errors;    /* objects that could not be opened */
};

/*
 * Mark the filesystem of each root and of each mount point below a root
 * that no exclude prefix covers. Returns 0 with w->fd >= 0, or -errno (the
 * reason printed): the caller runs without write tracking.
 */
int emb_fswatch_open(struct emb_fswatch *w, const char *const *roots, size_t n_roots,
		     const char *const *exclude, size_t n_exclude);

/* Called for each changed regular file: fd open read-only (closed by the
 * caller of cb afterwards), name its base name or "" when unknown. */
typedef int (*emb_fswatch_cb)(void *ctx, int fd, const char *name);

/* Read what is pending (non-blocking). Returns 0 or the callback's
 * non-zero value. */
int emb_fswatch_read(struct emb_fswatch *w, emb_fswatch_cb cb, void *ctx);
void emb_fswatch_close(struct emb_fswatch *w);

#endif
