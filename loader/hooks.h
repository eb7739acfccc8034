/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * hooks.h - the hook table (loader-internal): every program of
 * embargo.bpf.c the loader attaches, with its link pin, the backends that
 * attach it and how. The loader has no other list of hooks: autoload,
 * attach, pin, adoption checks and takeover all walk emb_hooks[].
 *
 * Adding a hook is one row in hooks.c plus the BPF program. A row with a
 * pin name no earlier build had (a new link) needs an EMBARGO_ABI_VERSION
 * bump: an older build checks only the links it knows, so it would adopt
 * such a pin set, or replace it and leave the unknown link attached.
 */
#ifndef EMBARGO_HOOKS_H
#define EMBARGO_HOOKS_H

#include <stddef.h>

#include "embargo_abi.h"

/* How a row's program is attached. */
enum emb_attach_kind {
	EMB_ATTACH_AUTO,   /* bpf_program__attach: the kind follows SEC() (tp_btf, lsm, fmod_ret) */
	EMB_ATTACH_CGROUP, /* bpf_program__attach_cgroup on the --cgroup directory */
};

#define EMB_ON(b) (1u << (b))
#define EMB_ON_ALL ((1u << EMB_BACKEND_COUNT) - 1)

struct emb_hook {
	const char *prog;        /* the program's function name in embargo.bpf.c */
	const char *pin;         /* its link's pin name; rows of different backends may share one */
	unsigned int backends;   /* EMB_ON(b) for every backend that attaches it */
	enum emb_attach_kind attach;
};

/* Room for the table (the loader keeps one link slot per row). */
#define EMB_HOOKS_MAX 32

extern const struct emb_hook emb_hooks[];
extern const size_t emb_hooks_n;

/* Does backend b attach row h? */
static inline int emb_hook_on(const struct emb_hook *h, enum emb_backend b)
{
	return (unsigned)b < EMB_BACKEND_COUNT && (h->backends & EMB_ON(b));
}

/* Every distinct pin name of the table, whatever the backend (a takeover
 * holds them all: the old set may be another backend's). Returns n. */
size_t emb_hook_pins(const char **names, size_t cap);

#endif
