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
#include <time.h>

#include "embargo_abi.h"
#include "policy.h"
#include "resolve.h"

enum emb_rule_kind {
	EMB_RULE_SHA256 = 1,
	EMB_RULE_NET = 2,
	EMB_RULE_PATH = 3,
};

/* One banned thing of one vendor of one active policy. */
struct emb_rule {
	enum emb_rule_kind kind;
	enum emb_action action;
	const struct emb_policy *policy;
	const struct emb_vendor *vendor;
	const uint8_t *sha256;               /* EMB_RULE_SHA256: the digest of this id */
	const struct emb_connect_rule *net;  /* EMB_RULE_NET */
	const char *host;                    /* EMB_RULE_NET from connect[].host, else NULL */
	const char *glob;                    /* EMB_RULE_PATH */
};

struct emb_rule_record {
	struct emb_rule rule; /* .sha256 unset: see emb_compiled_rule() */
	uint32_t first_id, n_ids;
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

/* A banned path glob; not a kernel map: the agent lists the inodes of
 * matching files in the inode map with this verdict. */
struct emb_path_entry {
	const char *glob;
	struct emb_verdict verdict;
};

struct emb_policy_state {
	const struct emb_policy *policy;
	enum emb_mode mode;
};

struct emb_compiled {
	struct emb_policy_state *states; /* one per policy of the set */
	size_t n_states;
	/* Rule ids 0..n_rules-1, kept as records in id order: a vendor's
	 * sha256 list is one record whose ids are one per digest (a record
	 * per digest cost 64 bytes each and a tenth of a 1M-digest reload). */
	struct emb_rule_record *records;
	size_t n_records, records_cap;
	size_t n_rules;
	struct emb_hash_entry *hashes; /* sorted by sha256, one per digest */
	size_t n_hashes;
	struct emb_net4_entry *net4;
	size_t n_net4;
	struct emb_net6_entry *net6;
	size_t n_net6;
	struct emb_path_entry *paths; /* in rule order */
	size_t n_paths;
	/* connect[].host names of active rules with no address in the DNS
	 * table (never resolved): they ban nothing yet. Unique. */
	const char **pending_hosts;
	size_t n_pending_hosts;
	/* EMB_UNV_*: what the kernel does with a file not (yet) hashed once
	 * the host's index is complete (emb_compile_at says how it is chosen). */
	uint32_t unverified;
	time_t now;         /* the instant the modes were computed for */
	time_t next_change; /* see emb_compiled_next_change() */
};

/*
 * Compile set for host at time now (modes depend on enforce_from), with the
 * unverified mode: off without a hash or path rule in force (nothing to
 * verify); deny when the host says `unverified: deny` and such a rule denies
 * here; else allow (the file runs, the agent hashes it and kills a banned
 * one). Until the first full index the agent applies allow for deny
 * (agent_index.c: fail-open, or a host could not boot its own tools).
 * With the
 * addresses of connect[].host names from dns (NULL: none resolved, every
 * host rule pending). Policies that are off on this host contribute no
 * rules; containment policies are listed in states (mode enforce) and
 * contribute none either. Returns -1 with messages in diag (scheme
 * mismatch, a prefix covered by more than EMB_NET_RULES_PER_PREFIX rules);
 * out is then empty.
 */
int emb_compile_at(const struct emb_policy_set *set, const struct emb_host *host, time_t now,
		   const struct emb_dns_table *dns, struct emb_compiled *out, struct emb_diag *diag);
/* emb_compile_at(set, host, time(NULL), NULL, out, diag). */
int emb_compile(const struct emb_policy_set *set, const struct emb_host *host,
		struct emb_compiled *out, struct emb_diag *diag);
void emb_compiled_free(struct emb_compiled *c);

/* The verdict for a file digest, or NULL when no active rule bans it. */
/*
 * Is this exact prefix (an LPM key of emb_net4 / emb_net6) among the
 * compiled ones? Binary search: net4[] and net6[] are sorted by (addr,
 * prefix length). The one stale-key test of start, adoption and reload:
 * sweeping m kernel keys costs O(m log n).
 */
int emb_compiled_has_net4(const struct emb_compiled *c, const struct emb_lpm4_key *k);
int emb_compiled_has_net6(const struct emb_compiled *c, const struct emb_lpm6_key *k);

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

/*
 * The verdict of the path globs for path (absolute, canonical): the
 * strongest action of the globs matching it, the first such rule on a tie;
 * action EMB_ACT_NONE when none does. Exec decisions check the hash first.
 */
struct emb_verdict emb_compiled_path_verdict(const struct emb_compiled *c, const char *path);

/*
 * The earliest enforce_from after c->now that changes a policy's mode on
 * this host (audit -> enforce), or 0 when none will: arm a timer for it and
 * recompile then (no reload needed).
 */
time_t emb_compiled_next_change(const struct emb_compiled *c);

/* 1 when a file rule (sha256 or path) denies on this host: what makes an
 * unreadable file count as banned (agent) and unverified: deny apply. */
int emb_compiled_has_deny_rule(const struct emb_compiled *c);

/* Rule of a kernel event, filled into *out (a digest list's record names
 * the one digest of rule_id); out, or NULL if out of range. */
const struct emb_rule *emb_compiled_rule(const struct emb_compiled *c, uint32_t rule_id,
					 struct emb_rule *out);

#endif
