/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* logread.h - read a growing line-oriented log, like `tail -F`. */
#ifndef EMBARGO_LOGREAD_H
#define EMBARGO_LOGREAD_H

#include <stddef.h>
#include <sys/types.h>

/* A line longer than this is handed over in pieces (it cannot be an event). */
#define EMB_LOGREAD_MAX_LINE (1u << 20)

/* What emb_logreader_poll noticed, for a notice on stderr. */
enum {
	EMB_LOGREAD_TRUNCATED = 1, /* the file shrank: read again from its start */
	EMB_LOGREAD_ROTATED = 2,   /* the path names a new file: old one finished */
	EMB_LOGREAD_GONE = 4,      /* the path is gone; waiting for it to return */
};

/* Called with each complete line, without its newline. Returns 0 to go on,
 * or a negative errno to stop (returned by the reader's call). */
typedef int (*emb_logline_fn)(void *ctx, const char *line, size_t len);

struct emb_logreader {
	const char *path;
	int fd;         /* -1: not open (the file is missing) */
	dev_t dev;
	ino_t ino;
	off_t off;      /* bytes of fd consumed */
	char *buf;      /* a partial last line */
	size_t len, cap;
	emb_logline_fn fn;
	void *ctx;
};

/* Open path; returns 0 or -errno (-ENOENT: missing; with follow the caller
 * may still poll, which opens the file once it appears). */
int emb_logreader_open(struct emb_logreader *r, const char *path, emb_logline_fn fn, void *ctx);
/* Hand over every complete line written so far. Returns 0, -errno on a read
 * error, or the callback's negative value. */
int emb_logreader_read(struct emb_logreader *r);
/* End of a one-shot read: hand over a last line that has no newline. */
int emb_logreader_finish(struct emb_logreader *r);
/*
 * One step of following: read new lines; handle truncation (start again at
 * offset 0), rotation (finish the old file, then open the new one) and a
 * missing file. Returns a mask of EMB_LOGREAD_* events (>= 0), or -errno
 * (a read error, or the callback's).
 */
int emb_logreader_poll(struct emb_logreader *r);
void emb_logreader_close(struct emb_logreader *r);

#endif
