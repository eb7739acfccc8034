/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * pagemem.h - zeroed memory in a mapping of its own, for the agent's big
 * tables that grow by doubling while a scan runs.
 *
 * Why not calloc: the agent runs two malloc arenas (agent.c), and a table
 * grown from a hashing thread lands in whichever arena that thread got.
 * glibc never trims the top of a second arena below M_TRIM_THRESHOLD
 * (256 MiB here, so that reloads reuse the heap), and malloc_trim does not
 * either: each outgrown copy stayed resident for the agent's life (6 MiB
 * of seen-set after a 100k-file first scan). munmap gives it back.
 */
#ifndef EMBARGO_PAGEMEM_H
#define EMBARGO_PAGEMEM_H

#include <stddef.h>
#include <sys/mman.h>

/* n zeroed bytes, or NULL. */
static inline void *emb_pages_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* p from emb_pages_alloc(n), or NULL. */
static inline void emb_pages_free(void *p, size_t n)
{
	if (p)
		munmap(p, n);
}

#endif
