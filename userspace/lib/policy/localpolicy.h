/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * localpolicy.h - policy files the CLI writes into the policy dir
 * (`embargo contain`, `embargo ban`): replaced atomically, so the agent,
 * reloading at any instant, reads the old file or the new one, never half.
 */
#ifndef EMBARGO_LOCALPOLICY_H
#define EMBARGO_LOCALPOLICY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace path with buf: write a temp file in the same directory
 * (".NAME.XXXXXX", which no "*.yaml" glob matches), fsync it, give it
 * mode, rename it over path, fsync the directory. On failure the temp file
 * is removed and path is untouched. Returns 0, or -errno with the reason
 * in why.
 */
int emb_file_replace(const char *path, const char *buf, size_t len, mode_t mode, char *why,
		     size_t why_len);

/* Remove path and fsync its directory. -ENOENT when it was not there (why
 * is then left empty); other errors -errno with the reason in why. */
int emb_file_remove(const char *path, char *why, size_t why_len);

/* mkdir -p (each missing component with mode). Returns 0 or -errno. */
int emb_mkdir_p(const char *dir, mode_t mode);

/* dir + "/" + name into buf; -ENAMETOOLONG when it does not fit. */
int emb_path_join(char *buf, size_t len, const char *dir, const char *name);

#endif
