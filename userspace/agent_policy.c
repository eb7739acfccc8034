// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* agent_policy.c - the agent's policy: load, compile, refuse loudly. */
#include <stdio.h>

#include "agent_int.h"

int agent_policy_load(struct agent *a)
{
	struct emb_diag diag = { 0 };
	struct emb_json j;
	int err = emb_loaded_init(&a->pol, a->opts, &diag);

	if (!err && agent_contain_check(&a->pol, &diag)) {
		emb_loaded_free(&a->pol);
		err = -1;
	}

	if (!err && agent_resolve_hosts(a))
		fprintf(stderr, "embargo: resolving connect hosts failed: they stay pending\n");
	if (err) {
		for (size_t i = 0; i < diag.n; i++)
			fprintf(stderr, "%s\n", diag.msgs[i]);
		agent_log(a, &j, emb_event_policy_refused(&j, &diag, a->pol.host_level ?: "UNMARKED"));
	}
	emb_diag_free(&diag);
	return err;
}

int agent_policy_fill_net(struct agent *a)
{
	const struct emb_compiled *c = &a->pol.compiled;

	for (size_t i = 0; i < c->n_net4; i++)
		if (emb_loader_put_net4(a->loader, &c->net4[i].key, &c->net4[i].value))
			return -1;
	for (size_t i = 0; i < c->n_net6; i++)
		if (emb_loader_put_net6(a->loader, &c->net6[i].key, &c->net6[i].value))
			return -1;
	return 0;
}
