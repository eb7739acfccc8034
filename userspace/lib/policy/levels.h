/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* levels.h - classification schemes and their ordered levels. */
#ifndef EMBARGO_LEVELS_H
#define EMBARGO_LEVELS_H

#include <stddef.h>

/* Below every level: no policy enforces or audits on an unmarked host. */
#define EMB_LEVEL_UNMARKED (-1)

struct emb_scheme {
	const char *name;           /* canonical: "uk-gsc", "us", "nato" */
	const char *const *levels;  /* canonical names, lowest first */
	int n_levels;
};

/* Custom schemes (host.yaml `schemes:`); they own their strings. */
struct emb_scheme_set {
	struct emb_scheme *v;
	size_t n;
};

/* Built-in scheme by name (case-insensitive), or NULL. */
const struct emb_scheme *emb_scheme_find(const char *name);

/* Built-in or custom scheme by name (case-insensitive), or NULL. custom
 * may be NULL. */
const struct emb_scheme *emb_scheme_lookup(const struct emb_scheme_set *custom, const char *name);

/* Two level names are the same level: case ignored, '_' equal to ' '. */
int emb_level_eq(const char *a, const char *b);

/* Append a custom scheme (copies name and levels, lowest first; checks
 * nothing: host.c validates). Returns 0 or -ENOMEM. */
int emb_scheme_set_add(struct emb_scheme_set *set, const char *name, const char *const *levels,
		       int n_levels);
void emb_scheme_set_free(struct emb_scheme_set *set);

/*
 * Level index of name in scheme s, or -1. Case-insensitive; spaces and '_'
 * are interchangeable ("top_secret" == "TOP SECRET"). Aliases: uk-gsc
 * OFFICIAL-SENSITIVE ranks as OFFICIAL.
 */
int emb_level_find(const struct emb_scheme *s, const char *name);

/* Canonical name of level idx, or "UNMARKED" for EMB_LEVEL_UNMARKED. */
const char *emb_level_name(const struct emb_scheme *s, int idx);

#endif
