/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmdhelp.h - what each subcommand takes, for `embargo CMD --help` and for
 * the shared parser (options.h): a command parses exactly the shared
 * options its row names, so an option cannot be parsed and go unlisted.
 */
#ifndef EMBARGO_CMDHELP_H
#define EMBARGO_CMDHELP_H

#include <stdio.h>

/* An option of the command's own (taken before the shared parser runs). */
struct emb_cmd_opt {
	const char *name; /* "--vendor V" as printed */
	const char *help;
};

struct emb_cmd_help {
	const char *name;
	const char *summary;
	const char *usage;  /* after "usage: embargo NAME " */
	const char *shared; /* shared long options parsed, comma-separated */
	const struct emb_cmd_opt *own; /* ends with { NULL, NULL }; NULL: none */
};

/* Every subcommand, in `embargo --help` order; *n set to the count. */
const struct emb_cmd_help *emb_cmd_helps(size_t *n);
/* The row of NAME, or NULL. */
const struct emb_cmd_help *emb_cmd_help_find(const char *name);
/* "usage: ...", the summary, then every option with its help. */
void emb_cmd_help_print(FILE *f, const struct emb_cmd_help *h);

#endif
