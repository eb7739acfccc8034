/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* options.h - the options every subcommand shares (contract.md §1, §4). */
#ifndef EMBARGO_OPTIONS_H
#define EMBARGO_OPTIONS_H

#include <stddef.h>

#include "backend.h"
#include "paths.h"
#include "policy_load.h"

struct emb_opts {
	const char *host;           /* --host, NULL: default path if present */
	const char *classification; /* --classification */
	const char **policies;      /* --policy, repeatable */
	size_t n_policies;
	const char *policy_dir;     /* --policy-dir; default dir when no --policy */
	const char *keys_dir;
	int keys_dir_set;           /* --keys-dir was given (not the default) */
	const char *state_dir;
	const char *log;
	const char *pin_dir;
	const char *socket;
	const char *cgroup;         /* --cgroup, NULL: the cgroup2 root */
	enum emb_backend backend;   /* --backend (embargo run), default EMB_BACKEND_AUTO */
	const char **scan;          /* --scan, repeatable */
	size_t n_scan;
	int json;                   /* --json */
	const char *exec;           /* --exec PATH (embargo test) */
	const char *connect;        /* --connect ADDR[:PORT][/PROTO] (embargo test) */
	const char *metrics;        /* --metrics FILE (embargo run): Prometheus text */
	char **args;                /* positional arguments after the options */
	int n_args;
};

/*
 * Parse argv (argv[0] is the subcommand name): the shared options the
 * subcommand's row of cmdhelp.c names, and -h/--help. Returns 0, 1 when
 * --help printed the subcommand's help to stdout (exit 0; o holds
 * nothing), or -1 after printing "embargo SUB: ..." for a bad or
 * disallowed option.
 */
int emb_opts_parse(struct emb_opts *o, int argc, char **argv);
/* Metavar (NULL for a flag) and help of shared option NAME; -1 if none. */
int emb_opts_describe(const char *name, const char **arg, const char **help);
void emb_opts_free(struct emb_opts *o);

/* The policy dir to read: --policy-dir, else the default when no --policy. */
const char *emb_opts_policy_dir(const struct emb_opts *o);
/* Where host tag and policies come from, for emb_loaded_init(). */
struct emb_sources emb_opts_sources(const struct emb_opts *o);

#endif
