// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* record.c - typed event fields in key order, and a JSON line read back. */
#include "record.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rv_free(struct emb_rv *v)
{
	for (size_t i = 0; i < v->n; i++)
		rv_free(&v->items[i]);
	free(v->items);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

void emb_record_add(struct emb_record *r, const char *key, struct emb_rv v)
{
	struct emb_rfield *grown;
	char *k;

	if (r->failed)
		goto fail;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		grown = realloc(r->f, cap * sizeof(*grown));
		if (!grown)
			goto fail;
		r->f = grown;
		r->cap = cap;
	}
	k = strdup(key);
	if (!k)
		goto fail;
	r->f[r->n].key = k;
	r->f[r->n++].v = v;
	return;
fail:
	r->failed = 1;
	rv_free(&v);
}

void emb_record_free(struct emb_record *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].key);
		rv_free(&r->f[i].v);
	}
	free(r->f);
	memset(r, 0, sizeof(*r));
}

const struct emb_rv *emb_record_get(const struct emb_record *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i].v;
	return NULL;
}

const char *emb_record_str(const struct emb_record *r, const char *key)
{
	const struct emb_rv *v = emb_record_get(r, key);

	return v && v->type == EMB_RV_STR ? v->s : NULL;
}

/* jansson value -> record value; -1 out of memory. */
static int rv_of(json_t *j, struct emb_rv *v)
{
	size_t i;
	json_t *e;

	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_STRING:
		v->type = EMB_RV_STR;
		v->len = json_string_length(j);
		v->s = malloc(v->len + 1);
		if (!v->s)
			return -1;
		memcpy(v->s, json_string_value(j), v->len + 1);
		return 0;
	case JSON_INTEGER:
		v->type = EMB_RV_INT;
		v->i = json_integer_value(j);
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		v->type = EMB_RV_BOOL;
		v->b = json_is_true(j);
		return 0;
	case JSON_ARRAY:
		v->type = EMB_RV_ARRAY;
		v->items = calloc(json_array_size(j) ? json_array_size(j) : 1, sizeof(*v->items));
		if (!v->items)
			return -1;
		json_array_foreach(j, i, e) {
			if (rv_of(e, &v->items[v->n++]))
				return -1;
		}
		return 0;
	default:
		v->type = EMB_RV_RAW;
		v->s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		v->len = v->s ? strlen(v->s) : 0;
		return v->s ? 0 : -1;
	}
}

int emb_record_from_json(struct emb_record *r, const char *line, size_t len)
{
	json_error_t err;
	json_t *ev = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err), *j;
	const char *key;
	struct emb_rv v;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(ev)) {
		json_decref(ev);
		return -1;
	}
	json_object_foreach(ev, key, j) {
		if (rv_of(j, &v)) {
			rv_free(&v);
			r->failed = 1;
			break;
		}
		emb_record_add(r, key, v);
	}
	json_decref(ev);
	if (r->failed) {
		emb_record_free(r);
		return -1;
	}
	return 0;
}

char *emb_rv_json(const struct emb_rv *v)
{
	char *s = NULL;

	switch (v->type) {
	case EMB_RV_INT:
		if ((v->is_unsigned ? asprintf(&s, "%" PRIu64, v->u) : asprintf(&s, "%" PRId64, v->i)) < 0)
			return NULL;
		return s;
	case EMB_RV_BOOL:
		return strdup(v->b ? "true" : "false");
	case EMB_RV_RAW:
		return strdup(v->s);
	default:
		return NULL;
	}
}

char *emb_rv_text(const struct emb_rv *v)
{
	char *out = NULL, *t;
	size_t len = 0;
	FILE *f;

	switch (v->type) {
	case EMB_RV_STR:
		return strdup(v->s);
	case EMB_RV_ARRAY:
		f = open_memstream(&out, &len);
		if (!f)
			return NULL;
		for (size_t i = 0; i < v->n; i++) {
			t = emb_rv_text(&v->items[i]);
			fprintf(f, "%s%s", i ? "," : "", t ? t : "");
			free(t);
		}
		if (fclose(f)) {
			free(out);
			return NULL;
		}
		return out;
	default:
		return emb_rv_json(v);
	}
}
