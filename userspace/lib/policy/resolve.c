// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * resolve.c - A/AAAA lookups with their TTLs (glibc libresolv: res_nquery,
 * ns_initparse, ns_parserr) and the name -> addresses table the compiler
 * reads.
 *
 * Fail closed: a name that stops resolving keeps its last addresses, so a
 * DNS outage never lifts a ban; a name that never resolved bans nothing yet
 * and is retried every EMB_DNS_RETRY seconds.
 */
#include "resolve.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* The largest DNS message (over TCP). */
#define EMB_DNS_BUF 65536

static int addr_cmp(const void *a, const void *b)
{
	const struct emb_dns_addr *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* Sort and drop duplicates, keeping the smallest TTL of each address. */
static size_t addrs_normalise(struct emb_dns_addr *a, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(a, n, sizeof(*a), addr_cmp);
	for (size_t i = 1; i < n; i++) {
		if (!addr_cmp(&a[out], &a[i])) {
			if (a[i].ttl < a[out].ttl)
				a[out].ttl = a[i].ttl;
			continue;
		}
		a[++out] = a[i];
	}
	return out + 1;
}

static int addrs_push(struct emb_dns_addr **addrs, size_t *n, int family, const uint8_t *data,
		      uint32_t ttl)
{
	struct emb_dns_addr *grown = realloc(*addrs, (*n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*addrs = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].family = family;
	memcpy(grown[*n].addr, data, family == AF_INET ? 4 : 16);
	grown[*n].ttl = ttl;
	(*n)++;
	return 0;
}

int emb_dns_parse_answer(const uint8_t *msg, int len, int type, struct emb_dns_addr **addrs,
			 size_t *n, const char **why)
{
	int family = type == ns_t_a ? AF_INET : AF_INET6;
	size_t want = type == ns_t_a ? 4 : 16;
	ns_msg handle;

	if (ns_initparse(msg, len, &handle)) {
		*why = "malformed DNS answer";
		return -1;
	}
	/* The resolver follows CNAMEs: every record of the type answers. */
	for (int i = 0; i < ns_msg_count(handle, ns_s_an); i++) {
		ns_rr rr;

		if (ns_parserr(&handle, ns_s_an, i, &rr)) {
			*why = "malformed DNS answer";
			return -1;
		}
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;
		if (ns_rr_rdlen(rr) != want) {
			*why = "malformed DNS answer";
			return -1;
		}
		if (addrs_push(addrs, n, family, ns_rr_rdata(rr), ns_rr_ttl(rr))) {
			*why = "out of memory";
			return -1;
		}
	}
	return 0;
}

static const char *h_errno_text(int err)
{
	switch (err) {
	case HOST_NOT_FOUND:
		return "no such host";
	case TRY_AGAIN:
		return "temporary DNS failure";
	default:
		return "DNS query failed";
	}
}

/* One query; a name without records of this type adds nothing. */
static int query(res_state st, const char *name, int type, uint8_t *buf,
		 struct emb_dns_addr **addrs, size_t *n, const char **why)
{
	int len = res_nquery(st, name, ns_c_in, type, buf, EMB_DNS_BUF);

	if (len < 0) {
		if (st->res_h_errno == NO_DATA)
			return 0;
		*why = h_errno_text(st->res_h_errno);
		return -1;
	}
	if (len > EMB_DNS_BUF) {
		*why = "DNS answer too large";
		return -1;
	}
	return emb_dns_parse_answer(buf, len, type, addrs, n, why);
}

int emb_resolve(void *ctx, const char *name, struct emb_dns_addr **addrs, size_t *n,
		const char **why)
{
	struct __res_state st;
	uint8_t *buf;
	int rc = -1;

	(void)ctx;
	*addrs = NULL;
	*n = 0;
	memset(&st, 0, sizeof(st));
	buf = malloc(EMB_DNS_BUF);
	if (!buf) {
		*why = "out of memory";
		return -1;
	}
	if (res_ninit(&st)) {
		*why = "cannot read the resolver configuration";
		free(buf);
		return -1;
	}
	if (!query(&st, name, ns_t_a, buf, addrs, n, why) &&
	    !query(&st, name, ns_t_aaaa, buf, addrs, n, why))
		rc = 0;
	res_nclose(&st);
	free(buf);
	if (rc) {
		free(*addrs);
		*addrs = NULL;
		*n = 0;
	}
	return rc;
}

/* --- the table ------------------------------------------------------------ */

static struct emb_dns_name *table_find(const struct emb_dns_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcasecmp(t->names[i].name, name))
			return &t->names[i];
	return NULL;
}

const struct emb_dns_name *emb_dns_table_find(const struct emb_dns_table *t, const char *name)
{
	return t ? table_find(t, name) : NULL;
}

/* The entry of name, added empty if new; NULL when out of memory. */
static struct emb_dns_name *table_entry(struct emb_dns_table *t, const char *name)
{
	struct emb_dns_name *e = table_find(t, name), *grown;

	if (e)
		return e;
	grown = realloc(t->names, (t->n + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	t->names = grown;
	e = &t->names[t->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (!e->name)
		return NULL;
	t->n++;
	return e;
}

int emb_dns_table_set(struct emb_dns_table *t, const char *name, const struct emb_dns_addr *addrs,
		      size_t n, time_t expires)
{
	struct emb_dns_name *e = table_entry(t, name);
	struct emb_dns_addr *copy;

	if (!e)
		return -ENOMEM;
	copy = calloc(n ? n : 1, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	if (n)
		memcpy(copy, addrs, n * sizeof(*copy));
	free(e->addrs);
	e->addrs = copy;
	e->n_addrs = addrs_normalise(copy, n);
	e->expires = expires;
	e->error = NULL;
	return 0;
}

void emb_dns_table_free(struct emb_dns_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->names[i].name);
		free(t->names[i].addrs);
	}
	free(t->names);
	t->names = NULL;
	t->n = 0;
}

static uint32_t min_ttl(const struct emb_dns_addr *a, size_t n)
{
	uint32_t ttl = EMB_DNS_MAX_TTL;

	for (size_t i = 0; i < n; i++)
		if (a[i].ttl < ttl)
			ttl = a[i].ttl;
	return ttl < EMB_DNS_MIN_TTL ? EMB_DNS_MIN_TTL : ttl;
}

static int same_addrs(const struct emb_dns_name *e, const struct emb_dns_addr *a, size_t n)
{
	if (e->n_addrs != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (addr_cmp(&e->addrs[i], &a[i]))
			return 0;
	return 1;
}

/* Resolve one name: 1 when its addresses changed, 0 when not, -1 (OOM). */
static int refresh_one(struct emb_dns_table *t, const char *name, time_t now, emb_resolver_fn fn,
		       void *ctx)
{
	struct emb_dns_addr *a = NULL;
	struct emb_dns_name *e;
	const char *why = NULL;
	size_t n = 0;
	int changed, rc;

	if (fn(ctx, name, &a, &n, &why) || !n) {
		free(a);
		e = table_entry(t, name);
		if (!e)
			return -1;
		e->error = why ? why : "no address";
		e->expires = now + EMB_DNS_RETRY;
		return 0;
	}
	n = addrs_normalise(a, n);
	e = table_find(t, name);
	changed = !e || !same_addrs(e, a, n);
	rc = emb_dns_table_set(t, name, a, n, now + (time_t)min_ttl(a, n));
	free(a);
	return rc ? -1 : changed;
}

static int refresh_rules(struct emb_dns_table *t, const struct emb_vendor *v, time_t now,
			 emb_resolver_fn fn, void *ctx)
{
	int changed = 0;

	for (size_t i = 0; i < v->n_connect; i++) {
		const char *name = v->connect[i].host;
		const struct emb_dns_name *e;
		int rc;

		if (!name)
			continue;
		e = table_find(t, name);
		if (e && e->expires > now)
			continue;
		rc = refresh_one(t, name, now, fn, ctx);
		if (rc < 0)
			return -1;
		changed += rc;
	}
	return changed;
}

int emb_dns_refresh(struct emb_dns_table *t, const struct emb_policy_set *set, time_t now,
		    emb_resolver_fn fn, void *ctx)
{
	int changed = 0;

	if (!fn)
		fn = emb_resolve;
	for (size_t i = 0; i < set->n; i++) {
		const struct emb_policy *p = &set->policies[i];

		for (size_t k = 0; k < p->n_vendors; k++) {
			int rc = refresh_rules(t, &p->vendors[k], now, fn, ctx);

			if (rc < 0)
				return -1;
			changed += rc;
		}
	}
	return changed;
}

time_t emb_dns_next_refresh(const struct emb_dns_table *t)
{
	time_t next = 0;

	for (size_t i = 0; i < t->n; i++)
		if (!next || t->names[i].expires < next)
			next = t->names[i].expires;
	return next;
}
