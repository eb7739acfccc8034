/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * ydoc.h - the YAML document layer shared by the policy and host parsers:
 * load a document (refusing aliases, several documents, deep nesting),
 * check mapping keys, read scalars and sequences, and collect errors as
 * "FILE:LINE:COL: message" sorted by position.
 */
#ifndef EMBARGO_YDOC_H
#define EMBARGO_YDOC_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "diag.h"

/* Largest policy or host file read. */
#define EMB_YAML_MAX_BYTES (16u << 20)

struct emb_ydoc;

/*
 * A node of a loaded document: libyaml's node kinds and field names, at
 * 40 bytes instead of yaml_node_t's 96 (a 200,000-digest policy has as
 * many nodes). Items and pairs hold node ids (see emb_ydoc_node()).
 */
struct emb_ynode {
	yaml_node_type_t type;
	struct {
		uint32_t line, column; /* 0-based, as libyaml's marks */
	} start_mark;
	union {
		struct {
			yaml_char_t *value;
			uint32_t length;
			yaml_scalar_style_t style;
		} scalar;
		struct {
			struct {
				yaml_node_item_t *start, *top;
			} items;
			size_t cap;
		} sequence;
		struct {
			struct {
				yaml_node_pair_t *start, *top;
			} pairs;
			size_t cap;
		} mapping;
	} data;
};

/*
 * Parse buf. Returns NULL only when out of memory (reported in diag).
 * Otherwise the root is NULL for an empty stream or when errors were
 * recorded (see emb_ydoc_nerr). file names the input in messages.
 */
struct emb_ydoc *emb_ydoc_load(const char *file, const char *buf, size_t len, struct emb_diag *diag);
struct emb_ynode *emb_ydoc_root(struct emb_ydoc *y);
struct emb_ynode *emb_ydoc_node(struct emb_ydoc *y, int id);

/* Record an error at a 1-based line and column, or at node n's start. */
void emb_ydoc_err_at(struct emb_ydoc *y, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void emb_ydoc_err(struct emb_ydoc *y, const struct emb_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Errors recorded so far (out of memory counts as one). */
size_t emb_ydoc_nerr(const struct emb_ydoc *y);

/* User text for a message: control characters hidden, long text cut. The
 * string lives as long as y. */
const char *emb_ydoc_q(struct emb_ydoc *y, const char *s);

/*
 * Check the keys of a mapping against names[0..n) (n <= 32): vals[i] gets
 * the value of names[i] or NULL. Unknown, duplicate and not-yet-supported
 * keys (bits of "later", still stored in vals) are errors at the key;
 * missing required keys are errors at the mapping.
 */
void emb_ydoc_map(struct emb_ydoc *y, struct emb_ynode *map, const char *const *names, size_t n,
		  unsigned required, unsigned later, struct emb_ynode **vals);
/* The text of a scalar value (no NUL inside), or NULL (error recorded). */
const char *emb_ydoc_str(struct emb_ydoc *y, struct emb_ynode *n, const char *key);
/* Number of items of a sequence value, or -1 (error recorded). */
int emb_ydoc_seq(struct emb_ydoc *y, struct emb_ynode *n, const char *key, int nonempty);
/* Item i of a sequence node (0 <= i < emb_ydoc_seq()). */
struct emb_ynode *emb_ydoc_item(struct emb_ydoc *y, struct emb_ynode *seq, int i);

/* Move the errors, sorted by position, to diag; free y. Returns the count. */
size_t emb_ydoc_finish(struct emb_ydoc *y, struct emb_diag *diag);

/*
 * Read a whole (regular, at most EMB_YAML_MAX_BYTES) file. Returns 0, 1 when
 * it does not exist and missing_ok, or -1 with the reason in diag. what
 * names the file's role in the "larger than 16 MiB" message.
 */
int emb_ydoc_read_file(const char *path, const char *what, int missing_ok, char **buf, size_t *len,
		       struct emb_diag *diag);

#endif
