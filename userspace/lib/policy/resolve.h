/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * resolve.h - connect[].host names: their A and AAAA addresses with TTLs.
 *
 * The compiler takes a table of names and addresses (struct emb_dns_table)
 * and never resolves anything itself; the agent keeps the table fresh with
 * emb_dns_refresh() (the system resolver, libresolv) and recompiles when it
 * changes. Tests fill the table by hand or pass a fake resolver.
 */
#ifndef EMBARGO_RESOLVE_H
#define EMBARGO_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dnsguard.h"
#include "policy.h"

/* Re-resolve no sooner than this after an answer, whatever its TTL (a
 * vendor answering TTL 0 must not make the agent recompile all the time)... */
#define EMB_DNS_MIN_TTL 60
/* ...and no later than this. */
#define EMB_DNS_MAX_TTL 86400
/* After a failure, try again this much later. */
#define EMB_DNS_RETRY 30
/* At most this many addresses of one name are banned: a junk-heavy answer
 * must not fill the kernel's prefix map. The rest is refused (logged). */
#define EMB_DNS_MAX_ADDRS 32

struct emb_dns_addr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order */
	uint32_t ttl;     /* seconds, from the answer */
};

/* An address of an answer that is not banned, and why (static text). */
struct emb_dns_refusal {
	struct emb_dns_addr a;
	const char *why;
};

struct emb_dns_name {
	char *name;
	struct emb_dns_addr *addrs; /* sorted; the last good answer */
	size_t n_addrs;
	time_t expires;    /* re-resolve at or after this */
	const char *error; /* static text of the last failure, or NULL */
	/* Addresses of the last answer refused (emb_dns_guard_why, or over
	 * EMB_DNS_MAX_ADDRS); refusals_new: they differ from the answer
	 * before (log them, then clear the flag). */
	struct emb_dns_refusal *refused;
	size_t n_refused;
	int refusals_new;
};

struct emb_dns_table {
	struct emb_dns_name *names;
	size_t n;
	/* What answers may not ban (malloc'd, owned, freed with the table);
	 * NULL: the fixed ranges only (loopback, link-local...; dnsguard.h). */
	struct emb_dns_guard *guard;
};

/*
 * A resolver: the A and AAAA records of name in *addrs (malloc'd, *n may be
 * 0 when the name has no address). Returns 0, or -1 with a static reason in
 * *why. emb_resolve() is the real one.
 */
typedef int (*emb_resolver_fn)(void *ctx, const char *name, struct emb_dns_addr **addrs,
			       size_t *n, const char **why);

/* The system resolver (res_nquery, /etc/resolv.conf); ctx is unused. */
int emb_resolve(void *ctx, const char *name, struct emb_dns_addr **addrs, size_t *n,
		const char **why);

/*
 * The A (type 1) or AAAA (type 28) records of a DNS answer, appended to
 * *addrs / *n. Returns 0, or -1 with a reason in *why (malformed answer,
 * out of memory).
 */
int emb_dns_parse_answer(const uint8_t *msg, int len, int type, struct emb_dns_addr **addrs,
			 size_t *n, const char **why);

/*
 * The outcome of one lookup of name at now into t: rc and why as the
 * resolver returned them, addrs/n its answer (not taken). An answer is
 * filtered (guard, cap) and replaces the addresses; a failure or an empty
 * answer keeps the last ones (fail closed) and retries after
 * EMB_DNS_RETRY. Returns 1 when the banned addresses changed, 0 when not,
 * -1 when out of memory.
 */
int emb_dns_apply(struct emb_dns_table *t, const char *name, time_t now, int rc, const char *why,
		  const struct emb_dns_addr *addrs, size_t n);

/*
 * The connect[].host names of set that are missing from t or expired at
 * now, each once, into *names (malloc'd array of pointers into set; *n
 * may be 0). Returns 0 or -ENOMEM.
 */
int emb_dns_due(const struct emb_dns_table *t, const struct emb_policy_set *set, time_t now,
		const char ***names, size_t *n);

/* dst gets a copy of every entry of src (a reload keeps what is banned). */
int emb_dns_table_copy(struct emb_dns_table *dst, const struct emb_dns_table *src);

/* Set name's entry (added if new) to a copy of addrs, expiring at expires. */
int emb_dns_table_set(struct emb_dns_table *t, const char *name, const struct emb_dns_addr *addrs,
		      size_t n, time_t expires);
const struct emb_dns_name *emb_dns_table_find(const struct emb_dns_table *t, const char *name);
void emb_dns_table_free(struct emb_dns_table *t);

/*
 * Resolve every connect[].host name of set whose entry is missing or has
 * expired at now, with fn (NULL: emb_resolve), and emb_dns_apply() each
 * answer. An answer expires after its smallest TTL (clamped to
 * EMB_DNS_MIN_TTL..EMB_DNS_MAX_TTL). Blocking: the agent resolves on a
 * thread of its own (emb_dns_due + emb_dns_apply) instead. Returns how
 * many names changed their addresses (recompile when > 0), or -1 when out
 * of memory.
 */
int emb_dns_refresh(struct emb_dns_table *t, const struct emb_policy_set *set, time_t now,
		    emb_resolver_fn fn, void *ctx);

/* Earliest expiry in the table, or 0 when it is empty: when to call
 * emb_dns_refresh() next. */
time_t emb_dns_next_refresh(const struct emb_dns_table *t);

#endif
