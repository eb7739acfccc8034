// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* agent_policy.c - the agent's policy: load, compile, refuse loudly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "log.h"

int agent_policy_load(struct agent *a)
{
	struct emb_diag diag = { 0 };
	struct emb_json j;
	struct emb_sources src = emb_opts_sources(a->opts);
	int err = emb_loaded_init(&a->pol, &src, &diag);

	if (!err && agent_contain_check(&a->pol, &diag)) {
		emb_loaded_free(&a->pol);
		err = -1;
	}

	if (!err && agent_resolve_hosts(a))
		emb_err("resolving connect hosts failed: they stay pending");
	if (!err)
		agent_dns_log_refusals(a);
	if (err) {
		emb_diag_log(&diag, EMB_LOG_ERR, NULL);
		agent_emit(&a->emit, AGENT_EV_POLICY, NULL, &j,
			   emb_event_policy_refused(&j, &diag, a->pol.host_level ?: "UNMARKED"));
	}
	emb_diag_free(&diag);
	return err;
}

/* Prefixes written per bpf_map_update_batch call: keys and values are
 * gathered from the compiled entries into a buffer that stays in cache. */
#define NET_BATCH 1024

struct net_batch {
	struct emb_lpm4_key k4[NET_BATCH];
	struct emb_lpm6_key k6[NET_BATCH];
	struct emb_net_value v[NET_BATCH];
};

int agent_policy_fill_net(struct agent *a)
{
	const struct emb_compiled *c = &a->pol.compiled;
	struct net_batch *b = malloc(sizeof(*b));
	int err = 0;

	if (!b) {
		emb_err("out of memory writing the policy's prefixes");
		return -1;
	}
	for (size_t at = 0; at < c->n_net4 && !err; at += NET_BATCH) {
		uint32_t n = (uint32_t)(c->n_net4 - at < NET_BATCH ? c->n_net4 - at : NET_BATCH);

		for (uint32_t i = 0; i < n; i++) {
			b->k4[i] = c->net4[at + i].key;
			b->v[i] = c->net4[at + i].value;
		}
		err = emb_loader_put_net4s(a->loader, b->k4, b->v, n);
	}
	for (size_t at = 0; at < c->n_net6 && !err; at += NET_BATCH) {
		uint32_t n = (uint32_t)(c->n_net6 - at < NET_BATCH ? c->n_net6 - at : NET_BATCH);

		for (uint32_t i = 0; i < n; i++) {
			b->k6[i] = c->net6[at + i].key;
			b->v[i] = c->net6[at + i].value;
		}
		err = emb_loader_put_net6s(a->loader, b->k6, b->v, n);
	}
	free(b);
	return err ? -1 : 0;
}

/* Digests written per bpf_map_update_batch call. */
#define BANNED_BATCH 1024

struct banned_batch {
	struct emb_sha256_key k[BANNED_BATCH];
	struct emb_verdict v[BANNED_BATCH];
};

/* emb_banned for embargo.ko (kmod backend only: no BPF program reads it).
 * Entries are added, never removed here: agent_policy_drop_banned follows. */
int agent_policy_fill_banned(struct agent *a)
{
	const struct emb_compiled *c = &a->pol.compiled;
	struct banned_batch *b;
	int err = 0;

	if (!emb_loader_wants_banned(a->loader) || !c->n_hashes)
		return 0;
	b = malloc(sizeof(*b));
	if (!b) {
		emb_err("out of memory writing the policy's digests");
		return -1;
	}
	for (size_t at = 0; at < c->n_hashes && !err; at += BANNED_BATCH) {
		uint32_t n = (uint32_t)(c->n_hashes - at < BANNED_BATCH ? c->n_hashes - at
									: BANNED_BATCH);

		for (uint32_t i = 0; i < n; i++) {
			memcpy(b->k[i].digest, c->hashes[at + i].sha256, EMB_SHA256_BYTES);
			b->v[i] = c->hashes[at + i].verdict;
		}
		err = emb_loader_put_banned(a->loader, b->k, b->v, n);
	}
	free(b);
	return err ? -1 : 0;
}

static int banned_in_force(void *ctx, const struct emb_sha256_key *k)
{
	return emb_compiled_hash_verdict(ctx, k->digest) != NULL;
}

/* After the new digests are in: drop every one the policy in force lacks. */
int agent_policy_drop_banned(struct agent *a)
{
	if (!emb_loader_wants_banned(a->loader))
		return 0;
	return emb_loader_sweep_banned(a->loader, banned_in_force, &a->pol.compiled) ? -1 : 0;
}
