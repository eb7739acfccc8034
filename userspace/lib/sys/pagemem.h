/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * pagemem.h - memory for the agent's big tables: zeroed pages in a mapping
 * of their own (tables that grow by doubling while a scan runs), and
 * transparent huge pages asked for (tables filled at a policy load).
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * A big table about to be filled asks for transparent huge pages over its
 * 2 MiB-aligned part, so that filling it takes a fault every 2 MiB instead
 * of every 4 KiB. A fresh 4 KiB page costs ~18 us on a PVM guest; a policy
 * reload of 1M digests filled ~40k of them. Advice only: without THP (or
 * with THP "never") nothing changes.
 */
#define EMB_HUGE_PAGE (2u << 20)

/* The hint alone, for the first n bytes at p (those about to be filled). */
static inline void emb_huge_hint(void *p, size_t n)
{
	uintptr_t from = ((uintptr_t)p + EMB_HUGE_PAGE - 1) & ~(uintptr_t)(EMB_HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + n) & ~(uintptr_t)(EMB_HUGE_PAGE - 1);

	if (p && to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE);
}

/* malloc, with the hint for all n bytes. */
static inline void *emb_big_malloc(size_t n)
{
	void *p = malloc(n);

	emb_huge_hint(p, n);
	return p;
}

/* emb_big_malloc for count zeroed elements of size bytes; NULL on overflow. */
static inline void *emb_big_calloc(size_t count, size_t size)
{
	void *p = size && count > SIZE_MAX / size ? NULL : emb_big_malloc(count * size);

	if (p)
		memset(p, 0, count * size);
	return p;
}

#endif
