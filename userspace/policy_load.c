// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "policy_load.h"

#include <string.h>

int emb_loaded_init(struct emb_loaded *l, const struct emb_opts *o, struct emb_diag *diag)
{
	memset(l, 0, sizeof(*l));
	if (emb_host_load(&l->host, o->host, EMB_DEFAULT_HOST, o->classification, diag))
		return -1;
	l->host_level = emb_level_name(l->host.scheme ? emb_scheme_find(l->host.scheme) : NULL,
				       l->host.level);
	if (emb_policy_set_load(&l->set, o->policies, o->n_policies, emb_opts_policy_dir(o), diag) ||
	    emb_compile(&l->set, &l->host, &l->compiled, diag)) {
		emb_loaded_free(l);
		return -1;
	}
	return 0;
}

void emb_loaded_free(struct emb_loaded *l)
{
	emb_compiled_free(&l->compiled);
	emb_policy_set_free(&l->set);
	emb_host_free(&l->host);
	memset(l, 0, sizeof(*l));
}
