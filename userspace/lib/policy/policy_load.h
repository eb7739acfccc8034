/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* policy_load.h - host file + policy files -> host tag + policy set + compiled decisions. */
#ifndef EMBARGO_POLICY_LOAD_H
#define EMBARGO_POLICY_LOAD_H

#include <time.h>

#include "compile.h"
#include "policy.h"
#include "resolve.h"

/* Where the host tag and the policies come from (the command line's paths). */
struct emb_sources {
	const char *host;           /* NULL: EMB_DEFAULT_HOST if it exists */
	const char *classification; /* overrides the host file's level */
	const char *keys_dir;
	const char **policies;
	size_t n_policies;
	const char *policy_dir;     /* NULL: none */
};

struct emb_loaded {
	struct emb_host host;
	struct emb_policy_set set;
	struct emb_dns_table dns; /* empty until emb_loaded_resolve() */
	struct emb_compiled compiled;
	const char *host_level; /* "SECRET", "UNMARKED", ... */
	time_t now;             /* compiled for this instant */
};

/* Read the host tag and the policies of src, then compile for
 * now (time(NULL)) with no connect[].host resolved (pending). On error
 * every message is in diag and l holds nothing. */
int emb_loaded_init(struct emb_loaded *l, const struct emb_sources *src, struct emb_diag *diag);

/*
 * Compile again for now with the DNS table as it is: at
 * emb_compiled_next_change() (an enforce_from date), or after
 * emb_dns_refresh(&l->dns, ...) reported a change. Rule ids stay the same
 * (one rule per sha256, connect entry and glob, whatever the mode or the
 * addresses). -1 with messages in diag; l then keeps the previous compile.
 */
int emb_loaded_recompile(struct emb_loaded *l, time_t now, struct emb_diag *diag);

/* Resolve the connect[].host names with the system resolver (blocking) and
 * recompile for time(NULL). A name that does not resolve is no error: it
 * stays in l->compiled.pending_hosts (l->dns has the reason). */
int emb_loaded_resolve(struct emb_loaded *l, struct emb_diag *diag);

/*
 * A reload: l (just loaded) takes a copy of the names and addresses of old
 * (the table in force), its own guard (resolv.conf and the interfaces read
 * again) and is recompiled with them; nothing is resolved. Returns 0, or
 * -1 (out of memory) with the message in diag: l is then as loaded.
 */
int emb_loaded_keep_dns(struct emb_loaded *l, const struct emb_dns_table *old,
			struct emb_diag *diag);

void emb_loaded_free(struct emb_loaded *l);

#endif
