// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* logread.c - lines of a log file, followed across truncation and rotation. */
#include "logread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536

static int reopen(struct emb_logreader *r)
{
	struct stat st;
	int fd, err;

	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	r->fd = fd;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->off = 0;
	r->len = 0;
	return 0;
}

int emb_logreader_open(struct emb_logreader *r, const char *path, emb_logline_fn fn, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->path = path;
	r->fn = fn;
	r->ctx = ctx;
	return reopen(r);
}

static int append(struct emb_logreader *r, const char *data, size_t n)
{
	size_t cap = r->cap ? r->cap : 256;
	char *grown;

	if (r->len + n <= r->cap) {
		memcpy(r->buf + r->len, data, n);
		r->len += n;
		return 0;
	}
	while (cap < r->len + n)
		cap *= 2;
	grown = realloc(r->buf, cap);
	if (!grown)
		return -ENOMEM;
	r->buf = grown;
	r->cap = cap;
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return 0;
}

/* Cut data into lines; the unterminated tail waits in r->buf. */
static int split(struct emb_logreader *r, const char *data, size_t n)
{
	int err = 0;

	while (n > 0 && !err) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		size_t used = nl ? take + 1 : take;

		if (r->len + take > EMB_LOGREAD_MAX_LINE) {
			/* Overlong: hand over what fits, go on with the rest. */
			take = used = EMB_LOGREAD_MAX_LINE - r->len;
			nl = data + take;
		}
		if (!nl)
			return append(r, data, take);
		if (r->len == 0) {
			err = r->fn(r->ctx, data, take);
		} else {
			err = append(r, data, take);
			if (!err)
				err = r->fn(r->ctx, r->buf, r->len);
			r->len = 0;
		}
		data += used;
		n -= used;
	}
	return err;
}

int emb_logreader_read(struct emb_logreader *r)
{
	char chunk[CHUNK];
	ssize_t n;
	int err;

	if (r->fd < 0)
		return 0;
	for (;;) {
		n = read(r->fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r->off += n;
		err = split(r, chunk, (size_t)n);
		if (err)
			return err;
	}
}

int emb_logreader_finish(struct emb_logreader *r)
{
	size_t len = r->len;

	if (len == 0)
		return 0;
	r->len = 0;
	return r->fn(r->ctx, r->buf, len);
}

/* The file shrank below what was read: start again from its beginning. */
static int restart(struct emb_logreader *r)
{
	if (lseek(r->fd, 0, SEEK_SET) < 0)
		return -errno;
	r->off = 0;
	r->len = 0; /* the partial line's bytes are gone */
	return emb_logreader_read(r);
}

/* The path no longer names our file: finish it, then take the new one. */
static int switch_file(struct emb_logreader *r, int appeared)
{
	int err;

	err = emb_logreader_read(r);
	err = err ?: emb_logreader_finish(r);
	close(r->fd);
	r->fd = -1;
	if (err || !appeared)
		return err;
	err = reopen(r);
	if (err == -ENOENT)
		return 0;
	return err ?: emb_logreader_read(r);
}

int emb_logreader_poll(struct emb_logreader *r)
{
	struct stat st;
	int mask = 0, err;

	if (r->fd < 0) {
		err = reopen(r);
		if (err)
			return err == -ENOENT ? 0 : err;
	}
	err = emb_logreader_read(r);
	if (err)
		return err;
	if (fstat(r->fd, &st))
		return -errno;
	if (st.st_size < r->off) {
		mask |= EMB_LOGREAD_TRUNCATED;
		err = restart(r);
		if (err)
			return err;
	}
	if (stat(r->path, &st)) {
		if (errno != ENOENT)
			return -errno;
		err = switch_file(r, 0);
		return err ?: mask | EMB_LOGREAD_GONE;
	}
	if (st.st_dev != r->dev || st.st_ino != r->ino) {
		err = switch_file(r, 1);
		return err ?: mask | EMB_LOGREAD_ROTATED;
	}
	return mask;
}

void emb_logreader_close(struct emb_logreader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}
