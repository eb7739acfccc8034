// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo sign --key KEY FILE...`: write FILE.sig, a detached Ed25519
 * signature over FILE's exact bytes (format: sign.h), for each FILE. Exit 0
 * all signed, 1 any failed (the others are still signed), 2 usage.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmdhelp.h"
#include "cmds.h"
#include "sign.h"
#include "log.h"
#include "oneopt.h"

static const char sign_usage[] = "usage: embargo sign --key KEY FILE...\n";

static void print_diag(const struct emb_diag *d)
{
	emb_diag_log(d, EMB_LOG_ERR, "embargo sign");
}

/* 0 with *key set, 1 for --help, -1 on a usage error (printed). */
static int sign_args(int argc, char **argv, const char **key)
{
	int rc;

	*key = NULL;
	rc = emb_one_option(argc, argv, "embargo sign", "key", key);
	if (rc)
		return rc;
	if (!*key) {
		emb_logf(EMB_LOG_ERR, "embargo sign", "--key KEY is required");
		return -1;
	}
	if (optind >= argc) {
		emb_logf(EMB_LOG_ERR, "embargo sign", "no FILE to sign");
		return -1;
	}
	return 0;
}

static int sign_one(const struct emb_signer *s, const char *path)
{
	struct emb_diag diag = { 0 };
	int rc = emb_sig_sign_file(s, path, &diag);

	print_diag(&diag);
	emb_diag_free(&diag);
	if (!rc)
		printf("%s%s: signed with key %s\n", path, EMB_SIG_SUFFIX, s->keyid);
	return rc ? 1 : 0;
}

int cmd_sign(int argc, char **argv)
{
	struct emb_diag diag = { 0 };
	struct emb_signer s;
	const char *key;
	int rc;

	rc = sign_args(argc, argv, &key);
	if (rc) {
		if (rc > 0)
			emb_cmd_help_print(stdout, emb_cmd_help_find("sign"));
		else
			fputs(sign_usage, stderr);
		return rc > 0 ? 0 : 2;
	}
	if (emb_signer_load(&s, key, &diag)) {
		print_diag(&diag);
		emb_diag_free(&diag);
		return 1;
	}
	for (int i = optind; i < argc; i++)
		rc |= sign_one(&s, argv[i]);
	emb_signer_free(&s);
	return rc;
}
