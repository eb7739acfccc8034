/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* levels.h - classification schemes and their ordered levels. */
#ifndef EMBARGO_LEVELS_H
#define EMBARGO_LEVELS_H

/* Below every level: no policy enforces or audits on an unmarked host. */
#define EMB_LEVEL_UNMARKED (-1)

struct emb_scheme {
	const char *name;           /* canonical: "uk-gsc", "us", "nato" */
	const char *const *levels;  /* canonical names, lowest first */
	int n_levels;
};

/* Built-in scheme by name (case-insensitive), or NULL. */
const struct emb_scheme *emb_scheme_find(const char *name);

/*
 * Level index of name in scheme s, or -1. Case-insensitive; spaces and '_'
 * are interchangeable ("top_secret" == "TOP SECRET"). Aliases: uk-gsc
 * OFFICIAL-SENSITIVE ranks as OFFICIAL.
 */
int emb_level_find(const struct emb_scheme *s, const char *name);

/* Canonical name of level idx, or "UNMARKED" for EMB_LEVEL_UNMARKED. */
const char *emb_level_name(const struct emb_scheme *s, int idx);

#endif
