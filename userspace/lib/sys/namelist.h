/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* namelist.h - lists of owned strings (a directory's policy files or
 * keys, scan roots): sorted by byte order, freed together. */
#ifndef EMB_NAMELIST_H
#define EMB_NAMELIST_H

#include <stdlib.h>
#include <string.h>

static inline int emb_names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void emb_names_sort(char **names, size_t n)
{
	if (n > 1)
		qsort(names, n, sizeof(*names), emb_names_cmp);
}

/* The first n strings and the list; a NULL list is nothing to free. */
static inline void emb_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

#endif
