// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* agent_index.c - from file contents to the kernel's banned-inode map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent_int.h"
#include "hashindex.h"

static int on_hashed(void *ctx, const struct emb_file_hash *fh)
{
	struct agent *a = ctx;
	const struct emb_verdict *v = emb_compiled_hash_verdict(&a->pol.compiled, fh->sha256);
	struct emb_inode_key key = { .dev = fh->kdev, .ino = fh->ino };

	if (!v)
		return 0;
	/* Fail-closed: a banned inode that cannot be listed stops the start-up
	 * rather than leaving a known-banned file runnable. */
	if (emb_loader_put_inode(a->loader, &key, v))
		return -EIO;
	a->banned_inodes++;
	return 0;
}

/* Hash the scan roots (host.yaml scan.roots plus every --scan). */
int agent_index_roots(struct agent *a)
{
	const struct emb_host *h = &a->pol.host;
	const struct emb_opts *o = a->opts;
	size_t n = h->n_scan_roots + o->n_scan;
	const char **roots = calloc(n ? n : 1, sizeof(*roots));
	struct emb_scan_stats st = { 0 };
	struct emb_scan_opts so = { 0 };
	int err;

	if (!roots)
		return -ENOMEM;
	for (size_t i = 0; i < h->n_scan_roots; i++)
		roots[i] = h->scan_roots[i];
	for (size_t i = 0; i < o->n_scan; i++)
		roots[h->n_scan_roots + i] = o->scan[i];
	so.roots = roots;
	so.n_roots = n;
	so.exclude = (const char *const *)h->exclude;
	so.n_exclude = h->n_exclude;
	so.exec_only = 1;
	/* Nothing is banned by hash: no file needs hashing. */
	err = a->pol.compiled.n_hashes ? emb_scan(&so, on_hashed, a, &st) : 0;
	fprintf(stderr, "embargo: indexed %llu files (%llu bytes, %llu unreadable), %llu banned\n",
		(unsigned long long)st.files, (unsigned long long)st.bytes,
		(unsigned long long)st.errors, (unsigned long long)a->banned_inodes);
	free(roots);
	return err;
}
