/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * compile.h - policy set + host -> what the kernel maps hold.
 *
 * The single decision code: the agent fills the BPF maps from it and
 * `embargo test` answers from it, so the two never disagree.
 */
#ifndef EMBARGO_COMPILE_H
#define EMBARGO_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "embargo_abi.h"
#include "policy.h"

enum emb_rule_kind {
	EMB_RULE_SHA256 = 1,
	EMB_RULE_NET = 2,
};

/* One banned thing of one vendor of one active policy; rule_id = index. */
struct emb_rule {
	enum emb_rule_kind kind;
	enum emb_action action;
	const struct emb_policy *policy;
	const struct emb_vendor *vendor;
	const uint8_t *sha256;               /* EMB_RULE_SHA256 */
	const struct emb_connect_rule *net;  /* EMB_RULE_NET */
};

struct emb_hash_entry {
	uint8_t sha256[EMB_SHA256_LEN];
	struct emb_verdict verdict;
};

struct emb_net4_entry {
	struct emb_lpm4_key key;
	struct emb_net_value value;
};

struct emb_net6_entry {
	struct emb_lpm6_key key;
	struct emb_net_value value;
};

struct emb_policy_state {
	const struct emb_policy *policy;
	enum emb_mode mode;
};

struct emb_compiled {
	struct emb_policy_state *states; /* one per policy of the set */
	size_t n_states;
	struct emb_rule *rules;
	size_t n_rules;
	struct emb_hash_entry *hashes; /* sorted by sha256, one per digest */
	size_t n_hashes;
	struct emb_net4_entry *net4;
	size_t n_net4;
	struct emb_net6_entry *net6;
	size_t n_net6;
};

/*
 * Compile set for host. Policies that are off on this host contribute no
 * rules. Returns -1 with messages in diag (scheme mismatch, a prefix covered
 * by more than EMB_NET_RULES_PER_PREFIX rules); out is then empty.
 */
int emb_compile(const struct emb_policy_set *set, const struct emb_host *host,
		struct emb_compiled *out, struct emb_diag *diag);
void emb_compiled_free(struct emb_compiled *c);

/* The verdict for a file digest, or NULL when no active rule bans it. */
const struct emb_verdict *emb_compiled_hash_verdict(const struct emb_compiled *c,
						    const uint8_t sha256[EMB_SHA256_LEN]);

/*
 * The verdict for an endpoint, exactly as the kernel computes it. addr is
 * network order (4 or 16 bytes); proto is EMB_PROTO_TCP or EMB_PROTO_UDP as
 * the kernel sees a socket. For `embargo test` questions without a port or
 * protocol, port -1 and proto EMB_PROTO_ANY give the strongest verdict over
 * every port and protocol.
 */
struct emb_verdict emb_compiled_net_verdict(const struct emb_compiled *c, int family,
					    const uint8_t *addr, int port, unsigned proto);

/* Rule of a kernel event, or NULL if out of range. */
const struct emb_rule *emb_compiled_rule(const struct emb_compiled *c, uint32_t rule_id);

#endif
