/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * learn.h - `embargo scan --learn VENDOR --out FILE`: hash-on-discovery.
 * Vendors ship new builds every release, so their digests are learnt where
 * the software is found (files under the vendor's `paths` globs, or already
 * banned) and written as a policy that bans them by content.
 */
#ifndef EMBARGO_LEARN_H
#define EMBARGO_LEARN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "policy.h"
#include "sweep.h"

struct emb_learn {
	const char *vendor;
	const struct emb_policy *policy; /* the first policy naming the vendor */
	uint8_t (*digests)[EMB_SHA256_LEN];
	size_t n, cap;
};

/* -1 with the reason in why when no policy of set names vendor. */
int emb_learn_init(struct emb_learn *l, const struct emb_policy_set *set, const char *vendor,
		   char *why, size_t why_len);
/* Keep f's digest when f is about the vendor. 0, or -ENOMEM. */
int emb_learn_add(struct emb_learn *l, const struct emb_sweep_finding *f);
/* How many distinct digests were learnt. */
size_t emb_learn_count(struct emb_learn *l);
/*
 * The policy text (malloc'd): id "learned-<vendor>", the scheme, levels and
 * enforce_from of the vendor's policy (levels named in host's custom
 * schemes when not built in), the learnt digests sorted. NULL when out of
 * memory or when the vendor's scheme is unknown.
 */
char *emb_learn_policy_text(struct emb_learn *l, const struct emb_host *host, time_t when);
void emb_learn_free(struct emb_learn *l);

#endif
