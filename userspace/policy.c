// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * policy.c - policy files: YAML document layer, parser, set loader, modes.
 *
 * Fail closed: an unknown key, a key this version cannot honour yet, a value
 * of the wrong type or any YAML oddity (aliases, several documents) is an
 * error, and a policy with any error is refused whole. Errors are collected
 * (sorted by position) rather than stopping at the first one.
 *
 * The emb_ydoc_* layer is shared with host.c; its prototypes belong in a
 * header of their own (see the block in host.c).
 */
#include "policy.h"

#include "embargo_abi.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define EMB_YAML_MAX_BYTES (16u << 20)
#define EMB_YAML_MAX_DEPTH 64
#define EMB_YAML_MAX_ERRORS 50
#define EMB_QUOTE_MAX 100
#define EMB_ID_MAX 64
#define BIT(n) (1u << (n))

/* ------------------------------------------------------------------------ */
/* YAML document layer                                                        */
/* ------------------------------------------------------------------------ */

struct ydoc_err {
	int line, col;
	size_t seq; /* insertion order: keeps the sort stable */
	char *msg;
};

struct ydoc_str {
	struct ydoc_str *next;
	char s[];
};

struct emb_ydoc {
	const char *file;
	yaml_document_t doc;
	int have_doc;
	struct ydoc_err *errs;
	size_t n_errs;
	size_t n_total; /* including the ones not kept past the limit */
	int oom;
	struct ydoc_str *strs; /* emb_ydoc_q() results, freed with the doc */
};

struct emb_ydoc *emb_ydoc_load(const char *file, const char *buf, size_t len, struct emb_diag *diag);
yaml_node_t *emb_ydoc_root(struct emb_ydoc *y);
yaml_node_t *emb_ydoc_node(struct emb_ydoc *y, int id);
void emb_ydoc_err_at(struct emb_ydoc *y, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void emb_ydoc_err(struct emb_ydoc *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t emb_ydoc_nerr(const struct emb_ydoc *y);
const char *emb_ydoc_q(struct emb_ydoc *y, const char *s);
void emb_ydoc_map(struct emb_ydoc *y, yaml_node_t *map, const char *const *names, size_t n,
		  unsigned required, unsigned later, yaml_node_t **vals);
const char *emb_ydoc_str(struct emb_ydoc *y, yaml_node_t *n, const char *key);
int emb_ydoc_seq(struct emb_ydoc *y, yaml_node_t *n, const char *key, int nonempty);
size_t emb_ydoc_finish(struct emb_ydoc *y, struct emb_diag *diag);
int emb_ydoc_read_file(const char *path, const char *what, int missing_ok, char **buf, size_t *len,
		       struct emb_diag *diag);

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
void emb_ydoc_err(struct emb_ydoc *y, const yaml_node_t *n, const char *fmt, ...)
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

/*
 * Event pass before building the tree: syntax errors, aliases (an alias
 * turns the tree into a DAG that can expand exponentially), several
 * documents and deep nesting are refused here. Returns the number of
 * documents, or -1.
 */
static int ydoc_prescan(struct emb_ydoc *y, const char *buf, size_t len)
{
	int docs = 0, depth = 0, done = 0, rc = -1;
	yaml_parser_t p;
	yaml_event_t ev;

	if (!yaml_parser_initialize(&p)) {
		y->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			ydoc_syntax_err(y, &p, buf, len);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				ydoc_err_mark(y, &ev.start_mark, "multiple documents are not allowed");
				done = -1;
			}
			break;
		case YAML_ALIAS_EVENT:
			ydoc_err_mark(y, &ev.start_mark, "aliases are not allowed");
			done = -1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > EMB_YAML_MAX_DEPTH) {
				ydoc_err_mark(y, &ev.start_mark, "nesting too deep");
				done = -1;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (done > 0)
		rc = docs;
out:
	yaml_parser_delete(&p);
	return rc;
}

static int ydoc_build(struct emb_ydoc *y, const char *buf, size_t len)
{
	yaml_parser_t p;
	int rc = -1;

	if (!yaml_parser_initialize(&p)) {
		y->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &y->doc)) {
		ydoc_syntax_err(y, &p, buf, len);
		goto out;
	}
	y->have_doc = 1;
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
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
	if (ydoc_prescan(y, buf, len) > 0)
		(void)ydoc_build(y, buf, len);
	return y;
}

yaml_node_t *emb_ydoc_root(struct emb_ydoc *y)
{
	return y->have_doc ? yaml_document_get_root_node(&y->doc) : NULL;
}

yaml_node_t *emb_ydoc_node(struct emb_ydoc *y, int id)
{
	return yaml_document_get_node(&y->doc, id);
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
	if (y->have_doc)
		yaml_document_delete(&y->doc);
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
void emb_ydoc_map(struct emb_ydoc *y, yaml_node_t *map, const char *const *names, size_t n,
		  unsigned required, unsigned later, yaml_node_t **vals)
{
	yaml_node_pair_t *pair;

	memset(vals, 0, n * sizeof(*vals));
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = emb_ydoc_node(y, pair->key);
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
const char *emb_ydoc_str(struct emb_ydoc *y, yaml_node_t *n, const char *key)
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

/* Number of items of a sequence value, or -1 (error recorded). */
int emb_ydoc_seq(struct emb_ydoc *y, yaml_node_t *n, const char *key, int nonempty)
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

/* ------------------------------------------------------------------------ */
/* Policy                                                                     */
/* ------------------------------------------------------------------------ */

enum {
	P_EMBARGO,
	P_ID,
	P_TITLE,
	P_REFERENCE,
	P_SCHEME,
	P_ENFORCE,
	P_AUDIT,
	P_VENDORS,
	P_ENFORCE_FROM,
	P_CONTAIN,
	P_NKEYS,
};

static const char *const policy_keys[P_NKEYS] = {
	[P_EMBARGO] = "embargo",	 [P_ID] = "id",
	[P_TITLE] = "title",		 [P_REFERENCE] = "reference",
	[P_SCHEME] = "scheme",		 [P_ENFORCE] = "enforce",
	[P_AUDIT] = "audit",		 [P_VENDORS] = "vendors",
	[P_ENFORCE_FROM] = "enforce_from", [P_CONTAIN] = "contain",
};

#define POLICY_REQUIRED (BIT(P_EMBARGO) | BIT(P_ID) | BIT(P_SCHEME) | BIT(P_ENFORCE) | BIT(P_VENDORS))
#define POLICY_LATER (BIT(P_ENFORCE_FROM) | BIT(P_CONTAIN))

enum { V_NAME, V_SHA256, V_CONNECT, V_PATHS, V_NKEYS };

static const char *const vendor_keys[V_NKEYS] = {
	[V_NAME] = "name",
	[V_SHA256] = "sha256",
	[V_CONNECT] = "connect",
	[V_PATHS] = "paths",
};

enum { C_CIDR, C_PORTS, C_PROTO, C_HOST, C_NKEYS };

static const char *const connect_keys[C_NKEYS] = {
	[C_CIDR] = "cidr",
	[C_PORTS] = "ports",
	[C_PROTO] = "proto",
	[C_HOST] = "host",
};

static char *dup_or_oom(struct emb_ydoc *y, const yaml_node_t *n, const char *s)
{
	char *d = strdup(s);

	if (!d)
		emb_ydoc_err(y, n, "out of memory");
	return d;
}

static void *calloc_or_oom(struct emb_ydoc *y, const yaml_node_t *n, size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);

	if (!p)
		emb_ydoc_err(y, n, "out of memory");
	return p;
}

/* A non-empty string value, copied; NULL on error (recorded). */
static char *dup_string(struct emb_ydoc *y, yaml_node_t *n, const char *key)
{
	const char *s = emb_ydoc_str(y, n, key);

	if (!s)
		return NULL;
	if (!*s) {
		emb_ydoc_err(y, n, "'%s' must not be empty", key);
		return NULL;
	}
	return dup_or_oom(y, n, s);
}

static yaml_node_t *seq_item(struct emb_ydoc *y, yaml_node_t *seq, int i)
{
	return emb_ydoc_node(y, seq->data.sequence.items.start[i]);
}

static void parse_version(struct emb_ydoc *y, yaml_node_t *n)
{
	const char *s = emb_ydoc_str(y, n, "embargo");

	if (!s)
		return;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		emb_ydoc_err(y, n, "'embargo' must be an integer");
	else if (strcmp(s, "1"))
		emb_ydoc_err(y, n, "unsupported schema version '%s' (expected 1)", emb_ydoc_q(y, s));
}

static int id_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > EMB_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static char *parse_id(struct emb_ydoc *y, yaml_node_t *n)
{
	const char *s = emb_ydoc_str(y, n, "id");

	if (!s)
		return NULL;
	if (!id_valid(s)) {
		emb_ydoc_err(y, n, "invalid id '%s': use 1 to 64 characters of [a-z0-9._-]",
			     emb_ydoc_q(y, s));
		return NULL;
	}
	return dup_or_oom(y, n, s);
}

static const struct emb_scheme *parse_scheme(struct emb_ydoc *y, yaml_node_t *n)
{
	const char *s = emb_ydoc_str(y, n, "scheme");
	const struct emb_scheme *sc;

	if (!s)
		return NULL;
	sc = emb_scheme_find(s);
	if (!sc)
		emb_ydoc_err(y, n, "unknown scheme '%s'", emb_ydoc_q(y, s));
	return sc;
}

/* Level index, or -1 (an error is recorded unless the scheme is unknown). */
static int parse_level(struct emb_ydoc *y, yaml_node_t *n, const char *key, const struct emb_scheme *sc)
{
	const char *s = emb_ydoc_str(y, n, key);
	int idx;

	if (!s || !sc)
		return -1;
	idx = emb_level_find(sc, s);
	if (idx < 0)
		emb_ydoc_err(y, n, "unknown level '%s' for scheme %s", emb_ydoc_q(y, s), sc->name);
	return idx;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_hex256(const char *s, uint8_t out[EMB_SHA256_LEN])
{
	if (strlen(s) != EMB_SHA256_LEN * 2)
		return -1;
	for (int i = 0; i < EMB_SHA256_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void parse_sha256s(struct emb_ydoc *y, yaml_node_t *seq, struct emb_vendor *v)
{
	int count = emb_ydoc_seq(y, seq, "sha256", 0);

	if (count <= 0)
		return;
	v->sha256 = calloc_or_oom(y, seq, (size_t)count, sizeof(*v->sha256));
	if (!v->sha256)
		return;
	for (int i = 0; i < count; i++) {
		yaml_node_t *item = seq_item(y, seq, i);
		const char *s;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'sha256' entries must be scalars");
			continue;
		}
		s = emb_ydoc_str(y, item, "sha256");
		if (s && parse_hex256(s, v->sha256[v->n_sha256]))
			emb_ydoc_err(y, item, "invalid sha256 '%s': expected 64 hex digits",
				     emb_ydoc_q(y, s));
		else if (s)
			v->n_sha256++;
	}
}

static void parse_ports(struct emb_ydoc *y, yaml_node_t *seq, struct emb_connect_rule *r)
{
	int count = emb_ydoc_seq(y, seq, "ports", 1);

	if (count <= 0)
		return;
	r->ports = calloc_or_oom(y, seq, (size_t)count, sizeof(*r->ports));
	if (!r->ports)
		return;
	for (int i = 0; i < count; i++) {
		yaml_node_t *item = seq_item(y, seq, i);
		const char *s, *why = NULL;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'ports' entries must be scalars");
			continue;
		}
		s = emb_ydoc_str(y, item, "ports");
		if (s && emb_port_range_parse(s, &r->ports[r->n_ports], &why))
			emb_ydoc_err(y, item, "port '%s': %s", emb_ydoc_q(y, s), why);
		else if (s)
			r->n_ports++;
	}
}

static unsigned parse_proto(struct emb_ydoc *y, yaml_node_t *n)
{
	const char *s = emb_ydoc_str(y, n, "proto");

	if (!s)
		return 0;
	if (!strcmp(s, "tcp"))
		return EMB_PROTO_TCP;
	if (!strcmp(s, "udp"))
		return EMB_PROTO_UDP;
	if (!strcmp(s, "any"))
		return EMB_PROTO_ANY;
	emb_ydoc_err(y, n, "unknown proto '%s' (expected tcp, udp or any)", emb_ydoc_q(y, s));
	return 0;
}

static void parse_cidr(struct emb_ydoc *y, yaml_node_t *n, struct emb_cidr *c)
{
	const char *s = emb_ydoc_str(y, n, "cidr"), *why = NULL;

	if (s && emb_cidr_parse(s, c, &why))
		emb_ydoc_err(y, n, "cidr '%s': %s", emb_ydoc_q(y, s), why);
}

static void parse_rule(struct emb_ydoc *y, yaml_node_t *map, struct emb_connect_rule *r)
{
	yaml_node_t *vals[C_NKEYS];

	r->line = (int)map->start_mark.line + 1;
	r->proto_mask = EMB_PROTO_ANY;
	emb_ydoc_map(y, map, connect_keys, C_NKEYS, BIT(C_CIDR), BIT(C_HOST), vals);
	if (vals[C_CIDR])
		parse_cidr(y, vals[C_CIDR], &r->cidr);
	if (vals[C_PORTS])
		parse_ports(y, vals[C_PORTS], r);
	if (vals[C_PROTO])
		r->proto_mask = parse_proto(y, vals[C_PROTO]);
}

static void parse_connect(struct emb_ydoc *y, yaml_node_t *seq, struct emb_vendor *v)
{
	int count = emb_ydoc_seq(y, seq, "connect", 0);

	if (count <= 0)
		return;
	v->connect = calloc_or_oom(y, seq, (size_t)count, sizeof(*v->connect));
	if (!v->connect)
		return;
	for (int i = 0; i < count; i++) {
		yaml_node_t *item = seq_item(y, seq, i);

		if (item->type != YAML_MAPPING_NODE) {
			emb_ydoc_err(y, item, "'connect' entries must be mappings");
			continue;
		}
		parse_rule(y, item, &v->connect[v->n_connect++]);
	}
}

/* Items of a list value, 0 when absent, -1 when not a list (already reported). */
static int count_items(yaml_node_t *n)
{
	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return -1;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static void parse_vendor(struct emb_ydoc *y, yaml_node_t *map, struct emb_vendor *v)
{
	yaml_node_t *vals[V_NKEYS];
	int n_sha, n_conn;

	emb_ydoc_map(y, map, vendor_keys, V_NKEYS, BIT(V_NAME), BIT(V_PATHS), vals);
	if (vals[V_NAME])
		v->name = dup_string(y, vals[V_NAME], "name");
	if (vals[V_SHA256])
		parse_sha256s(y, vals[V_SHA256], v);
	if (vals[V_CONNECT])
		parse_connect(y, vals[V_CONNECT], v);
	/* With 'paths' the error is that it is not supported yet, said already. */
	n_sha = count_items(vals[V_SHA256]);
	n_conn = count_items(vals[V_CONNECT]);
	if (vals[V_PATHS] || n_sha < 0 || n_conn < 0 || n_sha + n_conn > 0)
		return;
	if (v->name)
		emb_ydoc_err(y, map, "vendor '%s' bans nothing: give sha256 or connect",
			     emb_ydoc_q(y, v->name));
	else
		emb_ydoc_err(y, map, "vendor bans nothing: give sha256 or connect");
}

static void parse_vendors(struct emb_ydoc *y, yaml_node_t *seq, struct emb_policy *p)
{
	int count = emb_ydoc_seq(y, seq, "vendors", 1);

	if (count <= 0)
		return;
	p->vendors = calloc_or_oom(y, seq, (size_t)count, sizeof(*p->vendors));
	if (!p->vendors)
		return;
	for (int i = 0; i < count; i++) {
		yaml_node_t *item = seq_item(y, seq, i);

		if (item->type != YAML_MAPPING_NODE) {
			emb_ydoc_err(y, item, "'vendors' entries must be mappings");
			continue;
		}
		parse_vendor(y, item, &p->vendors[p->n_vendors++]);
	}
}

static void parse_levels(struct emb_ydoc *y, yaml_node_t **vals, const struct emb_scheme *sc,
			 struct emb_policy *p)
{
	p->enforce = -1;
	p->audit = -1;
	if (vals[P_ENFORCE])
		p->enforce = parse_level(y, vals[P_ENFORCE], "enforce", sc);
	if (vals[P_AUDIT])
		p->audit = parse_level(y, vals[P_AUDIT], "audit", sc);
	if (p->enforce >= 0 && p->audit >= p->enforce)
		emb_ydoc_err(y, vals[P_AUDIT], "audit level '%s' must be below enforce level '%s'",
			     emb_level_name(sc, p->audit), emb_level_name(sc, p->enforce));
}

static void parse_policy(struct emb_ydoc *y, yaml_node_t *root, struct emb_policy *p)
{
	yaml_node_t *vals[P_NKEYS];
	const struct emb_scheme *sc = NULL;

	if (root->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, root, "policy must be a mapping");
		return;
	}
	emb_ydoc_map(y, root, policy_keys, P_NKEYS, POLICY_REQUIRED, POLICY_LATER, vals);
	if (vals[P_EMBARGO])
		parse_version(y, vals[P_EMBARGO]);
	if (vals[P_ID])
		p->id = parse_id(y, vals[P_ID]);
	if (vals[P_TITLE])
		p->title = dup_string(y, vals[P_TITLE], "title");
	if (vals[P_REFERENCE])
		p->reference = dup_string(y, vals[P_REFERENCE], "reference");
	if (vals[P_SCHEME])
		sc = parse_scheme(y, vals[P_SCHEME]);
	if (sc)
		p->scheme = dup_or_oom(y, vals[P_SCHEME], sc->name);
	parse_levels(y, vals, sc, p);
	if (vals[P_VENDORS])
		parse_vendors(y, vals[P_VENDORS], p);
}

int emb_policy_parse_buf(const char *name, const char *buf, size_t len, struct emb_policy *out,
			 struct emb_diag *diag)
{
	struct emb_policy p = { .enforce = -1, .audit = -1 };
	struct emb_ydoc *y;
	yaml_node_t *root;

	memset(out, 0, sizeof(*out));
	if (len > EMB_YAML_MAX_BYTES) {
		emb_diag_add(diag, "%s: policy larger than 16 MiB", name);
		return -1;
	}
	y = emb_ydoc_load(name, buf, len, diag);
	if (!y)
		return -1;
	root = emb_ydoc_root(y);
	if (root)
		parse_policy(y, root, &p);
	else if (!emb_ydoc_nerr(y))
		emb_ydoc_err_at(y, 1, 1, "empty policy");
	p.file = dup_or_oom(y, root, name);
	if (emb_ydoc_finish(y, diag)) {
		emb_policy_free(&p);
		return -1;
	}
	*out = p;
	return 0;
}

int emb_policy_parse_file(const char *path, struct emb_policy *out, struct emb_diag *diag)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (emb_ydoc_read_file(path, "policy", 0, &buf, &len, diag))
		return -1;
	rc = emb_policy_parse_buf(path, buf, len, out, diag);
	free(buf);
	return rc;
}

static void vendor_free(struct emb_vendor *v)
{
	for (size_t i = 0; i < v->n_connect; i++)
		free(v->connect[i].ports);
	free(v->connect);
	free(v->sha256);
	free(v->name);
}

void emb_policy_free(struct emb_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_vendors; i++)
		vendor_free(&p->vendors[i]);
	free(p->vendors);
	free(p->file);
	free(p->id);
	free(p->title);
	free(p->reference);
	free(p->scheme);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------------ */
/* Policy sets                                                                */
/* ------------------------------------------------------------------------ */

static int is_policy_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".yaml");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int push_name(char ***names, size_t *n, const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
	char **grown, *path;

	if (asprintf(&path, "%s%s%s", dir, sep, name) < 0)
		return -1;
	grown = realloc(*names, (*n + 1) * sizeof(**names));
	if (!grown) {
		free(path);
		return -1;
	}
	*names = grown;
	(*names)[(*n)++] = path;
	return 0;
}

/* Paths of dir's *.yaml files, sorted by name. */
static int list_policy_dir(const char *dir, char ***names, size_t *n, struct emb_diag *diag)
{
	struct dirent *de;
	DIR *d;
	int rc = -1;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		emb_diag_add(diag, "%s: cannot open policy directory: %s", dir, strerror(errno));
		return -1;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (is_policy_name(de->d_name) && push_name(names, n, dir, de->d_name)) {
			emb_diag_add(diag, "%s: out of memory", dir);
			goto out;
		}
	}
	if (errno) {
		emb_diag_add(diag, "%s: cannot read policy directory: %s", dir, strerror(errno));
		goto out;
	}
	qsort(*names, *n, sizeof(**names), name_cmp);
	rc = 0;
out:
	closedir(d);
	if (rc) {
		free_names(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

static int check_unique_id(const struct emb_policy_set *set, const struct emb_policy *p,
			   struct emb_diag *diag)
{
	for (size_t i = 0; i < set->n; i++) {
		if (!strcmp(set->policies[i].id, p->id)) {
			emb_diag_add(diag, "%s: duplicate policy id '%s' (also in %s)", p->file, p->id,
				     set->policies[i].file);
			return -1;
		}
	}
	return 0;
}

static int set_add_file(struct emb_policy_set *set, const char *path, struct emb_diag *diag)
{
	struct emb_policy *p = &set->policies[set->n];
	int rc;

	if (emb_policy_parse_file(path, p, diag))
		return -1;
	rc = check_unique_id(set, p, diag);
	set->n++;
	return rc;
}

int emb_policy_set_load(struct emb_policy_set *set, const char *const *files, size_t n_files,
			const char *dir, struct emb_diag *diag)
{
	char **names = NULL;
	size_t n_names = 0;
	int failed = 0;

	memset(set, 0, sizeof(*set));
	if (dir && list_policy_dir(dir, &names, &n_names, diag))
		failed = 1;
	set->policies = calloc(n_files + n_names + 1, sizeof(*set->policies));
	if (!set->policies) {
		emb_diag_add(diag, "out of memory loading policies");
		free_names(names, n_names);
		return -1;
	}
	for (size_t i = 0; i < n_files; i++)
		failed |= !!set_add_file(set, files[i], diag);
	for (size_t i = 0; i < n_names; i++)
		failed |= !!set_add_file(set, names[i], diag);
	free_names(names, n_names);
	if (failed) {
		emb_policy_set_free(set);
		return -1;
	}
	return 0;
}

void emb_policy_set_free(struct emb_policy_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		emb_policy_free(&set->policies[i]);
	free(set->policies);
	memset(set, 0, sizeof(*set));
}

/* ------------------------------------------------------------------------ */
/* Modes                                                                      */
/* ------------------------------------------------------------------------ */

int emb_policy_mode(const struct emb_policy *p, const struct emb_host *h, enum emb_mode *mode,
		    struct emb_diag *diag)
{
	*mode = EMB_MODE_OFF;
	/* Unmarked: below every level, so neither enforced nor audited. */
	if (!h->scheme || h->level == EMB_LEVEL_UNMARKED)
		return 0;
	if (strcmp(p->scheme, h->scheme)) {
		emb_diag_add(diag, "%s: scheme '%s' does not match the host's scheme '%s'", p->file,
			     p->scheme, h->scheme);
		return -1;
	}
	if (h->level >= p->enforce)
		*mode = EMB_MODE_ENFORCE;
	else if (p->audit >= 0 && h->level >= p->audit)
		*mode = EMB_MODE_AUDIT;
	return 0;
}

const char *emb_mode_name(enum emb_mode m)
{
	switch (m) {
	case EMB_MODE_OFF:
		return "off";
	case EMB_MODE_AUDIT:
		return "audit";
	case EMB_MODE_ENFORCE:
		return "enforce";
	}
	return "?";
}
