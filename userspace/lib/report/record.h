/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * record.h - one event (contract.md §6) as typed fields in key order: what
 * every sink formats from (JSON line, journal fields, syslog priority,
 * audit text, the `embargo log` view). The agent builds it with jsonw.h;
 * `embargo log` reads it back from a JSON line.
 */
#ifndef EMBARGO_RECORD_H
#define EMBARGO_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum emb_rv_type {
	EMB_RV_STR,   /* s, len bytes (a line read back may hold a NUL) */
	EMB_RV_INT,   /* i, or u when is_unsigned */
	EMB_RV_BOOL,  /* b */
	EMB_RV_ARRAY, /* items[n] */
	EMB_RV_RAW,   /* anything else (null, a real, an object): s is its compact JSON */
};

struct emb_rv {
	enum emb_rv_type type;
	int is_unsigned;
	char *s;
	size_t len;
	int64_t i;
	uint64_t u;
	int b;
	struct emb_rv *items;
	size_t n;
};

struct emb_rfield {
	char *key;
	struct emb_rv v;
};

struct emb_record {
	struct emb_rfield *f;
	size_t n, cap;
	int failed; /* out of memory: the record is incomplete */
};

/* Append key with v (the record takes v's memory; on failure it is freed
 * and the record marked failed). */
void emb_record_add(struct emb_record *r, const char *key, struct emb_rv v);
void emb_record_free(struct emb_record *r);

/* The first field named key, or NULL. */
const struct emb_rv *emb_record_get(const struct emb_record *r, const char *key);
/* Its string value; NULL when absent or not a string. */
const char *emb_record_str(const struct emb_record *r, const char *key);

/*
 * Read a JSON line back (jansson, duplicate keys refused). 0, or -1 when it
 * is not a JSON object or out of memory (r is then empty).
 */
int emb_record_from_json(struct emb_record *r, const char *line, size_t len);

/* A value as text: strings as they are, arrays joined with ",", the rest
 * as JSON. malloc'd, or NULL. */
char *emb_rv_text(const struct emb_rv *v);
/* The value's JSON text (integers, booleans, raw); malloc'd, or NULL. */
char *emb_rv_json(const struct emb_rv *v);

#endif
