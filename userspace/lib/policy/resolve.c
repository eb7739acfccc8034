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
#include <sys/types.h>

#define EMB_STR2(x) #x
#define EMB_STR(x) EMB_STR2(x)

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
		free(t->names[i].refused);
	}
	free(t->names);
	free(t->guard);
	t->names = NULL;
	t->guard = NULL;
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

static int same_refusals(const struct emb_dns_name *e, const struct emb_dns_refusal *r, size_t n)
{
	if (e->n_refused != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (addr_cmp(&e->refused[i].a, &r[i].a))
			return 0;
	return 1;
}

/*
 * Split a (sorted, unique) into what may be banned (kept in a, count
 * returned) and what may not (*refused, *n_refused): the guard's addresses,
 * then everything past EMB_DNS_MAX_ADDRS. -1 when out of memory.
 */
static ssize_t filter_addrs(const struct emb_dns_guard *g, struct emb_dns_addr *a, size_t n,
			    struct emb_dns_refusal **refused, size_t *n_refused)
{
	size_t kept = 0;

	*refused = calloc(n ? n : 1, sizeof(**refused));
	*n_refused = 0;
	if (!*refused)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *why = emb_dns_guard_why(g, a[i].family, a[i].addr);

		if (!why && kept >= EMB_DNS_MAX_ADDRS)
			why = "more addresses than a name may ban (" EMB_STR(EMB_DNS_MAX_ADDRS) ")";
		if (why) {
			(*refused)[*n_refused].a = a[i];
			(*refused)[(*n_refused)++].why = why;
			continue;
		}
		a[kept++] = a[i];
	}
	return (ssize_t)kept;
}

int emb_dns_apply(struct emb_dns_table *t, const char *name, time_t now, int rc, const char *why,
		  const struct emb_dns_addr *addrs, size_t n)
{
	struct emb_dns_refusal *refused = NULL;
	struct emb_dns_addr *a = NULL;
	struct emb_dns_name *e;
	size_t n_refused = 0;
	ssize_t kept = 0;
	int changed, err;

	if (!rc && n) {
		a = malloc(n * sizeof(*a));
		if (!a)
			return -1;
		memcpy(a, addrs, n * sizeof(*a));
		kept = filter_addrs(t->guard, a, addrs_normalise(a, n), &refused, &n_refused);
		if (kept < 0) {
			free(a);
			return -1;
		}
	}
	e = table_entry(t, name);
	if (!e) {
		free(a);
		free(refused);
		return -1;
	}
	if (n_refused || kept) {
		e->refusals_new = !same_refusals(e, refused, n_refused);
		free(e->refused);
		e->refused = refused;
		e->n_refused = n_refused;
		refused = NULL;
	}
	free(refused);
	if (rc || !kept) {
		/* Nothing to ban (a failure, no address, or only refused ones):
		 * the last addresses stay, fail closed. */
		e->error = rc ? (why ? why : "DNS query failed") :
			   n_refused ? "every address refused" : "no address";
		e->expires = now + EMB_DNS_RETRY;
		free(a);
		return 0;
	}
	changed = !same_addrs(e, a, (size_t)kept) || !e->addrs;
	err = emb_dns_table_set(t, name, a, (size_t)kept, now + (time_t)min_ttl(a, (size_t)kept));
	free(a);
	return err ? -1 : changed;
}

/* Resolve one name: 1 when its addresses changed, 0 when not, -1 (OOM). */
static int refresh_one(struct emb_dns_table *t, const char *name, time_t now, emb_resolver_fn fn,
		       void *ctx)
{
	struct emb_dns_addr *a = NULL;
	const char *why = NULL;
	size_t n = 0;
	int rc = fn(ctx, name, &a, &n, &why);

	rc = emb_dns_apply(t, name, now, rc, why, a, n);
	free(a);
	return rc;
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

/* Append name to *names unless there; -ENOMEM. */
static int due_add(const char ***names, size_t *n, const char *name)
{
	const char **grown;

	for (size_t i = 0; i < *n; i++)
		if (!strcasecmp((*names)[i], name))
			return 0;
	grown = realloc(*names, (*n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*names = grown;
	grown[(*n)++] = name;
	return 0;
}

int emb_dns_due(const struct emb_dns_table *t, const struct emb_policy_set *set, time_t now,
		const char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct emb_policy *p = &set->policies[i];

		for (size_t k = 0; k < p->n_vendors; k++) {
			const struct emb_vendor *v = &p->vendors[k];

			for (size_t c = 0; c < v->n_connect; c++) {
				const char *name = v->connect[c].host;
				const struct emb_dns_name *e;

				if (!name)
					continue;
				e = table_find(t, name);
				if ((!e || e->expires <= now) && due_add(names, n, name)) {
					free(*names);
					*names = NULL;
					*n = 0;
					return -ENOMEM;
				}
			}
		}
	}
	return 0;
}

int emb_dns_table_copy(struct emb_dns_table *dst, const struct emb_dns_table *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct emb_dns_name *s = &src->names[i];
		struct emb_dns_name *e;

		if (emb_dns_table_set(dst, s->name, s->addrs, s->n_addrs, s->expires))
			return -ENOMEM;
		e = table_find(dst, s->name);
		e->error = s->error;
		if (s->n_refused) {
			e->refused = malloc(s->n_refused * sizeof(*e->refused));
			if (!e->refused)
				return -ENOMEM;
			memcpy(e->refused, s->refused, s->n_refused * sizeof(*e->refused));
			e->n_refused = s->n_refused;
		}
	}
	return 0;
}
