// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * ydoc.c - the YAML document layer of the policy and host parsers.
 *
 * Fail closed: any YAML oddity (aliases, several documents, deep nesting)
 * is an error. Errors are collected and sorted by position rather than
 * stopping at the first one.
 */
#include "ydoc.h"
#include "pagemem.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EMB_YAML_MAX_DEPTH 64
#define EMB_YAML_MAX_ERRORS 50
#define EMB_QUOTE_MAX 100
#define BIT(n) (1u << (n))

struct ydoc_err {
	int line, col;
	size_t seq; /* insertion order: keeps the sort stable */
	char *msg;
};

struct ydoc_str {
	struct ydoc_str *next;
	char s[];
};

/*
 * The document: compact nodes in one array (node id i is nodes[i - 1]).
 * yaml_document_t would copy every scalar, validate it as UTF-8 again,
 * strdup a default tag for it and keep 96 bytes a node: two thirds of
 * the parse of a 200,000-digest policy.
 */
/* Scalar text, packed: freed with the document, not one by one. */
struct ydoc_block {
	struct ydoc_block *next;
	size_t used, cap;
	char data[];
};

#define YDOC_BLOCK_SIZE (256u << 10) /* the first block */
#define YDOC_BLOCK_MAX (8u << 20)

struct emb_ydoc {
	const char *file;
	struct emb_ynode *nodes;
	size_t n_nodes, cap_nodes;
	struct ydoc_block *text;
	int have_doc;
	struct ydoc_err *errs;
	size_t n_errs;
	size_t n_total; /* including the ones not kept past the limit */
	int oom;
	struct ydoc_str *strs; /* emb_ydoc_q() results, freed with the doc */
};

static void ydoc_verr(struct emb_ydoc *y, int line, int col, const char *fmt, va_list ap)
{
	struct ydoc_err *grown;
	char *msg = NULL;

	y->n_total++;
	if (y->n_errs >= EMB_YAML_MAX_ERRORS)
		return;
	if (vasprintf(&msg, fmt, ap) < 0) {
		y->oom = 1;
		return;
	}
	grown = realloc(y->errs, (y->n_errs + 1) * sizeof(*y->errs));
	if (!grown) {
		free(msg);
		y->oom = 1;
		return;
	}
	y->errs = grown;
	y->errs[y->n_errs] = (struct ydoc_err){ line, col, y->n_errs, msg };
	y->n_errs++;
}

void emb_ydoc_err_at(struct emb_ydoc *y, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ydoc_verr(y, line, col, fmt, ap);
	va_end(ap);
}

/* At the node's first character; libyaml marks are 0-based. */
void emb_ydoc_err(struct emb_ydoc *y, const struct emb_ynode *n, const char *fmt, ...)
{
	int line = n ? (int)n->start_mark.line + 1 : 1;
	int col = n ? (int)n->start_mark.column + 1 : 1;
	va_list ap;

	va_start(ap, fmt);
	ydoc_verr(y, line, col, fmt, ap);
	va_end(ap);
}

size_t emb_ydoc_nerr(const struct emb_ydoc *y)
{
	return y->n_total + (size_t)y->oom;
}

/* User text for a message: control characters hidden, long text cut. */
const char *emb_ydoc_q(struct emb_ydoc *y, const char *s)
{
	size_t len = strnlen(s, EMB_QUOTE_MAX + 1);
	struct ydoc_str *q;

	q = malloc(sizeof(*q) + EMB_QUOTE_MAX + 4);
	if (!q) {
		y->oom = 1;
		return "?";
	}
	for (size_t i = 0; i < len && i < EMB_QUOTE_MAX; i++)
		q->s[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	if (len > EMB_QUOTE_MAX)
		strcpy(q->s + EMB_QUOTE_MAX, "...");
	else
		q->s[len] = '\0';
	q->next = y->strs;
	y->strs = q;
	return q->s;
}

/* A reader error has an offset, not a mark: count lines up to it. */
static void offset_to_mark(const char *buf, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void ydoc_syntax_err(struct emb_ydoc *y, const yaml_parser_t *p, const char *buf, size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	int line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		y->oom = 1;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		offset_to_mark(buf, len, p->problem_offset, &line, &col);
	} else {
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
	}
	emb_ydoc_err_at(y, line, col, "YAML syntax error: %s", problem);
}

static void ydoc_err_mark(struct emb_ydoc *y, const yaml_mark_t *m, const char *msg)
{
	emb_ydoc_err_at(y, (int)m->line + 1, (int)m->column + 1, "%s", msg);
}

/* A collection being built: its node, and for a mapping the key read
 * and waiting for its value (0: none). */
struct ydoc_frame {
	int id, key;
};

/* Room for one more of n elements of size at *v with capacity *cap. */
static int ydoc_grow(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want = *cap ? *cap * 2 : first;
	void *grown;

	if (n < *cap)
		return 0;
	grown = realloc(*v, want * size);
	if (!grown)
		return -1;
	*v = grown;
	*cap = want;
	return 0;
}

/* A copy of s[0..len) and a NUL in the document's text blocks. */
static yaml_char_t *ydoc_text(struct emb_ydoc *y, const yaml_char_t *s, size_t len)
{
	struct ydoc_block *b = y->text;
	yaml_char_t *out;

	if (!b || b->cap - b->used < len + 1) {
		/* Each block twice the last, at most YDOC_BLOCK_MAX (or one
		 * scalar): a 16 MiB policy's text in a few big blocks, a small
		 * one in one. */
		size_t cap = !b ? YDOC_BLOCK_SIZE : 2 * b->cap;

		if (cap > YDOC_BLOCK_MAX)
			cap = YDOC_BLOCK_MAX;
		if (cap < len + 1)
			cap = len + 1;
		b = emb_big_malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		*b = (struct ydoc_block){ .next = y->text, .cap = cap };
		y->text = b;
	}
	out = (yaml_char_t *)b->data + b->used;
	memcpy(out, s, len);
	out[len] = '\0';
	b->used += len + 1;
	return out;
}

/* A new node of type t at ev; its id, or 0 when out of memory. */
static int ydoc_add(struct emb_ydoc *y, yaml_node_type_t t, const yaml_event_t *ev)
{
	struct emb_ynode *n;

	if (y->n_nodes >= INT32_MAX ||
	    ydoc_grow((void **)&y->nodes, &y->cap_nodes, y->n_nodes, sizeof(*n), 64))
		return 0;
	n = &y->nodes[y->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->type = t;
	n->start_mark.line = (uint32_t)ev->start_mark.line;
	n->start_mark.column = (uint32_t)ev->start_mark.column;
	return (int)y->n_nodes;
}

/* Append to a sequence's items or a mapping's pairs. */
static int ydoc_push_item(struct emb_ynode *seq, int id)
{
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	void *v = seq->data.sequence.items.start;

	if (ydoc_grow(&v, &seq->data.sequence.cap, n, sizeof(yaml_node_item_t), 4))
		return 0;
	seq->data.sequence.items.start = v;
	seq->data.sequence.items.top = seq->data.sequence.items.start + n + 1;
	seq->data.sequence.items.start[n] = id;
	return 1;
}

static int ydoc_push_pair(struct emb_ynode *map, int key, int value)
{
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	void *v = map->data.mapping.pairs.start;

	if (ydoc_grow(&v, &map->data.mapping.cap, n, sizeof(yaml_node_pair_t), 4))
		return 0;
	map->data.mapping.pairs.start = v;
	map->data.mapping.pairs.top = map->data.mapping.pairs.start + n + 1;
	map->data.mapping.pairs.start[n] = (yaml_node_pair_t){ key, value };
	return 1;
}

/* The node just added: its place in the parent. */
static int ydoc_attach(struct emb_ydoc *y, struct ydoc_frame *parent, int id)
{
	struct emb_ynode *p;

	if (!parent)
		return 1; /* the root: the first node added */
	p = &y->nodes[parent->id - 1];
	if (p->type == YAML_SEQUENCE_NODE)
		return ydoc_push_item(p, id);
	if (!parent->key) {
		parent->key = id;
		return 1;
	}
	id = ydoc_push_pair(p, parent->key, id);
	parent->key = 0;
	return id;
}

static void ydoc_free_nodes(struct emb_ydoc *y)
{
	for (size_t i = 0; i < y->n_nodes; i++) {
		struct emb_ynode *n = &y->nodes[i];

		if (n->type == YAML_SEQUENCE_NODE)
			free(n->data.sequence.items.start);
		else if (n->type == YAML_MAPPING_NODE)
			free(n->data.mapping.pairs.start);
	}
	while (y->text) {
		struct ydoc_block *next = y->text->next;

		free(y->text);
		y->text = next;
	}
	free(y->nodes);
	y->nodes = NULL;
	y->n_nodes = y->cap_nodes = 0;
	y->have_doc = 0;
}

static size_t count_byte(const char *buf, size_t len, char c)
{
	size_t n = 0;

	for (const char *p = buf, *end = buf + len; (p = memchr(p, c, (size_t)(end - p))); p++)
		n++;
	return n;
}

/*
 * Room for about as many nodes as the text will make, so the node array is
 * not copied as it grows: block YAML makes a node a line ("- x"), two more
 * a colon ("- key: value"). Only a guess (flow style makes more).
 */
static void ydoc_presize(struct emb_ydoc *y, const char *buf, size_t len)
{
	size_t guess = 16 + count_byte(buf, len, '\n') + 2 * count_byte(buf, len, ':');

	y->nodes = emb_big_malloc(guess * sizeof(*y->nodes));
	y->cap_nodes = y->nodes ? guess : 0;
}

/*
 * One event pass that refuses what a policy may not use and builds the
 * document from the rest: syntax errors, aliases (an alias turns the tree
 * into a DAG that can expand exponentially), several documents and deep
 * nesting are errors, and leave no document. (A separate refusing pass
 * before yaml_parser_load tokenised every file twice: a third of the
 * reload time of a 1M-digest policy set.)
 */
static void ydoc_compose(struct emb_ydoc *y, const char *buf, size_t len)
{
	struct ydoc_frame stack[EMB_YAML_MAX_DEPTH];
	int docs = 0, depth = 0, done = 0;
	yaml_parser_t p;
	yaml_event_t ev;

	if (!yaml_parser_initialize(&p)) {
		y->oom = 1;
		return;
	}
	ydoc_presize(y, buf, len);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		int id = 0, push = 0;

		if (!yaml_parser_parse(&p, &ev)) {
			ydoc_syntax_err(y, &p, buf, len);
			done = -1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				ydoc_err_mark(y, &ev.start_mark, "multiple documents are not allowed");
				done = -1;
			} else {
				y->have_doc = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			ydoc_err_mark(y, &ev.start_mark, "aliases are not allowed");
			done = -1;
			break;
		case YAML_SCALAR_EVENT:
			id = ydoc_add(y, YAML_SCALAR_NODE, &ev);
			if (!id) {
				done = -1;
				break;
			}
			/* Packed, and the event's buffer freed at once by the
			 * thread that made it: one free per scalar at the end,
			 * from a shared malloc arena, cost more than the copy. */
			y->nodes[id - 1].data.scalar.value =
				ydoc_text(y, ev.data.scalar.value, ev.data.scalar.length);
			y->nodes[id - 1].data.scalar.length = (uint32_t)ev.data.scalar.length;
			y->nodes[id - 1].data.scalar.style = ev.data.scalar.style;
			if (!y->nodes[id - 1].data.scalar.value)
				done = -1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == EMB_YAML_MAX_DEPTH) {
				ydoc_err_mark(y, &ev.start_mark, "nesting too deep");
				done = -1;
				break;
			}
			id = ydoc_add(y, ev.type == YAML_SEQUENCE_START_EVENT ? YAML_SEQUENCE_NODE :
										YAML_MAPPING_NODE,
				      &ev);
			push = 1;
			if (!id)
				done = -1;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (id && !ydoc_attach(y, depth ? &stack[depth - 1] : NULL, id))
			done = -1;
		if (id && push && done >= 0)
			stack[depth++] = (struct ydoc_frame){ id, 0 };
		/* Out of memory building the document: nothing else reported it. */
		if (done < 0 && !y->n_total && !y->oom)
			y->oom = 1;
		yaml_event_delete(&ev);
	}
	if (done < 0)
		ydoc_free_nodes(y);
	yaml_parser_delete(&p);
}

/*
 * Parse buf. Returns NULL only when out of memory (reported in diag).
 * Otherwise the root is NULL for an empty stream or when errors were
 * recorded (see emb_ydoc_nerr).
 */
struct emb_ydoc *emb_ydoc_load(const char *file, const char *buf, size_t len, struct emb_diag *diag)
{
	struct emb_ydoc *y = calloc(1, sizeof(*y));

	if (!y) {
		emb_diag_add(diag, "%s: out of memory", file);
		return NULL;
	}
	y->file = file;
	ydoc_compose(y, buf, len);
	return y;
}

struct emb_ynode *emb_ydoc_root(struct emb_ydoc *y)
{
	return y->have_doc && y->n_nodes ? &y->nodes[0] : NULL;
}

struct emb_ynode *emb_ydoc_node(struct emb_ydoc *y, int id)
{
	return id > 0 && (size_t)id <= y->n_nodes ? &y->nodes[id - 1] : NULL;
}

static int ydoc_err_cmp(const void *a, const void *b)
{
	const struct ydoc_err *x = a, *z = b;

	if (x->line != z->line)
		return x->line < z->line ? -1 : 1;
	if (x->col != z->col)
		return x->col < z->col ? -1 : 1;
	return x->seq < z->seq ? -1 : x->seq > z->seq;
}

/* Move the errors, sorted by position, to diag; free y. Returns the count. */
size_t emb_ydoc_finish(struct emb_ydoc *y, struct emb_diag *diag)
{
	size_t n = emb_ydoc_nerr(y);

	if (y->n_errs)
		qsort(y->errs, y->n_errs, sizeof(*y->errs), ydoc_err_cmp);
	for (size_t i = 0; i < y->n_errs; i++) {
		emb_diag_at(diag, y->file, y->errs[i].line, y->errs[i].col, "%s", y->errs[i].msg);
		free(y->errs[i].msg);
	}
	if (y->n_total > y->n_errs)
		emb_diag_add(diag, "%s: %zu more errors not shown", y->file, y->n_total - y->n_errs);
	if (y->oom)
		emb_diag_add(diag, "%s: out of memory", y->file);
	free(y->errs);
	while (y->strs) {
		struct ydoc_str *next = y->strs->next;

		free(y->strs);
		y->strs = next;
	}
	ydoc_free_nodes(y);
	free(y);
	return n;
}

static int key_index(const char *const *names, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], key))
			return (int)i;
	return -1;
}

/*
 * Check the keys of a mapping against names[0..n): vals[i] gets the value
 * of names[i] or NULL. Unknown, duplicate and not-yet-supported keys
 * ("later", still stored in vals) are errors at the key; missing required
 * keys are errors at the mapping.
 */
void emb_ydoc_map(struct emb_ydoc *y, struct emb_ynode *map, const char *const *names, size_t n,
		  unsigned required, unsigned later, struct emb_ynode **vals)
{
	yaml_node_pair_t *pair;

	memset(vals, 0, n * sizeof(*vals));
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		struct emb_ynode *k = emb_ydoc_node(y, pair->key);
		const char *key;
		int idx;

		if (!k || k->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, k ? k : map, "mapping keys must be scalars");
			continue;
		}
		key = (const char *)k->data.scalar.value;
		idx = strlen(key) == k->data.scalar.length ? key_index(names, n, key) : -1;
		if (idx < 0) {
			emb_ydoc_err(y, k, "unknown key '%s'", emb_ydoc_q(y, key));
			continue;
		}
		if (vals[idx]) {
			emb_ydoc_err(y, k, "duplicate key '%s'", key);
			continue;
		}
		if (later & BIT(idx))
			emb_ydoc_err(y, k, "key '%s' is not supported yet", key);
		vals[idx] = emb_ydoc_node(y, pair->value);
	}
	for (size_t i = 0; i < n; i++)
		if ((required & BIT(i)) && !vals[i])
			emb_ydoc_err(y, map, "missing required key '%s'", names[i]);
}

/* The text of a scalar value, or NULL (error recorded). */
const char *emb_ydoc_str(struct emb_ydoc *y, struct emb_ynode *n, const char *key)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE) {
		emb_ydoc_err(y, n, "'%s' must be a scalar", key);
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		emb_ydoc_err(y, n, "'%s' must not contain NUL characters", key);
		return NULL;
	}
	return s;
}

int emb_ydoc_seq(struct emb_ydoc *y, struct emb_ynode *n, const char *key, int nonempty)
{
	int count;

	if (n->type != YAML_SEQUENCE_NODE) {
		emb_ydoc_err(y, n, "'%s' must be a sequence", key);
		return -1;
	}
	count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (nonempty && count == 0) {
		emb_ydoc_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	return count;
}

struct emb_ynode *emb_ydoc_item(struct emb_ydoc *y, struct emb_ynode *seq, int i)
{
	return emb_ydoc_node(y, seq->data.sequence.items.start[i]);
}

static int read_all(int fd, char *buf, size_t size, size_t *len)
{
	size_t got = 0;

	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*len = got;
	return 0;
}

/*
 * Read a whole (regular, at most 16 MiB) file. Returns 0, 1 when it does not
 * exist and missing_ok, or -1 with the reason in diag.
 */
int emb_ydoc_read_file(const char *path, const char *what, int missing_ok, char **buf, size_t *len,
		       struct emb_diag *diag)
{
	struct stat st;
	char *data = NULL;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 1;
		emb_diag_add(diag, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		emb_diag_add(diag, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		emb_diag_add(diag, "%s: not a regular file", path);
		goto out;
	}
	/* One byte more than the limit tells a file that grew past it. */
	data = malloc(EMB_YAML_MAX_BYTES + 1);
	if (!data) {
		emb_diag_add(diag, "%s: out of memory", path);
		goto out;
	}
	emb_huge_hint(data, (size_t)st.st_size);
	if (read_all(fd, data, EMB_YAML_MAX_BYTES + 1, len)) {
		emb_diag_add(diag, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (*len > EMB_YAML_MAX_BYTES) {
		emb_diag_add(diag, "%s: %s larger than 16 MiB", path, what);
		goto out;
	}
	*buf = data;
	data = NULL;
	rc = 0;
out:
	free(data);
	close(fd);
	return rc;
}
