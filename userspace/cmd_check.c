// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo check FILE...`: validate policies, one summary line per file
 * after its errors. Exit 0 when every file is valid, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "options.h"
#include "policy.h"

static size_t count_hashes(const struct emb_policy *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_vendors; i++)
		n += p->vendors[i].n_sha256;
	return n;
}

static size_t count_connect(const struct emb_policy *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_vendors; i++)
		n += p->vendors[i].n_connect;
	return n;
}

/* Valid files are kept in seen[] to catch an id used twice. */
static int check_one(const char *path, struct emb_policy *seen, size_t *n_seen)
{
	struct emb_diag diag = { 0 };
	struct emb_policy p;
	int bad = emb_policy_parse_file(path, &p, &diag);

	for (size_t i = 0; !bad && i < *n_seen; i++) {
		if (strcmp(seen[i].id, p.id) == 0) {
			emb_diag_add(&diag, "%s: duplicate policy id '%s' (also in %s)", path, p.id,
				     seen[i].file);
			emb_policy_free(&p);
			bad = 1;
		}
	}
	for (size_t i = 0; i < diag.n; i++)
		printf("%s\n", diag.msgs[i]);
	if (bad)
		printf("%s: invalid (%zu error%s)\n", path, diag.n, diag.n == 1 ? "" : "s");
	else
		printf("%s: ok: policy %s, %zu vendor%s, %zu sha256, %zu connect rule%s\n", path, p.id,
		       p.n_vendors, p.n_vendors == 1 ? "" : "s", count_hashes(&p), count_connect(&p),
		       count_connect(&p) == 1 ? "" : "s");
	if (!bad)
		seen[(*n_seen)++] = p;
	emb_diag_free(&diag);
	return bad ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	struct emb_policy *seen;
	struct emb_opts o;
	size_t n_seen = 0;
	int rc = 0;

	if (emb_opts_parse(&o, argc, argv, ""))
		return 2;
	if (!o.n_args) {
		fprintf(stderr, "usage: embargo check FILE...\n");
		emb_opts_free(&o);
		return 2;
	}
	seen = calloc((size_t)o.n_args, sizeof(*seen));
	if (!seen) {
		fprintf(stderr, "embargo check: out of memory\n");
		emb_opts_free(&o);
		return 2;
	}
	for (int i = 0; i < o.n_args; i++)
		rc |= check_one(o.args[i], seen, &n_seen);
	for (size_t i = 0; i < n_seen; i++)
		emb_policy_free(&seen[i]);
	free(seen);
	emb_opts_free(&o);
	return rc;
}
