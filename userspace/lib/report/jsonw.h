/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * jsonw.h - build one event: its record (record.h, typed fields in call
 * order) and, in the same call, the record's JSON line. Sinks other than
 * the JSON log format from j->rec, never from the text.
 */
#ifndef EMBARGO_JSONW_H
#define EMBARGO_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct emb_json {
	char *buf; /* NUL-terminated; "{...}" after emb_json_end */
	size_t len, cap;
	int n_keys;
	int failed; /* allocation failed: the line is unusable */
	struct emb_record rec; /* the same fields, typed; string values as the line holds them */
};

void emb_json_begin(struct emb_json *j);
/* Strings are escaped per RFC 8259; invalid UTF-8 bytes become U+FFFD. */
void emb_json_str(struct emb_json *j, const char *key, const char *val);
/* At most len bytes of val, stopping at a NUL (for fixed kernel buffers). */
void emb_json_strn(struct emb_json *j, const char *key, const char *val, size_t len);
void emb_json_u64(struct emb_json *j, const char *key, uint64_t val);
void emb_json_i64(struct emb_json *j, const char *key, int64_t val);
void emb_json_bool(struct emb_json *j, const char *key, int val);
/* Array of strings. */
void emb_json_strv(struct emb_json *j, const char *key, const char *const *v, size_t n);
/* Closes the object ("}" with no newline). Returns 0, or -1 if anything failed. */
int emb_json_end(struct emb_json *j);
void emb_json_free(struct emb_json *j);

/* "2026-11-23T09:08:43.123456Z" for the current time; buf >= 32 bytes. */
void emb_json_time_now(char *buf, size_t len);

#endif
