// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo check [--host F] FILE...`: validate policies, one summary line
 * per file after its errors. Exit 0 when every file is valid, 1 otherwise.
 * The host tag is read (as by `run`) only for its custom schemes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "sign.h"
#include "ydoc.h"
#include "options.h"
#include "policy.h"
#include "log.h"

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

static size_t count_paths(const struct emb_policy *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_vendors; i++)
		n += p->vendors[i].n_paths;
	return n;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void print_ok(const char *path, const struct emb_policy *p)
{
	size_t n_conn = count_connect(p), n_paths = count_paths(p);

	if (p->kind == EMB_POLICY_CONTAIN) {
		printf("%s: ok: containment policy %s, %zu allow rule%s\n", path, p->id, p->n_allow,
		       plural(p->n_allow));
		return;
	}
	printf("%s: ok: policy %s, %zu vendor%s, %zu sha256, %zu connect rule%s", path, p->id,
	       p->n_vendors, plural(p->n_vendors), count_hashes(p), n_conn, plural(n_conn));
	if (n_paths)
		printf(", %zu path glob%s", n_paths, plural(n_paths));
	printf("\n");
}

/* Valid files are kept in seen[] to catch an id used twice. */
/* Read once, verify those bytes when kr is given, parse them. */
static int parse_verified(const char *path, const struct emb_host *host,
			  const struct emb_keyring *kr, struct emb_policy *p, struct emb_diag *diag)
{
	char *buf;
	size_t len;
	int rc;

	memset(p, 0, sizeof(*p));
	if (emb_ydoc_read_file(path, "policy", 0, &buf, &len, diag))
		return 1;
	rc = kr ? emb_sig_verify_with(kr, path, buf, len, NULL, diag) : 0;
	if (!rc)
		rc = emb_policy_parse_buf_for(path, buf, len, &host->schemes, p, diag);
	free(buf);
	return rc ? 1 : 0;
}

static int check_one(const char *path, const struct emb_host *host, const struct emb_keyring *kr,
		     struct emb_policy *seen, size_t *n_seen)
{
	struct emb_diag diag = { 0 };
	struct emb_policy p;
	int bad = parse_verified(path, host, kr, &p, &diag);

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
		print_ok(path, &p);
	if (!bad)
		seen[(*n_seen)++] = p;
	emb_diag_free(&diag);
	return bad ? 1 : 0;
}

/* The host tag, for its custom schemes; errors are printed. */
static int load_host(const struct emb_opts *o, struct emb_host *host)
{
	struct emb_diag diag = { 0 };
	int err = emb_host_load(host, o->host, EMB_DEFAULT_HOST, NULL, &diag);

	emb_diag_log(&diag, EMB_LOG_ERR, NULL);
	emb_diag_free(&diag);
	return err;
}

/* Signatures are checked with --keys-dir, or when the host requires them. */
static int load_keyring(const struct emb_opts *o, const struct emb_host *host,
			struct emb_keyring *kr, int *have)
{
	struct emb_diag diag = { 0 };
	int err = 0;

	*have = o->keys_dir_set || host->require_signed;
	if (*have)
		err = emb_keyring_load(kr, o->keys_dir, &diag, NULL);
	emb_diag_log(&diag, EMB_LOG_ERR, NULL);
	emb_diag_free(&diag);
	if (err)
		*have = 0;
	return err;
}

int cmd_check(int argc, char **argv)
{
	struct emb_policy *seen = NULL;
	struct emb_keyring kr = { 0 };
	struct emb_host host;
	struct emb_opts o;
	size_t n_seen = 0;
	int rc = 2, have_kr = 0;

	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	rc = 2;
	if (!o.n_args) {
		fprintf(stderr, "usage: embargo check [--host FILE] [--keys-dir DIR] FILE...\n");
		goto out_opts;
	}
	if (load_host(&o, &host))
		goto out_opts;
	if (load_keyring(&o, &host, &kr, &have_kr)) {
		rc = 1;
		goto out;
	}
	seen = calloc((size_t)o.n_args, sizeof(*seen));
	if (!seen) {
		emb_logf(EMB_LOG_ERR, "embargo check", "out of memory");
		goto out;
	}
	rc = 0;
	for (int i = 0; i < o.n_args; i++)
		rc |= check_one(o.args[i], &host, have_kr ? &kr : NULL, seen, &n_seen);
	for (size_t i = 0; i < n_seen; i++)
		emb_policy_free(&seen[i]);
	free(seen);
out:
	if (have_kr)
		emb_keyring_free(&kr);
	emb_host_free(&host);
out_opts:
	emb_opts_free(&o);
	return rc;
}
