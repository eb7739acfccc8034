/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* policy_load.h - options -> host tag + policy set + compiled decisions. */
#ifndef EMBARGO_POLICY_LOAD_H
#define EMBARGO_POLICY_LOAD_H

#include "compile.h"
#include "options.h"
#include "policy.h"

struct emb_loaded {
	struct emb_host host;
	struct emb_policy_set set;
	struct emb_compiled compiled;
	const char *host_level; /* "SECRET", "UNMARKED", ... */
};

/* Read --host/--classification and --policy/--policy-dir, then compile.
 * On error every message is in diag and l holds nothing. */
int emb_loaded_init(struct emb_loaded *l, const struct emb_opts *o, struct emb_diag *diag);
void emb_loaded_free(struct emb_loaded *l);

#endif
