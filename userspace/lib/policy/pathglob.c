// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * pathglob.c - path globs with "**": validation and matching.
 *
 * Each component is matched with fnmatch(3); "**" components are handled
 * here with the classic single-backtrack wildcard walk, one component being
 * one token, so matching is linear in practice and never recursive.
 */
#include "pathglob.h"

#include <fnmatch.h>
#include <string.h>

/* End of the component starting at s ('/' or NUL). */
static const char *comp_end(const char *s)
{
	return strchrnul(s, '/');
}

/* Start of the component after the one at s, or the terminating NUL. */
static const char *comp_next(const char *s)
{
	const char *e = comp_end(s);

	return *e ? e + 1 : e;
}

static int is_globstar(const char *p)
{
	return p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0');
}

/* A bracket expression starting at p ('['), within one component: the
 * character after its ']', or NULL when it does not close. */
static const char *bracket_end(const char *p)
{
	p++;
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != '/'; p++)
		if (*p == ']')
			return p + 1;
	return NULL;
}

/* One component [p, end): its own syntax. */
static int comp_check(const char *p, const char *end, const char **why)
{
	if (p == end) {
		*why = "empty path component";
		return -1;
	}
	if (end - p > EMB_GLOB_NAME_MAX) {
		*why = "path component longer than 255 bytes";
		return -1;
	}
	if ((end - p == 1 && p[0] == '.') || (end - p == 2 && p[0] == '.' && p[1] == '.')) {
		*why = "'.' and '..' components never match";
		return -1;
	}
	if (is_globstar(p))
		return 0;
	while (p < end) {
		if (p[0] == '*' && p[1] == '*') {
			*why = "'**' must be a whole path component";
			return -1;
		}
		if (*p == '\\') {
			if (p + 1 == end) {
				*why = "'\\' at the end of a component";
				return -1;
			}
			p += 2;
		} else if (*p == '[') {
			p = bracket_end(p);
			if (!p) {
				*why = "unclosed '['";
				return -1;
			}
		} else {
			p++;
		}
	}
	return 0;
}

int emb_glob_check(const char *pattern, const char **why)
{
	const char *p = pattern;

	if (*p != '/') {
		*why = "not an absolute path";
		return -1;
	}
	if (strlen(p) > EMB_GLOB_MAX) {
		*why = "longer than 4095 bytes";
		return -1;
	}
	p++;
	do {
		const char *end = comp_end(p);

		if (comp_check(p, end, why))
			return -1;
		p = *end ? end + 1 : end;
	} while (*p || p[-1] == '/');
	return 0;
}

/* Does the pattern component at p match the path component at s? */
static int comp_match(const char *p, const char *s)
{
	char pb[EMB_GLOB_NAME_MAX + 1], sb[EMB_GLOB_NAME_MAX + 1];
	size_t pl = (size_t)(comp_end(p) - p), sl = (size_t)(comp_end(s) - s);

	/* No file name is longer than NAME_MAX: such a path cannot exist. */
	if (pl > EMB_GLOB_NAME_MAX || sl > EMB_GLOB_NAME_MAX)
		return 0;
	memcpy(pb, p, pl);
	pb[pl] = '\0';
	memcpy(sb, s, sl);
	sb[sl] = '\0';
	return fnmatch(pb, sb, FNM_PATHNAME) == 0;
}

int emb_glob_match(const char *pattern, const char *path)
{
	const char *p = pattern, *s = path, *star_p = NULL, *star_s = NULL;

	if (*p != '/' || *s != '/')
		return 0;
	p++;
	s++;
	for (;;) {
		if (!*p && !*s)
			return 1;
		if (*p && is_globstar(p)) {
			/* Try zero components first; widen on a later mismatch. */
			star_p = comp_next(p);
			star_s = s;
			p = star_p;
			if (!*p)
				return 1;
			continue;
		}
		if (*p && *s && comp_match(p, s)) {
			p = comp_next(p);
			s = comp_next(s);
			continue;
		}
		if (!star_p || !*star_s)
			return 0;
		star_s = comp_next(star_s);
		s = star_s;
		p = star_p;
	}
}
