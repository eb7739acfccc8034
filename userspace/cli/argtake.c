// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "argtake.h"

#include <stdlib.h>
#include <string.h>

/* 1 "--name", 2 "--name=...", 0 neither. */
static int matches(const char *arg, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(arg, "--", 2) || strncmp(arg + 2, name, len))
		return 0;
	if (arg[2 + len] == '\0')
		return 1;
	return arg[2 + len] == '=' ? 2 : 0;
}

int emb_take_flag(int *argc, char **argv, const char *name)
{
	int found = 0, out = 1, i;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		if (matches(argv[i], name) == 1)
			found++;
		else
			argv[out++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL; /* out <= the old argc: argv[argc] exists */
	*argc = out;
	return found;
}

static int push(const char ***vals, size_t *n, const char *v)
{
	const char **grown = realloc(*vals, (*n + 1) * sizeof(**vals));

	if (!grown)
		return -2;
	*vals = grown;
	grown[(*n)++] = v;
	return 0;
}

int emb_take_opt(int *argc, char **argv, const char *name, const char ***vals, size_t *n)
{
	int found = 0, out = 1, i, m;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		m = matches(argv[i], name);
		if (!m) {
			argv[out++] = argv[i];
			continue;
		}
		if (m == 1 && i + 1 >= *argc)
			return -1;
		if (push(vals, n, m == 2 ? strchr(argv[i], '=') + 1 : argv[++i]))
			return -2;
		found++;
	}
	for (; i < *argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL; /* out <= the old argc: argv[argc] exists */
	*argc = out;
	return found;
}
