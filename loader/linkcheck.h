/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * linkcheck.h - is every program of the pinned backend still attached?
 * For `embargo status`: a link pin someone removed, or a link detached
 * with BPF_LINK_DETACH (bpftool link detach), must not read "enforcing".
 */
#ifndef EMBARGO_LINKCHECK_H
#define EMBARGO_LINKCHECK_H

#include <stddef.h>

#include "embargo_abi.h"

enum emb_link_state {
	EMB_LINK_ATTACHED = 0,
	EMB_LINK_MISSING,  /* no pin (a process may still hold the link: unknown) */
	EMB_LINK_DETACHED, /* pinned, but its attach point is gone (cgroup id 0) */
	EMB_LINK_NOT_LINK, /* something else is pinned under the link's name */
};

const char *emb_link_state_name(enum emb_link_state s);

struct emb_link_check {
	const char *pin; /* the hook table's pin name (static) */
	enum emb_link_state state;
};

/*
 * The link pins backend b needs (hooks.c), each checked in DIR. Returns
 * how many were written to out (at most cap), or -errno when one could not
 * be inspected for a reason other than its absence.
 */
int emb_links_check(const char *dir, enum emb_backend b, struct emb_link_check *out, size_t cap);

#endif
