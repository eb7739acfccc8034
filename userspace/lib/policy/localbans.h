/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * localbans.h - the local ban list `embargo ban` / `unban` keep as a policy
 * file (<policy-dir>/00-local-bans.yaml, id local-bans): vendors with
 * sha256 lists, enforced at the host's own level in the host's scheme.
 */
#ifndef EMBARGO_LOCALBANS_H
#define EMBARGO_LOCALBANS_H

#include <stddef.h>

#include "policy.h"

#define EMB_LOCALBANS_ID "local-bans"
#define EMB_LOCALBANS_FILE "00-local-bans.yaml"
#define EMB_LOCALBANS_VENDOR "local ban"
#define EMB_VENDOR_NAME_MAX 200

struct emb_localban_vendor {
	char *name;
	char (*sha)[65]; /* lowercase hex */
	size_t n;
};

struct emb_localbans {
	struct emb_localban_vendor *v;
	size_t n;
};

/* 64 hex digits (either case) into lowercase hex. Returns 0, or -1 with a
 * static reason in *why. */
int emb_sha256_hex_norm(const char *s, char out[65], const char **why);

/* A vendor name we can write and read back: 1..200 bytes, no control
 * characters. Returns 0, or -1 with a static reason. */
int emb_vendor_name_check(const char *s, const char **why);

/* The ban list of an existing local-bans policy. 0, or -1 out of memory. */
int emb_localbans_from_policy(struct emb_localbans *b, const struct emb_policy *p);

/* Add hex under vendor: 1 added, 0 already listed under that vendor, -1
 * out of memory. */
int emb_localbans_add(struct emb_localbans *b, const char *vendor, const char *hex);

/* Remove hex from every vendor (vendors left empty go): the number of
 * entries removed (0: it was not banned here). */
size_t emb_localbans_remove(struct emb_localbans *b, const char *hex);

/* Number of sha256 entries. */
size_t emb_localbans_count(const struct emb_localbans *b);

/* The policy file for b, scheme/level being the host's own (canonical
 * names). malloc'd text, or NULL out of memory. */
char *emb_localbans_text(const struct emb_localbans *b, const char *scheme, const char *level);

void emb_localbans_free(struct emb_localbans *b);

#endif
