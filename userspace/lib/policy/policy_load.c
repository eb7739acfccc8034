// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "policy_load.h"

#include <string.h>

#include "paths.h"

int emb_loaded_init(struct emb_loaded *l, const struct emb_sources *o, struct emb_diag *diag)
{
	memset(l, 0, sizeof(*l));
	l->now = time(NULL);
	if (emb_host_load(&l->host, o->host, EMB_DEFAULT_HOST, o->classification, diag))
		return -1;
	l->host_level = emb_host_level_name(&l->host);
	if (emb_policy_set_load_signed(&l->set, &l->host, o->keys_dir, o->policies, o->n_policies,
				       o->policy_dir, diag) ||
	    emb_compile_at(&l->set, &l->host, l->now, NULL, &l->compiled, diag)) {
		emb_loaded_free(l);
		return -1;
	}
	return 0;
}

int emb_loaded_recompile(struct emb_loaded *l, time_t now, struct emb_diag *diag)
{
	struct emb_compiled c;

	if (emb_compile_at(&l->set, &l->host, now, &l->dns, &c, diag))
		return -1;
	emb_compiled_free(&l->compiled);
	l->compiled = c;
	l->now = now;
	return 0;
}

int emb_loaded_resolve(struct emb_loaded *l, struct emb_diag *diag)
{
	time_t now = time(NULL);

	if (emb_dns_refresh(&l->dns, &l->set, now, NULL, NULL) < 0) {
		emb_diag_add(diag, "out of memory resolving host names");
		return -1;
	}
	return emb_loaded_recompile(l, now, diag);
}

void emb_loaded_free(struct emb_loaded *l)
{
	emb_compiled_free(&l->compiled);
	emb_dns_table_free(&l->dns);
	emb_policy_set_free(&l->set);
	emb_host_free(&l->host);
	memset(l, 0, sizeof(*l));
}
