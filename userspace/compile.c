// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "compile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "grow.h"
#include "pathglob.h"

/* A network rule before grouping: one CIDR with one port range. */
struct net_item {
	struct emb_cidr cidr;
	struct emb_net_rule rule;
	int line;
	const char *file;
};

struct net_items {
	struct net_item *v;
	size_t n, cap;
};

struct net_group {
	struct emb_cidr cidr;
	struct emb_net_value own;    /* rules written for exactly this prefix */
	struct emb_net_value merged; /* own + every containing prefix's */
	int line;
	const char *file;
};

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int rules_push(struct emb_compiled *c, const struct emb_rule *r)
{
	if (emb_reserve(&c->rules, &c->rules_cap, c->n_rules + 1, sizeof(*c->rules)))
		return -ENOMEM;
	c->rules[c->n_rules++] = *r;
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(((const struct emb_hash_entry *)a)->sha256,
		      ((const struct emb_hash_entry *)b)->sha256, EMB_SHA256_LEN);
}

#define HASH_BUCKETS 65536

/*
 * Sort the digests: a counting sort on their first two bytes, then qsort
 * within each bucket. Digests are uniform, so a bucket of a 1M-digest set
 * holds about 15 and this is linear; a set whose digests share a prefix
 * falls back to plain qsort cost, never worse. Out of memory: plain qsort.
 */
static void hashes_sort(struct emb_compiled *c)
{
	size_t *next = calloc(HASH_BUCKETS + 1, sizeof(*next));
	struct emb_hash_entry *sorted = malloc(c->n_hashes * sizeof(*sorted));
	size_t at = 0;

	if (!next || !sorted) {
		free(next);
		free(sorted);
		qsort(c->hashes, c->n_hashes, sizeof(*c->hashes), cmp_hash);
		return;
	}
	for (size_t i = 0; i < c->n_hashes; i++)
		next[c->hashes[i].sha256[0] << 8 | c->hashes[i].sha256[1]]++;
	for (size_t b = 0; b < HASH_BUCKETS; b++) {
		size_t n = next[b];

		next[b] = at;
		at += n;
	}
	for (size_t i = 0; i < c->n_hashes; i++)
		sorted[next[c->hashes[i].sha256[0] << 8 | c->hashes[i].sha256[1]]++] = c->hashes[i];
	/* next[b] is now the end of bucket b, the start of bucket b + 1. */
	for (size_t b = 0, start = 0; b < HASH_BUCKETS; start = next[b++])
		if (next[b] - start > 1)
			qsort(sorted + start, next[b] - start, sizeof(*sorted), cmp_hash);
	free(c->hashes);
	c->hashes = sorted;
	free(next);
}

/* Sort the digests and keep one entry per digest: the strongest action. */
static void hashes_dedup(struct emb_compiled *c)
{
	size_t out = 0;

	if (!c->n_hashes)
		return;
	hashes_sort(c);
	for (size_t i = 1; i < c->n_hashes; i++) {
		struct emb_hash_entry *keep = &c->hashes[out];

		if (memcmp(keep->sha256, c->hashes[i].sha256, EMB_SHA256_LEN) == 0) {
			if (c->hashes[i].verdict.action > keep->verdict.action)
				keep->verdict = c->hashes[i].verdict;
			continue;
		}
		c->hashes[++out] = c->hashes[i];
	}
	c->n_hashes = out + 1;
}

static int add_vendor_hashes(struct emb_compiled *c, const struct emb_policy *p,
			     const struct emb_vendor *v, enum emb_action action)
{
	struct emb_hash_entry *grown;

	if (!v->n_sha256)
		return 0;
	grown = realloc(c->hashes, (c->n_hashes + v->n_sha256) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->hashes = grown;
	for (size_t i = 0; i < v->n_sha256; i++) {
		struct emb_rule r = { .kind = EMB_RULE_SHA256, .action = action, .policy = p,
				      .vendor = v, .sha256 = v->sha256[i] };
		struct emb_hash_entry *h = &c->hashes[c->n_hashes++];

		memcpy(h->sha256, v->sha256[i], EMB_SHA256_LEN);
		h->verdict.action = action;
		h->verdict.rule_id = (uint32_t)c->n_rules;
		if (rules_push(c, &r))
			return -ENOMEM;
	}
	return 0;
}

static int items_push(struct net_items *items, const struct net_item *it)
{
	if (emb_reserve(&items->v, &items->cap, items->n + 1, sizeof(*items->v)))
		return -ENOMEM;
	items->v[items->n++] = *it;
	return 0;
}

/* One item per port range of cr, for one prefix. */
static int push_ranges(struct emb_compiled *c, const struct emb_policy *p,
		       const struct emb_connect_rule *cr, const struct emb_cidr *cidr,
		       enum emb_action action, struct net_items *items)
{
	size_t n_ranges = cr->n_ports ? cr->n_ports : 1;

	for (size_t k = 0; k < n_ranges; k++) {
		struct net_item it = { .cidr = *cidr, .line = cr->line, .file = p->file };

		it.rule.port_lo = cr->n_ports ? cr->ports[k].lo : 0;
		it.rule.port_hi = cr->n_ports ? cr->ports[k].hi : 65535;
		it.rule.proto_mask = (uint8_t)cr->proto_mask;
		it.rule.action = (uint8_t)action;
		it.rule.rule_id = (uint32_t)c->n_rules;
		if (items_push(items, &it))
			return -ENOMEM;
	}
	return 0;
}

static int pending_push(struct emb_compiled *c, const char *name)
{
	const char **grown;

	for (size_t i = 0; i < c->n_pending_hosts; i++)
		if (!strcasecmp(c->pending_hosts[i], name))
			return 0;
	grown = realloc(c->pending_hosts, (c->n_pending_hosts + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->pending_hosts = grown;
	c->pending_hosts[c->n_pending_hosts++] = name;
	return 0;
}

/* A host rule: a /32 or /128 per address the table has for the name. */
static int push_host(struct emb_compiled *c, const struct emb_policy *p,
		     const struct emb_connect_rule *cr, const struct emb_dns_table *dns,
		     enum emb_action action, struct net_items *items)
{
	const struct emb_dns_name *e = emb_dns_table_find(dns, cr->host);

	if (!e || !e->n_addrs)
		return pending_push(c, cr->host);
	for (size_t i = 0; i < e->n_addrs; i++) {
		struct emb_cidr one = { .family = e->addrs[i].family };

		one.prefix = one.family == AF_INET ? 32 : 128;
		memcpy(one.addr, e->addrs[i].addr, (size_t)addr_len(one.family));
		if (push_ranges(c, p, cr, &one, action, items))
			return -ENOMEM;
	}
	return 0;
}

static int add_vendor_net(struct emb_compiled *c, const struct emb_policy *p,
			  const struct emb_vendor *v, enum emb_action action,
			  const struct emb_dns_table *dns, struct net_items *items)
{
	for (size_t i = 0; i < v->n_connect; i++) {
		const struct emb_connect_rule *cr = &v->connect[i];
		struct emb_rule r = { .kind = EMB_RULE_NET, .action = action, .policy = p,
				      .vendor = v, .net = cr, .host = cr->host };
		int err = cr->host ? push_host(c, p, cr, dns, action, items) :
				     push_ranges(c, p, cr, &cr->cidr, action, items);

		if (err || rules_push(c, &r))
			return -ENOMEM;
	}
	return 0;
}

static int add_vendor_paths(struct emb_compiled *c, const struct emb_policy *p,
			    const struct emb_vendor *v, enum emb_action action)
{
	struct emb_path_entry *grown;

	if (!v->n_paths)
		return 0;
	grown = realloc(c->paths, (c->n_paths + v->n_paths) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->paths = grown;
	for (size_t i = 0; i < v->n_paths; i++) {
		struct emb_rule r = { .kind = EMB_RULE_PATH, .action = action, .policy = p,
				      .vendor = v, .glob = v->paths[i] };
		struct emb_path_entry *e = &c->paths[c->n_paths++];

		e->glob = v->paths[i];
		e->verdict.action = action;
		e->verdict.rule_id = (uint32_t)c->n_rules;
		if (rules_push(c, &r))
			return -ENOMEM;
	}
	return 0;
}

/* Family first: 0.0.0.0/0 and ::/0 are different prefixes. */
static int cmp_cidr(const struct emb_cidr *a, const struct emb_cidr *b)
{
	int r;

	if (a->family != b->family)
		return a->family - b->family;
	r = memcmp(a->addr, b->addr, (size_t)addr_len(a->family));
	return r ? r : a->prefix - b->prefix;
}

static int cmp_item(const void *a, const void *b)
{
	return cmp_cidr(&((const struct net_item *)a)->cidr, &((const struct net_item *)b)->cidr);
}

/* Does outer (a shorter or equal prefix) contain inner? */
static int cidr_contains(const struct emb_cidr *outer, const struct emb_cidr *inner)
{
	int full = outer->prefix / 8, rest = outer->prefix % 8;

	if (outer->family != inner->family || outer->prefix > inner->prefix)
		return 0;
	if (memcmp(outer->addr, inner->addr, (size_t)full))
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (outer->addr[full] & mask) == (inner->addr[full] & mask);
	}
	return 1;
}

/* Append rule unless the value already has one as strong for the same
 * ports and protocols. Returns -1 when the value is full. */
static int value_add(struct emb_net_value *v, const struct emb_net_rule *r)
{
	for (uint32_t i = 0; i < v->count; i++) {
		struct emb_net_rule *o = &v->rules[i];

		if (o->port_lo == r->port_lo && o->port_hi == r->port_hi &&
		    o->proto_mask == r->proto_mask) {
			if (r->action > o->action)
				*o = *r;
			return 0;
		}
	}
	if (v->count >= EMB_NET_RULES_PER_PREFIX)
		return -1;
	v->rules[v->count++] = *r;
	return 0;
}

static int value_merge(struct emb_net_value *dst, const struct emb_net_value *src)
{
	for (uint32_t i = 0; i < src->count; i++)
		if (value_add(dst, &src->rules[i]))
			return -1;
	return 0;
}

static void too_many(struct emb_diag *diag, const struct net_group *g)
{
	char buf[64];

	emb_cidr_format(&g->cidr, buf, sizeof(buf));
	emb_diag_add(diag, "%s:%d: more than %d port/protocol rules apply to %s", g->file, g->line,
		     EMB_NET_RULES_PER_PREFIX, buf);
}

/*
 * Group sorted items by prefix, then give each prefix the rules of every
 * prefix containing it. Sorted by (address, length), a prefix's ancestors
 * come before it, so a stack of open prefixes finds them.
 */
static int group_net(struct net_item *items, size_t n, struct net_group **out, size_t *n_out,
		     struct emb_diag *diag)
{
	struct net_group *groups = calloc(n ? n : 1, sizeof(*groups));
	size_t *stack = calloc(n ? n : 1, sizeof(*stack));
	size_t ng = 0, depth = 0;
	int err = 0;

	if (!groups || !stack) {
		err = -ENOMEM;
		goto out;
	}
	if (n)
		qsort(items, n, sizeof(*items), cmp_item);
	for (size_t i = 0; i < n; i++) {
		struct net_group *g = ng ? &groups[ng - 1] : NULL;

		if (!g || cmp_cidr(&g->cidr, &items[i].cidr)) {
			g = &groups[ng++];
			g->cidr = items[i].cidr;
			g->line = items[i].line;
			g->file = items[i].file;
		}
		if (value_add(&g->own, &items[i].rule)) {
			too_many(diag, g);
			err = -E2BIG;
			goto out;
		}
	}
	for (size_t i = 0; i < ng; i++) {
		struct net_group *g = &groups[i];

		while (depth && !cidr_contains(&groups[stack[depth - 1]].cidr, &g->cidr))
			depth--;
		g->merged = g->own;
		if (depth && value_merge(&g->merged, &groups[stack[depth - 1]].merged)) {
			too_many(diag, g);
			err = -E2BIG;
			goto out;
		}
		stack[depth++] = i;
	}
	*out = groups;
	*n_out = ng;
	groups = NULL;
out:
	free(groups);
	free(stack);
	return err;
}

static int emit_net(struct emb_compiled *c, const struct net_group *groups, size_t n)
{
	size_t n4 = 0, n6 = 0;

	for (size_t i = 0; i < n; i++)
		groups[i].cidr.family == AF_INET ? n4++ : n6++;
	c->net4 = calloc(n4 ? n4 : 1, sizeof(*c->net4));
	c->net6 = calloc(n6 ? n6 : 1, sizeof(*c->net6));
	if (!c->net4 || !c->net6)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct net_group *g = &groups[i];

		if (g->cidr.family == AF_INET) {
			struct emb_net4_entry *e = &c->net4[c->n_net4++];

			e->key.prefixlen = (uint32_t)g->cidr.prefix;
			memcpy(e->key.addr, g->cidr.addr, 4);
			e->value = g->merged;
		} else {
			struct emb_net6_entry *e = &c->net6[c->n_net6++];

			e->key.prefixlen = (uint32_t)g->cidr.prefix;
			memcpy(e->key.addr, g->cidr.addr, 16);
			e->value = g->merged;
		}
	}
	return 0;
}

static enum emb_action mode_action(enum emb_mode m)
{
	return m == EMB_MODE_ENFORCE ? EMB_ACT_DENY : m == EMB_MODE_AUDIT ? EMB_ACT_AUDIT : EMB_ACT_NONE;
}

static void note_change(struct emb_compiled *c, const struct emb_policy *p,
			const struct emb_host *host)
{
	time_t t = emb_policy_next_change(p, host, c->now);

	if (t && (!c->next_change || t < c->next_change))
		c->next_change = t;
}

static int compile_policies(const struct emb_policy_set *set, const struct emb_host *host,
			    const struct emb_dns_table *dns, struct emb_compiled *c,
			    struct net_items *items, struct emb_diag *diag)
{
	int err = 0;

	c->states = calloc(set->n ? set->n : 1, sizeof(*c->states));
	if (!c->states)
		return -ENOMEM;
	for (size_t i = 0; i < set->n; i++) {
		const struct emb_policy *p = &set->policies[i];
		struct emb_policy_state *st = &c->states[c->n_states++];

		st->policy = p;
		if (emb_policy_mode(p, host, c->now, &st->mode, diag)) {
			err = -EINVAL;
			continue;
		}
		note_change(c, p, host);
		if (st->mode == EMB_MODE_OFF)
			continue;
		for (size_t v = 0; v < p->n_vendors && !err; v++) {
			enum emb_action a = mode_action(st->mode);

			if (add_vendor_hashes(c, p, &p->vendors[v], a) ||
			    add_vendor_net(c, p, &p->vendors[v], a, dns, items) ||
			    add_vendor_paths(c, p, &p->vendors[v], a))
				err = -ENOMEM;
		}
	}
	return err;
}

int emb_compile_at(const struct emb_policy_set *set, const struct emb_host *host, time_t now,
		   const struct emb_dns_table *dns, struct emb_compiled *out, struct emb_diag *diag)
{
	struct emb_compiled c = { .now = now };
	struct net_items items = { 0 };
	struct net_group *groups = NULL;
	size_t n_groups = 0;
	int err;

	memset(out, 0, sizeof(*out));
	err = compile_policies(set, host, dns, &c, &items, diag);
	if (!err)
		err = group_net(items.v, items.n, &groups, &n_groups, diag);
	if (!err)
		err = emit_net(&c, groups, n_groups);
	if (err == -ENOMEM)
		emb_diag_add(diag, "out of memory compiling the policy set");
	if (err) {
		emb_compiled_free(&c);
		goto out;
	}
	hashes_dedup(&c);
	*out = c;
out:
	free(items.v);
	free(groups);
	return err ? -1 : 0;
}

int emb_compile(const struct emb_policy_set *set, const struct emb_host *host,
		struct emb_compiled *out, struct emb_diag *diag)
{
	return emb_compile_at(set, host, time(NULL), NULL, out, diag);
}

void emb_compiled_free(struct emb_compiled *c)
{
	free(c->paths);
	free(c->pending_hosts);
	free(c->states);
	free(c->rules);
	free(c->hashes);
	free(c->net4);
	free(c->net6);
	memset(c, 0, sizeof(*c));
}

const struct emb_verdict *emb_compiled_hash_verdict(const struct emb_compiled *c,
						    const uint8_t sha256[EMB_SHA256_LEN])
{
	struct emb_hash_entry key;
	const struct emb_hash_entry *hit;

	if (!c->n_hashes)
		return NULL;
	memcpy(key.sha256, sha256, EMB_SHA256_LEN);
	hit = bsearch(&key, c->hashes, c->n_hashes, sizeof(key), cmp_hash);
	return hit ? &hit->verdict : NULL;
}

/* Longest prefix among entries containing addr, like the kernel's LPM trie. */
static const struct emb_net_value *lpm_find(const struct emb_compiled *c, int family,
					    const uint8_t *addr)
{
	struct emb_cidr host = { .family = family, .prefix = family == AF_INET ? 32 : 128 };
	const struct emb_net_value *best = NULL;
	int best_len = -1;
	size_t n = family == AF_INET ? c->n_net4 : c->n_net6;

	memcpy(host.addr, addr, (size_t)addr_len(family));
	for (size_t i = 0; i < n; i++) {
		struct emb_cidr p = { .family = family };
		const struct emb_net_value *v;

		if (family == AF_INET) {
			p.prefix = (int)c->net4[i].key.prefixlen;
			memcpy(p.addr, c->net4[i].key.addr, 4);
			v = &c->net4[i].value;
		} else {
			p.prefix = (int)c->net6[i].key.prefixlen;
			memcpy(p.addr, c->net6[i].key.addr, 16);
			v = &c->net6[i].value;
		}
		if (p.prefix > best_len && cidr_contains(&p, &host)) {
			best = v;
			best_len = p.prefix;
		}
	}
	return best;
}

struct emb_verdict emb_compiled_net_verdict(const struct emb_compiled *c, int family,
					    const uint8_t *addr, int port, unsigned proto)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct emb_verdict out = { 0 };
	const struct emb_net_value *v;

	if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
		family = AF_INET;
		addr += 12;
	}
	v = lpm_find(c, family, addr);
	if (!v)
		return out;
	/* Same walk as emb_match_rules() in bpf/emb_decide.bpf.h. */
	for (uint32_t i = 0; i < v->count; i++) {
		const struct emb_net_rule *r = &v->rules[i];

		if (!(r->proto_mask & proto))
			continue;
		if (port >= 0 && (port < r->port_lo || port > r->port_hi))
			continue;
		if (r->action > out.action) {
			out.action = r->action;
			out.rule_id = r->rule_id;
		}
	}
	return out;
}

struct emb_verdict emb_compiled_path_verdict(const struct emb_compiled *c, const char *path)
{
	struct emb_verdict out = { 0 };

	for (size_t i = 0; i < c->n_paths; i++) {
		const struct emb_path_entry *e = &c->paths[i];

		if (e->verdict.action > out.action && emb_glob_match(e->glob, path))
			out = e->verdict;
	}
	return out;
}

time_t emb_compiled_next_change(const struct emb_compiled *c)
{
	return c->next_change;
}

const struct emb_rule *emb_compiled_rule(const struct emb_compiled *c, uint32_t rule_id)
{
	return rule_id < c->n_rules ? &c->rules[rule_id] : NULL;
}
