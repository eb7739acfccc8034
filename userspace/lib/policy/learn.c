// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "learn.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashindex.h"
#include "levels.h"

int emb_learn_init(struct emb_learn *l, const struct emb_policy_set *set, const char *vendor,
		   char *why, size_t why_len)
{
	memset(l, 0, sizeof(*l));
	l->vendor = vendor;
	for (size_t i = 0; i < set->n && !l->policy; i++)
		for (size_t k = 0; k < set->policies[i].n_vendors; k++)
			if (!strcmp(set->policies[i].vendors[k].name, vendor))
				l->policy = &set->policies[i];
	if (!l->policy) {
		snprintf(why, why_len, "no policy names vendor '%s'", vendor);
		return -1;
	}
	return 0;
}

int emb_learn_add(struct emb_learn *l, const struct emb_sweep_finding *f)
{
	if (strcmp(f->vendor, l->vendor))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *grown = realloc(l->digests, cap * sizeof(*l->digests));

		if (!grown)
			return -ENOMEM;
		l->digests = grown;
		l->cap = cap;
	}
	memcpy(l->digests[l->n++], f->sha256, EMB_SHA256_LEN);
	return 0;
}

static int cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, EMB_SHA256_LEN);
}

/* Sort and drop repeats (hard links, copies): the digests, once each. */
size_t emb_learn_count(struct emb_learn *l)
{
	size_t out = 0;

	if (!l->n)
		return 0;
	qsort(l->digests, l->n, sizeof(*l->digests), cmp_digest);
	for (size_t i = 1; i < l->n; i++)
		if (memcmp(l->digests[out], l->digests[i], EMB_SHA256_LEN))
			memcpy(l->digests[++out], l->digests[i], EMB_SHA256_LEN);
	l->n = out + 1;
	return l->n;
}

/* "Kaspersky Lab" -> "kaspersky-lab": the id rules are [a-z0-9._-]. */
static void slug(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80)
			out[n++] = (char)tolower(c);
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (!n)
		snprintf(out, len, "vendor");
}

/* A YAML double-quoted scalar. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_header(FILE *f, const struct emb_learn *l, const struct emb_scheme *sc,
		       time_t when)
{
	const struct emb_policy *p = l->policy;
	char id[65], stamp[32], from[32];
	struct tm tm;

	slug(l->vendor, id, sizeof(id) - 8);
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "# Learnt by `embargo scan --learn` at %s from policy %s: the sha256\n"
		   "# of the vendor's files found on this host. Check it, sign it if your\n"
		   "# hosts require signed policies, and install it in the policy dir.\n",
		stamp, p->id);
	fprintf(f, "embargo: 1\nid: learned-%s\ntitle: ", id);
	put_quoted(f, l->vendor);
	fprintf(f, "\nreference: \"embargo scan --learn, %s, from policy %s\"\n", stamp, p->id);
	fprintf(f, "scheme: %s\nenforce: %s\n", sc->name, emb_level_name(sc, p->enforce));
	if (p->audit >= 0)
		fprintf(f, "audit: %s\n", emb_level_name(sc, p->audit));
	if (p->enforce_from) {
		gmtime_r(&p->enforce_from, &tm);
		strftime(from, sizeof(from), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(f, "enforce_from: %s\n", from);
	}
}

char *emb_learn_policy_text(struct emb_learn *l, const struct emb_host *host, time_t when)
{
	const struct emb_scheme *sc = emb_scheme_find(l->policy->scheme);
	char *buf = NULL, hex[65];
	size_t len = 0;
	size_t n = emb_learn_count(l);
	FILE *f;

	if (!sc && host)
		sc = emb_scheme_lookup(&host->schemes, l->policy->scheme);
	if (!sc)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	put_header(f, l, sc, when);
	fputs("vendors:\n  - name: ", f);
	put_quoted(f, l->vendor);
	fputs("\n    sha256:\n", f);
	for (size_t i = 0; i < n; i++) {
		emb_sha256_hex(l->digests[i], hex);
		fprintf(f, "      - %s\n", hex);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void emb_learn_free(struct emb_learn *l)
{
	free(l->digests);
	memset(l, 0, sizeof(*l));
}
