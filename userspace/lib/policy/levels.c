// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * levels.c - the built-in classification schemes.
 *
 * Matching is exact (never by prefix): a typo must be an error, not a
 * different level. Case is ignored and '_' stands for a space.
 */
#include "levels.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct level_alias {
	const char *scheme;
	const char *alias;
	const char *level; /* canonical name it ranks as */
};

static const char *const uk_gsc_levels[] = {
	"OFFICIAL",
	"SECRET",
	"TOP SECRET",
};

static const char *const us_levels[] = {
	"UNCLASSIFIED",
	"CONFIDENTIAL",
	"SECRET",
	"TOP SECRET",
};

static const char *const nato_levels[] = {
	"NATO UNCLASSIFIED",
	"NATO RESTRICTED",
	"NATO CONFIDENTIAL",
	"NATO SECRET",
	"COSMIC TOP SECRET",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct emb_scheme schemes[] = {
	{ "uk-gsc", uk_gsc_levels, ARRAY_SIZE(uk_gsc_levels) },
	{ "us", us_levels, ARRAY_SIZE(us_levels) },
	{ "nato", nato_levels, ARRAY_SIZE(nato_levels) },
};

static const struct level_alias aliases[] = {
	{ "uk-gsc", "OFFICIAL-SENSITIVE", "OFFICIAL" },
};

const struct emb_scheme *emb_scheme_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (!strcasecmp(schemes[i].name, name))
			return &schemes[i];
	return NULL;
}

static int fold(unsigned char c)
{
	return c == '_' ? ' ' : toupper(c);
}

/* Whole-string comparison, ignoring case, with '_' equal to ' '. */
int emb_level_eq(const char *canon, const char *name)
{
	size_t i;

	for (i = 0; canon[i] && name[i]; i++)
		if (fold(canon[i]) != fold(name[i]))
			return 0;
	return canon[i] == '\0' && name[i] == '\0';
}

static int level_index(const struct emb_scheme *s, const char *name)
{
	for (int i = 0; i < s->n_levels; i++)
		if (emb_level_eq(s->levels[i], name))
			return i;
	return -1;
}

int emb_level_find(const struct emb_scheme *s, const char *name)
{
	int idx;

	if (!s || !name)
		return -1;
	idx = level_index(s, name);
	if (idx >= 0)
		return idx;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(aliases[i].scheme, s->name) && emb_level_eq(aliases[i].alias, name))
			return level_index(s, aliases[i].level);
	return -1;
}

const char *emb_level_name(const struct emb_scheme *s, int idx)
{
	if (idx == EMB_LEVEL_UNMARKED)
		return "UNMARKED";
	if (!s || idx < 0 || idx >= s->n_levels)
		return "?";
	return s->levels[idx];
}

const struct emb_scheme *emb_scheme_lookup(const struct emb_scheme_set *custom, const char *name)
{
	const struct emb_scheme *s = emb_scheme_find(name);

	if (s || !custom || !name)
		return s;
	for (size_t i = 0; i < custom->n; i++)
		if (!strcasecmp(custom->v[i].name, name))
			return &custom->v[i];
	return NULL;
}

/* Custom schemes own their strings: the const of the shared type is cast
 * away only here, where they are made and freed. */
static void scheme_free(struct emb_scheme *s)
{
	for (int i = 0; i < s->n_levels; i++)
		free((char *)s->levels[i]);
	free((char **)s->levels);
	free((char *)s->name);
}

static int scheme_copy(struct emb_scheme *s, const char *name, const char *const *levels, int n)
{
	char **v = calloc(n > 0 ? (size_t)n : 1, sizeof(*v));

	s->name = strdup(name);
	s->levels = (const char *const *)v;
	s->n_levels = 0;
	if (!s->name || !v)
		goto oom;
	for (int i = 0; i < n; i++) {
		v[i] = strdup(levels[i]);
		if (!v[i])
			goto oom;
		s->n_levels++;
	}
	return 0;
oom:
	scheme_free(s);
	return -ENOMEM;
}

int emb_scheme_set_add(struct emb_scheme_set *set, const char *name, const char *const *levels,
		       int n_levels)
{
	struct emb_scheme *grown = realloc(set->v, (set->n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	set->v = grown;
	if (scheme_copy(&set->v[set->n], name, levels, n_levels))
		return -ENOMEM;
	set->n++;
	return 0;
}

void emb_scheme_set_free(struct emb_scheme_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		scheme_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}
