/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef EMB_GROW_H
#define EMB_GROW_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Make room for `need` elements of `elem` bytes in the array *arrp of
 * capacity *cap, doubling it: n pushes cost O(n) copying in all. (Growing
 * by one element at a time made a 1M-digest policy spend a quarter of its
 * reload in mremap and the TLB shootdowns it causes.) -ENOMEM leaves the
 * array as it was.
 */
static inline int emb_reserve(void *arrp, size_t *cap, size_t need, size_t elem)
{
	void **arr = arrp;
	size_t c = *cap ? *cap : 16;
	void *grown;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		c *= 2;
	}
	grown = realloc(*arr, c * elem);
	if (!grown)
		return -ENOMEM;
	*arr = grown;
	*cap = c;
	return 0;
}

#endif
