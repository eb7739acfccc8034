/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * pathglob.h - globs of banned paths (policy vendors[].paths).
 *
 * A glob is an absolute path whose components may use fnmatch(3) syntax
 * ('*', '?', '[...]', '\' escapes; none of them matches '/'), and "**" as a
 * whole component, which matches zero or more components.
 */
#ifndef EMBARGO_PATHGLOB_H
#define EMBARGO_PATHGLOB_H

/* Longest glob, and longest component of a glob. */
#define EMB_GLOB_MAX 4095
#define EMB_GLOB_NAME_MAX 255

/*
 * 0 when pattern is a valid glob, else -1 with a static reason in *why
 * ("not an absolute path", "empty path component", "unclosed '['", ...).
 */
int emb_glob_check(const char *pattern, const char **why);

/*
 * 1 when path matches pattern (a valid glob), else 0. path is absolute and
 * canonical (no "." or ".." components, no repeated '/').
 */
int emb_glob_match(const char *pattern, const char *path);

#endif
