// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "compile.h"
#include "emb_v4embed.h"
#include "pagemem.h"

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

/* A prefix whose rules its longer prefixes inherit (group_net()). */
struct open_prefix {
	struct emb_cidr cidr;
	const struct emb_net_value *value;
};

/* Nested prefixes of one family have strictly growing lengths: 0..128. */
#define MAX_NESTED_PREFIXES 129

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* A record for the next n_ids rule ids. */
static int rules_push(struct emb_compiled *c, const struct emb_rule *r, size_t n_ids)
{
	if (emb_reserve(&c->records, &c->records_cap, c->n_records + 1, sizeof(*c->records)))
		return -ENOMEM;
	c->records[c->n_records++] = (struct emb_rule_record){ .rule = *r,
							       .first_id = (uint32_t)c->n_rules,
							       .n_ids = (uint32_t)n_ids };
	c->n_rules += n_ids;
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(((const struct emb_hash_entry *)a)->sha256,
		      ((const struct emb_hash_entry *)b)->sha256, EMB_SHA256_LEN);
}

#define BUCKET_INSERTION_MAX 32

/* Within a bucket: insertion sort for the few a uniform set puts there,
 * qsort when a set's digests share a prefix (never worse than qsort). */
static void bucket_sort(struct emb_hash_entry *v, size_t n)
{
	if (n > BUCKET_INSERTION_MAX) {
		qsort(v, n, sizeof(*v), cmp_hash);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct emb_hash_entry e = v[i];
		size_t j = i;

		for (; j && memcmp(v[j - 1].sha256, e.sha256, EMB_SHA256_LEN) > 0; j--)
			v[j] = v[j - 1];
		v[j] = e;
	}
}

/* Offsets from counts, in place: start[b] = sum of count[0..b). */
static void bucket_starts(size_t *count, size_t n)
{
	for (size_t b = 0, at = 0; b < n; b++) {
		size_t k = count[b];

		count[b] = at;
		at += k;
	}
}

/* Sort v[0..n) (digests sharing their first byte) by the second byte
 * through scratch (room for n), then each of those buckets in place. One
 * first-byte bucket's scatter stays in cache. */
static void sort_by_second_byte(struct emb_hash_entry *v, struct emb_hash_entry *scratch, size_t n)
{
	size_t next[256] = { 0 }, end[256];

	memcpy(scratch, v, n * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		next[scratch[i].sha256[1]]++;
	bucket_starts(next, 256);
	for (size_t i = 0; i < n; i++)
		v[next[scratch[i].sha256[1]]++] = scratch[i];
	memcpy(end, next, sizeof(end)); /* next[b]: now the end of bucket b */
	for (size_t b = 0, start = 0; b < 256; start = end[b++])
		if (end[b] - start > 1)
			bucket_sort(v + start, end[b] - start);
}

/*
 * The digest table from the sha256 records, sorted: digests are placed by
 * their first byte straight from the vendors' lists (256 write streams:
 * a scatter over the whole table missed the cache and the TLB at every
 * write), then each first-byte bucket by its second byte, then the ~15
 * left per bucket of a uniform 1M set by insertion. Fresh memory is dear
 * (a page fault each 4 KiB): the only large buffer is the table itself.
 */
static int hashes_build(struct emb_compiled *c)
{
	size_t next[256] = { 0 }, total = 0, largest = 0;
	struct emb_hash_entry *scratch;

	for (size_t r = 0; r < c->n_records; r++) {
		const struct emb_rule_record *rec = &c->records[r];

		if (rec->rule.kind != EMB_RULE_SHA256)
			continue;
		for (size_t i = 0; i < rec->n_ids; i++)
			next[rec->rule.vendor->sha256[i][0]]++;
		total += rec->n_ids;
	}
	for (size_t b = 0; b < 256; b++)
		largest = next[b] > largest ? next[b] : largest;
	c->hashes = emb_big_malloc((total ? total : 1) * sizeof(*c->hashes));
	scratch = malloc((largest ? largest : 1) * sizeof(*scratch));
	if (!c->hashes || !scratch) {
		free(scratch);
		return -ENOMEM;
	}
	bucket_starts(next, 256);
	for (size_t r = 0; r < c->n_records; r++) {
		const struct emb_rule_record *rec = &c->records[r];

		if (rec->rule.kind != EMB_RULE_SHA256)
			continue;
		for (size_t i = 0; i < rec->n_ids; i++) {
			const uint8_t *d = rec->rule.vendor->sha256[i];
			struct emb_hash_entry *h = &c->hashes[next[d[0]]++];

			memcpy(h->sha256, d, EMB_SHA256_LEN);
			h->verdict.action = rec->rule.action;
			h->verdict.rule_id = rec->first_id + (uint32_t)i;
		}
	}
	/* next[b] is now the end of bucket b, the start of bucket b + 1. */
	for (size_t b = 0, start = 0; b < 256; start = next[b++])
		sort_by_second_byte(c->hashes + start, scratch, next[b] - start);
	c->n_hashes = total;
	free(scratch);
	return 0;
}

/* Keep one entry per digest: the strongest action. */
static void hashes_dedup(struct emb_compiled *c)
{
	size_t out = 0;

	if (!c->n_hashes)
		return;
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

/* One record for the vendor's whole list: ids first_id + index. */
static int add_vendor_hashes(struct emb_compiled *c, const struct emb_policy *p,
			     const struct emb_vendor *v, enum emb_action action)
{
	struct emb_rule r = { .kind = EMB_RULE_SHA256, .action = action, .policy = p, .vendor = v };

	return v->n_sha256 ? rules_push(c, &r, v->n_sha256) : 0;
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

		if (err || rules_push(c, &r, 1))
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
		if (rules_push(c, &r, 1))
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

static void too_many(struct emb_diag *diag, const struct net_item *first)
{
	char buf[64];

	emb_cidr_format(&first->cidr, buf, sizeof(buf));
	emb_diag_add(diag, "%s:%d: more than %d port/protocol rules apply to %s", first->file,
		     first->line, EMB_NET_RULES_PER_PREFIX, buf);
}

/* A new entry of c's net4 or net6 for cidr, with no rules yet. */
static struct emb_net_value *net_entry(struct emb_compiled *c, const struct emb_cidr *cidr)
{
	struct emb_net_value *v;

	if (cidr->family == AF_INET) {
		struct emb_net4_entry *e = &c->net4[c->n_net4++];

		e->key.prefixlen = (uint32_t)cidr->prefix;
		memcpy(e->key.addr, cidr->addr, 4);
		v = &e->value;
	} else {
		struct emb_net6_entry *e = &c->net6[c->n_net6++];

		e->key.prefixlen = (uint32_t)cidr->prefix;
		memcpy(e->key.addr, cidr->addr, 16);
		v = &e->value;
	}
	memset(v, 0, sizeof(*v)); /* unused rule slots reach the map as zeros */
	return v;
}

/*
 * The LPM entries, straight into c->net4 and c->net6: items sorted by
 * (family, address, length) give each prefix's items together, and a
 * prefix's ancestors before it, so a stack of open prefixes hands each
 * one the rules of every prefix containing it.
 */
static int group_net(struct emb_compiled *c, struct net_item *items, size_t n,
		     struct emb_diag *diag)
{
	struct open_prefix open[MAX_NESTED_PREFIXES];
	size_t n4 = 0, n6 = 0, depth = 0;

	if (n)
		qsort(items, n, sizeof(*items), cmp_item);
	for (size_t i = 0; i < n; i++)
		if (!i || cmp_cidr(&items[i - 1].cidr, &items[i].cidr))
			items[i].cidr.family == AF_INET ? n4++ : n6++;
	c->net4 = emb_big_malloc((n4 ? n4 : 1) * sizeof(*c->net4));
	c->net6 = emb_big_malloc((n6 ? n6 : 1) * sizeof(*c->net6));
	if (!c->net4 || !c->net6)
		return -ENOMEM;
	for (size_t i = 0, j; i < n; i = j) {
		struct emb_net_value *v = net_entry(c, &items[i].cidr);

		for (j = i; j < n && !cmp_cidr(&items[i].cidr, &items[j].cidr); j++)
			if (value_add(v, &items[j].rule))
				goto full;
		while (depth && !cidr_contains(&open[depth - 1].cidr, &items[i].cidr))
			depth--;
		if (depth && value_merge(v, open[depth - 1].value))
			goto full;
		open[depth++] = (struct open_prefix){ items[i].cidr, v };
		continue;
full:
		too_many(diag, &items[i]);
		return -E2BIG;
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

/* The kernel's mode for files not hashed yet (see compile.h). */
int emb_compiled_has_deny_rule(const struct emb_compiled *c)
{
	for (size_t i = 0; i < c->n_hashes; i++)
		if (c->hashes[i].verdict.action == EMB_ACT_DENY)
			return 1;
	for (size_t i = 0; i < c->n_paths; i++)
		if (c->paths[i].verdict.action == EMB_ACT_DENY)
			return 1;
	return 0;
}

static uint32_t unverified_mode(const struct emb_compiled *c, const struct emb_host *host)
{
	if (!c->n_hashes && !c->n_paths)
		return EMB_UNV_OFF;
	return host->unverified == EMB_UNVERIFIED_DENY && emb_compiled_has_deny_rule(c) ?
		       EMB_UNV_DENY : EMB_UNV_ALLOW;
}

int emb_compile_at(const struct emb_policy_set *set, const struct emb_host *host, time_t now,
		   const struct emb_dns_table *dns, struct emb_compiled *out, struct emb_diag *diag)
{
	struct emb_compiled c = { .now = now };
	struct net_items items = { 0 };
	int err;

	memset(out, 0, sizeof(*out));
	err = compile_policies(set, host, dns, &c, &items, diag);
	err = err ?: group_net(&c, items.v, items.n, diag);
	err = err ?: hashes_build(&c);
	if (err == -ENOMEM)
		emb_diag_add(diag, "out of memory compiling the policy set");
	if (err) {
		emb_compiled_free(&c);
		goto out;
	}
	hashes_dedup(&c);
	c.unverified = unverified_mode(&c, host);
	*out = c;
out:
	free(items.v);
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
	free(c->records);
	free(c->hashes);
	free(c->net4);
	free(c->net6);
	memset(c, 0, sizeof(*c));
}

/* n entries at base, stride bytes apart, each starting with its LPM key
 * (prefixlen, then alen address bytes), sorted as group_net emits them. */
static int has_prefix(const void *base, size_t n, size_t stride, size_t alen, const uint8_t *addr,
		      uint32_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint8_t *e = (const uint8_t *)base + mid * stride;
		uint32_t elen;
		int r;

		memcpy(&elen, e, sizeof(elen));
		r = memcmp(e + sizeof(elen), addr, alen);
		if (!r)
			r = elen < len ? -1 : elen > len;
		if (!r)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

_Static_assert(offsetof(struct emb_net4_entry, key) == 0 &&
		       offsetof(struct emb_net6_entry, key) == 0 &&
		       offsetof(struct emb_lpm4_key, addr) == sizeof(uint32_t) &&
		       offsetof(struct emb_lpm6_key, addr) == sizeof(uint32_t),
	       "has_prefix() reads the LPM key at the start of each entry");

int emb_compiled_has_net4(const struct emb_compiled *c, const struct emb_lpm4_key *k)
{
	return has_prefix(c->net4, c->n_net4, sizeof(*c->net4), 4, k->addr, k->prefixlen);
}

int emb_compiled_has_net6(const struct emb_compiled *c, const struct emb_lpm6_key *k)
{
	return has_prefix(c->net6, c->n_net6, sizeof(*c->net6), 16, k->addr, k->prefixlen);
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

/* The strongest rule of the longest prefix containing addr (family's
 * table) that covers (port, proto) into out. */
static void net_match(const struct emb_compiled *c, int family, const uint8_t *addr, int port,
		      unsigned proto, struct emb_verdict *out)
{
	const struct emb_net_value *v = lpm_find(c, family, addr);

	if (!v)
		return;
	/* Same walk as emb_match_rules() in bpf/emb_decide.bpf.h. */
	for (uint32_t i = 0; i < v->count; i++) {
		const struct emb_net_rule *r = &v->rules[i];

		if (!(r->proto_mask & proto))
			continue;
		if (port >= 0 && (port < r->port_lo || port > r->port_hi))
			continue;
		if (r->action > out->action) {
			out->action = r->action;
			out->rule_id = r->rule_id;
		}
	}
}

struct emb_verdict emb_compiled_net_verdict(const struct emb_compiled *c, int family,
					    const uint8_t *addr, int port, unsigned proto)
{
	struct emb_verdict out = { 0 };
	uint8_t v4[EMB_V4_EMBED_MAX][4];
	int n;

	if (family == AF_INET) {
		net_match(c, AF_INET, addr, port, proto, &out);
		return out;
	}
	/* As emb_decide_net6(): the IPv4 addresses it carries, then its own
	 * rules unless it is IPv4 on the wire. */
	n = emb_v4_embedded(addr, v4);
	for (int i = 0; i < EMB_V4_COUNT(n); i++)
		net_match(c, AF_INET, v4[i], port, proto, &out);
	if (!(n & EMB_V4_ONLY))
		net_match(c, AF_INET6, addr, port, proto, &out);
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

const struct emb_rule *emb_compiled_rule(const struct emb_compiled *c, uint32_t rule_id,
					 struct emb_rule *out)
{
	size_t lo = 0, hi = c->n_records;

	if (rule_id >= c->n_rules)
		return NULL;
	/* The last record whose first id is at most rule_id. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (c->records[mid].first_id <= rule_id)
			lo = mid;
		else
			hi = mid;
	}
	*out = c->records[lo].rule;
	if (out->kind == EMB_RULE_SHA256)
		out->sha256 = out->vendor->sha256[rule_id - c->records[lo].first_id];
	return out;
}
