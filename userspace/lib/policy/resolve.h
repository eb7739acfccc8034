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

#include "policy.h"

/* Re-resolve no sooner than this after an answer, whatever its TTL... */
#define EMB_DNS_MIN_TTL 5
/* ...and no later than this. */
#define EMB_DNS_MAX_TTL 86400
/* After a failure, try again this much later. */
#define EMB_DNS_RETRY 30

struct emb_dns_addr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order */
	uint32_t ttl;     /* seconds, from the answer */
};

struct emb_dns_name {
	char *name;
	struct emb_dns_addr *addrs; /* sorted; the last good answer */
	size_t n_addrs;
	time_t expires;    /* re-resolve at or after this */
	const char *error; /* static text of the last failure, or NULL */
};

struct emb_dns_table {
	struct emb_dns_name *names;
	size_t n;
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

/* Set name's entry (added if new) to a copy of addrs, expiring at expires. */
int emb_dns_table_set(struct emb_dns_table *t, const char *name, const struct emb_dns_addr *addrs,
		      size_t n, time_t expires);
const struct emb_dns_name *emb_dns_table_find(const struct emb_dns_table *t, const char *name);
void emb_dns_table_free(struct emb_dns_table *t);

/*
 * Resolve every connect[].host name of set whose entry is missing or has
 * expired at now, with fn (NULL: emb_resolve). An answer replaces the
 * addresses and expires after its smallest TTL (clamped to
 * EMB_DNS_MIN_TTL..EMB_DNS_MAX_TTL). A failure keeps the previous addresses
 * (still banned: fail closed), records the reason and retries after
 * EMB_DNS_RETRY. Returns how many names changed their addresses (recompile
 * when > 0), or -1 when out of memory.
 */
int emb_dns_refresh(struct emb_dns_table *t, const struct emb_policy_set *set, time_t now,
		    emb_resolver_fn fn, void *ctx);

/* Earliest expiry in the table, or 0 when it is empty: when to call
 * emb_dns_refresh() next. */
time_t emb_dns_next_refresh(const struct emb_dns_table *t);

#endif
