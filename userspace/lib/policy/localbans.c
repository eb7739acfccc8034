// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "localbans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashindex.h"

int emb_sha256_hex_norm(const char *s, char out[65], const char **why)
{
	size_t len = strlen(s);

	if (len != 64) {
		*why = "expected 64 hex digits";
		return -1;
	}
	for (size_t i = 0; i < 64; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			*why = "expected 64 hex digits";
			return -1;
		}
		out[i] = c;
	}
	out[64] = '\0';
	return 0;
}

int emb_vendor_name_check(const char *s, const char **why)
{
	size_t len = strlen(s);

	if (len == 0 || len > EMB_VENDOR_NAME_MAX) {
		*why = "a vendor name is 1 to 200 bytes";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "control characters are not allowed in a vendor name";
			return -1;
		}
	}
	return 0;
}

static struct emb_localban_vendor *find_vendor(struct emb_localbans *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

static struct emb_localban_vendor *add_vendor(struct emb_localbans *b, const char *name)
{
	struct emb_localban_vendor *grown = realloc(b->v, (b->n + 1) * sizeof(*b->v));

	if (!grown)
		return NULL;
	b->v = grown;
	memset(&grown[b->n], 0, sizeof(grown[b->n]));
	grown[b->n].name = strdup(name);
	if (!grown[b->n].name)
		return NULL;
	return &grown[b->n++];
}

static int vendor_has(const struct emb_localban_vendor *v, const char *hex)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->sha[i], hex))
			return 1;
	return 0;
}

static int vendor_push(struct emb_localban_vendor *v, const char *hex)
{
	char (*grown)[65] = realloc(v->sha, (v->n + 1) * sizeof(*v->sha));

	if (!grown)
		return -1;
	v->sha = grown;
	memcpy(v->sha[v->n++], hex, 65);
	return 0;
}

int emb_localbans_add(struct emb_localbans *b, const char *vendor, const char *hex)
{
	struct emb_localban_vendor *v = find_vendor(b, vendor);

	if (!v)
		v = add_vendor(b, vendor);
	if (!v)
		return -1;
	if (vendor_has(v, hex))
		return 0;
	return vendor_push(v, hex) ? -1 : 1;
}

int emb_localbans_from_policy(struct emb_localbans *b, const struct emb_policy *p)
{
	char hex[65];

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < p->n_vendors; i++) {
		const struct emb_vendor *pv = &p->vendors[i];

		for (size_t k = 0; k < pv->n_sha256; k++) {
			emb_sha256_hex(pv->sha256[k], hex);
			if (emb_localbans_add(b, pv->name, hex) < 0)
				return -1;
		}
	}
	return 0;
}

size_t emb_localbans_remove(struct emb_localbans *b, const char *hex)
{
	size_t removed = 0, out = 0;

	for (size_t i = 0; i < b->n; i++) {
		struct emb_localban_vendor *v = &b->v[i];
		size_t keep = 0;

		for (size_t k = 0; k < v->n; k++) {
			if (!strcmp(v->sha[k], hex))
				removed++;
			else
				memcpy(v->sha[keep++], v->sha[k], 65);
		}
		v->n = keep;
		if (keep == 0) {
			free(v->name);
			free(v->sha);
			continue;
		}
		b->v[out++] = *v;
	}
	b->n = out;
	return removed;
}

size_t emb_localbans_count(const struct emb_localbans *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->v[i].n;
	return n;
}

/* A YAML double-quoted scalar (names are checked: no control characters). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *emb_localbans_text(const struct emb_localbans *b, const char *scheme, const char *level)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return NULL;
	fputs("# Local bans, kept by `embargo ban` and `embargo unban`: edits by hand are\n"
	      "# kept as long as the file stays valid. Enforced at the host's own level.\n", f);
	fprintf(f, "embargo: 1\nid: %s\ntitle: Local bans (embargo ban)\nscheme: ", EMB_LOCALBANS_ID);
	put_quoted(f, scheme);
	fputs("\nenforce: ", f);
	put_quoted(f, level);
	fputs("\nvendors:\n", f);
	for (size_t i = 0; i < b->n; i++) {
		fputs("  - name: ", f);
		put_quoted(f, b->v[i].name);
		fputs("\n    sha256:\n", f);
		for (size_t k = 0; k < b->v[i].n; k++)
			fprintf(f, "      - %s\n", b->v[i].sha[k]);
	}
	err = ferror(f);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}

void emb_localbans_free(struct emb_localbans *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].name);
		free(b->v[i].sha);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
