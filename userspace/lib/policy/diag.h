/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* diag.h - an ordered list of error messages ("FILE:LINE:COL: message"). */
#ifndef EMBARGO_DIAG_H
#define EMBARGO_DIAG_H

#include <stddef.h>

#include "log.h"

struct emb_diag {
	char **msgs;
	size_t n;
};

/* Append a formatted message. Out of memory aborts: a lost error must not
 * turn into an accepted policy. */
void emb_diag_add(struct emb_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append "file:line:col: message" (line and col 1-based). */
void emb_diag_at(struct emb_diag *d, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Each message as one log line, "TAG: message" (tag NULL: the message alone):
 * the one place a diagnostics list reaches stderr. */
void emb_diag_log(const struct emb_diag *d, enum emb_log_level lvl, const char *tag);
void emb_diag_free(struct emb_diag *d);

#endif
