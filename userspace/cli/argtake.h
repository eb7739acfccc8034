/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * argtake.h - take a subcommand's own options (--allow, --vendor, --kill,
 * --dns) out of argv before the shared parser (options.h) sees the rest.
 * Exact names only ("--allowx" is not "--allow"); "--" ends the options.
 */
#ifndef EMBARGO_ARGTAKE_H
#define EMBARGO_ARGTAKE_H

#include <stddef.h>

/* Remove every "--NAME" flag; returns how many there were. */
int emb_take_flag(int *argc, char **argv, const char *name);

/*
 * Remove every "--NAME VALUE" / "--NAME=VALUE"; the values are appended to
 * *vals (malloc'd array of pointers into argv; free() it). Returns the
 * count, -1 when the last "--NAME" has no value, -2 out of memory.
 */
int emb_take_opt(int *argc, char **argv, const char *name, const char ***vals, size_t *n);

#endif
