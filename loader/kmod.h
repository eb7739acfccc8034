/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * kmod.h - the agent's side of embargo.ko (kmod/): is it loaded, hand it
 * the maps, release it. The ioctls and structs are in embargo_abi.h.
 */
#ifndef EMBARGO_KMOD_H
#define EMBARGO_KMOD_H

#include <stddef.h>

#include "embargo_abi.h"

/* 0 when EMB_KMOD_DEV answers with this ABI; else -errno and why[]. */
int emb_kmod_probe(struct emb_kmod_status *st, char *why, size_t why_len);
/* Hand the maps over (replaces a set handed over before). Printed on error. */
int emb_kmod_attach(const struct emb_kmod_maps *maps);
/* Drop the maps and the module's reference on itself: 0, or -ENOENT when
 * the module is not loaded or holds nothing. */
int emb_kmod_release(void);

#endif
