// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo keygen [--out PREFIX]`: a new Ed25519 policy-signing key pair,
 * PREFIX.key (0600) and PREFIX.pub (0644); never overwrites. Exit 0 done,
 * 1 failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmdhelp.h"
#include "cmds.h"
#include "sign.h"
#include "log.h"
#include "oneopt.h"

static const char keygen_usage[] = "usage: embargo keygen [--out PREFIX]\n";

static void print_diag(const struct emb_diag *d)
{
	emb_diag_log(d, EMB_LOG_ERR, "embargo keygen");
}

/* 0 with *prefix set, 1 for --help, -1 on a usage error (printed). */
static int keygen_args(int argc, char **argv, const char **prefix)
{
	int rc;

	*prefix = EMB_KEYGEN_DEFAULT_PREFIX;
	rc = emb_one_option(argc, argv, "embargo keygen", "out", prefix);
	if (rc)
		return rc;
	if (optind < argc) {
		emb_logf(EMB_LOG_ERR, "embargo keygen", "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!**prefix) {
		emb_logf(EMB_LOG_ERR, "embargo keygen", "--out needs a non-empty PREFIX");
		return -1;
	}
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	char keyid[EMB_KEYID_LEN + 1];
	struct emb_diag diag = { 0 };
	const char *prefix;
	int rc;

	rc = keygen_args(argc, argv, &prefix);
	if (rc) {
		if (rc > 0)
			emb_cmd_help_print(stdout, emb_cmd_help_find("keygen"));
		else
			fputs(keygen_usage, stderr);
		return rc > 0 ? 0 : 2;
	}
	rc = emb_sig_keygen(prefix, keyid, &diag);
	print_diag(&diag);
	emb_diag_free(&diag);
	if (rc)
		return 1;
	printf("%s.key: Ed25519 private key (mode 0600, keep it secret)\n", prefix);
	printf("%s.pub: Ed25519 public key, key id %s\n", prefix, keyid);
	return 0;
}
