// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * policy.c - policy files: parser, set loader, modes.
 *
 * Fail closed: an unknown key, a value of the wrong type or any YAML oddity
 * (aliases, several documents; see ydoc.c) is an error, and a policy with
 * any error is refused whole. Errors are collected (sorted by position)
 * rather than stopping at the first one.
 */
#include "policy.h"
#include "pagemem.h"

#include "embargo_abi.h"
#include "pathglob.h"
#include "ydoc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define EMB_ID_MAX 64
#define BIT(n) (1u << (n))

/* ------------------------------------------------------------------------ */
/* Policy                                                                     */
/* ------------------------------------------------------------------------ */

enum {
	P_EMBARGO,
	P_ID,
	P_TITLE,
	P_REFERENCE,
	P_SCHEME,
	P_ENFORCE,
	P_AUDIT,
	P_VENDORS,
	P_ENFORCE_FROM,
	P_CONTAIN,
	P_NKEYS,
};

static const char *const policy_keys[P_NKEYS] = {
	[P_EMBARGO] = "embargo",	 [P_ID] = "id",
	[P_TITLE] = "title",		 [P_REFERENCE] = "reference",
	[P_SCHEME] = "scheme",		 [P_ENFORCE] = "enforce",
	[P_AUDIT] = "audit",		 [P_VENDORS] = "vendors",
	[P_ENFORCE_FROM] = "enforce_from", [P_CONTAIN] = "contain",
};

#define VENDOR_REQUIRED (BIT(P_EMBARGO) | BIT(P_ID) | BIT(P_SCHEME) | BIT(P_ENFORCE) | BIT(P_VENDORS))
#define CONTAIN_REQUIRED (BIT(P_EMBARGO) | BIT(P_ID) | BIT(P_CONTAIN))
/* Keys of a vendor policy that a containment policy must not have. */
#define CONTAIN_FORBIDDEN \
	(BIT(P_SCHEME) | BIT(P_ENFORCE) | BIT(P_AUDIT) | BIT(P_ENFORCE_FROM) | BIT(P_VENDORS))

enum { V_NAME, V_SHA256, V_CONNECT, V_PATHS, V_NKEYS };

static const char *const vendor_keys[V_NKEYS] = {
	[V_NAME] = "name",
	[V_SHA256] = "sha256",
	[V_CONNECT] = "connect",
	[V_PATHS] = "paths",
};

/* C_HOST last: a containment allow rule has the keys before it. */
enum { C_CIDR, C_PORTS, C_PROTO, C_HOST, C_NKEYS };

static const char *const connect_keys[C_NKEYS] = {
	[C_CIDR] = "cidr",
	[C_PORTS] = "ports",
	[C_PROTO] = "proto",
	[C_HOST] = "host",
};

enum { CT_ALLOW, CT_NKEYS };

static const char *const contain_keys[CT_NKEYS] = {
	[CT_ALLOW] = "allow",
};

static char *dup_or_oom(struct emb_ydoc *y, const struct emb_ynode *n, const char *s)
{
	char *d = strdup(s);

	if (!d)
		emb_ydoc_err(y, n, "out of memory");
	return d;
}

static void *calloc_or_oom(struct emb_ydoc *y, const struct emb_ynode *n, size_t count, size_t size)
{
	void *p = emb_big_calloc(count ? count : 1, size); /* 200k digests: 6 MiB */

	if (!p)
		emb_ydoc_err(y, n, "out of memory");
	return p;
}

/* A non-empty string value, copied; NULL on error (recorded). */
static char *dup_string(struct emb_ydoc *y, struct emb_ynode *n, const char *key)
{
	const char *s = emb_ydoc_str(y, n, key);

	if (!s)
		return NULL;
	if (!*s) {
		emb_ydoc_err(y, n, "'%s' must not be empty", key);
		return NULL;
	}
	return dup_or_oom(y, n, s);
}

static void parse_version(struct emb_ydoc *y, struct emb_ynode *n)
{
	const char *s = emb_ydoc_str(y, n, "embargo");

	if (!s)
		return;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		emb_ydoc_err(y, n, "'embargo' must be an integer");
	else if (strcmp(s, "1"))
		emb_ydoc_err(y, n, "unsupported schema version '%s' (expected 1)", emb_ydoc_q(y, s));
}

static int id_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > EMB_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static char *parse_id(struct emb_ydoc *y, struct emb_ynode *n)
{
	const char *s = emb_ydoc_str(y, n, "id");

	if (!s)
		return NULL;
	if (!id_valid(s)) {
		emb_ydoc_err(y, n, "invalid id '%s': use 1 to 64 characters of [a-z0-9._-]",
			     emb_ydoc_q(y, s));
		return NULL;
	}
	return dup_or_oom(y, n, s);
}

static const struct emb_scheme *parse_scheme(struct emb_ydoc *y, struct emb_ynode *n,
					     const struct emb_scheme_set *schemes)
{
	const char *s = emb_ydoc_str(y, n, "scheme");
	const struct emb_scheme *sc;

	if (!s)
		return NULL;
	sc = emb_scheme_lookup(schemes, s);
	if (!sc)
		emb_ydoc_err(y, n, "unknown scheme '%s'", emb_ydoc_q(y, s));
	return sc;
}

/* Level index, or -1 (an error is recorded unless the scheme is unknown). */
static int parse_level(struct emb_ydoc *y, struct emb_ynode *n, const char *key, const struct emb_scheme *sc)
{
	const char *s = emb_ydoc_str(y, n, key);
	int idx;

	if (!s || !sc)
		return -1;
	idx = emb_level_find(sc, s);
	if (idx < 0)
		emb_ydoc_err(y, n, "unknown level '%s' for scheme %s", emb_ydoc_q(y, s), sc->name);
	return idx;
}

/* One more than the value of each hex digit; 0 for every other byte. A
 * table, because a 1M-digest policy decodes 64M characters each reload. */
static const uint8_t HEX1[256] = {
	['0'] = 1,   ['1'] = 2,   ['2'] = 3,   ['3'] = 4,   ['4'] = 5,   ['5'] = 6,
	['6'] = 7,   ['7'] = 8,   ['8'] = 9,   ['9'] = 10,  ['a'] = 11,  ['b'] = 12,
	['c'] = 13,  ['d'] = 14,  ['e'] = 15,  ['f'] = 16,  ['A'] = 11,  ['B'] = 12,
	['C'] = 13,  ['D'] = 14,  ['E'] = 15,  ['F'] = 16,
};

static int parse_hex256(const char *s, uint8_t out[EMB_SHA256_LEN])
{
	int bad = 0;

	if (strlen(s) != EMB_SHA256_LEN * 2)
		return -1;
	for (int i = 0; i < EMB_SHA256_LEN; i++) {
		uint8_t hi = HEX1[(unsigned char)s[2 * i]], lo = HEX1[(unsigned char)s[2 * i + 1]];

		bad |= !hi | !lo;
		out[i] = (uint8_t)(((hi - 1u) & 15u) << 4 | ((lo - 1u) & 15u));
	}
	return bad ? -1 : 0;
}

static void parse_sha256s(struct emb_ydoc *y, struct emb_ynode *seq, struct emb_vendor *v)
{
	int count = emb_ydoc_seq(y, seq, "sha256", 0);

	if (count <= 0)
		return;
	v->sha256 = calloc_or_oom(y, seq, (size_t)count, sizeof(*v->sha256));
	if (!v->sha256)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);
		const char *s;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'sha256' entries must be scalars");
			continue;
		}
		s = emb_ydoc_str(y, item, "sha256");
		if (s && parse_hex256(s, v->sha256[v->n_sha256]))
			emb_ydoc_err(y, item, "invalid sha256 '%s': expected 64 hex digits",
				     emb_ydoc_q(y, s));
		else if (s)
			v->n_sha256++;
	}
}

static void parse_ports(struct emb_ydoc *y, struct emb_ynode *seq, struct emb_connect_rule *r)
{
	int count = emb_ydoc_seq(y, seq, "ports", 1);

	if (count <= 0)
		return;
	r->ports = calloc_or_oom(y, seq, (size_t)count, sizeof(*r->ports));
	if (!r->ports)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);
		const char *s, *why = NULL;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'ports' entries must be scalars");
			continue;
		}
		s = emb_ydoc_str(y, item, "ports");
		if (s && emb_port_range_parse(s, &r->ports[r->n_ports], &why))
			emb_ydoc_err(y, item, "port '%s': %s", emb_ydoc_q(y, s), why);
		else if (s)
			r->n_ports++;
	}
}

static unsigned parse_proto(struct emb_ydoc *y, struct emb_ynode *n)
{
	const char *s = emb_ydoc_str(y, n, "proto");

	if (!s)
		return 0;
	if (!strcmp(s, "tcp"))
		return EMB_PROTO_TCP;
	if (!strcmp(s, "udp"))
		return EMB_PROTO_UDP;
	if (!strcmp(s, "any"))
		return EMB_PROTO_ANY;
	emb_ydoc_err(y, n, "unknown proto '%s' (expected tcp, udp or any)", emb_ydoc_q(y, s));
	return 0;
}

static void parse_cidr(struct emb_ydoc *y, struct emb_ynode *n, struct emb_cidr *c)
{
	const char *s = emb_ydoc_str(y, n, "cidr"), *why = NULL;

	if (s && emb_cidr_parse(s, c, &why))
		emb_ydoc_err(y, n, "cidr '%s': %s", emb_ydoc_q(y, s), why);
}

static char *parse_host(struct emb_ydoc *y, struct emb_ynode *n)
{
	const char *s = emb_ydoc_str(y, n, "host"), *why = NULL;

	if (!s)
		return NULL;
	if (emb_dns_name_check(s, &why)) {
		emb_ydoc_err(y, n, "bad host name '%s': %s", emb_ydoc_q(y, s), why);
		return NULL;
	}
	return dup_or_oom(y, n, s);
}

/* A connect rule (with_host) or a containment allow rule (cidr only). */
static void parse_rule(struct emb_ydoc *y, struct emb_ynode *map, struct emb_connect_rule *r,
		       int with_host)
{
	struct emb_ynode *vals[C_NKEYS];

	r->line = (int)map->start_mark.line + 1;
	r->proto_mask = EMB_PROTO_ANY;
	emb_ydoc_map(y, map, connect_keys, with_host ? C_NKEYS : C_HOST,
		     with_host ? 0 : BIT(C_CIDR), 0, vals);
	if (!with_host)
		vals[C_HOST] = NULL;
	if (with_host && !vals[C_CIDR] && !vals[C_HOST])
		emb_ydoc_err(y, map, "missing required key 'cidr' or 'host'");
	if (vals[C_CIDR] && vals[C_HOST])
		emb_ydoc_err(y, map, "give one of 'cidr' and 'host', not both");
	if (vals[C_CIDR])
		parse_cidr(y, vals[C_CIDR], &r->cidr);
	else if (vals[C_HOST])
		r->host = parse_host(y, vals[C_HOST]);
	if (vals[C_PORTS])
		parse_ports(y, vals[C_PORTS], r);
	if (vals[C_PROTO])
		r->proto_mask = parse_proto(y, vals[C_PROTO]);
}

static void parse_connect(struct emb_ydoc *y, struct emb_ynode *seq, struct emb_vendor *v)
{
	int count = emb_ydoc_seq(y, seq, "connect", 0);

	if (count <= 0)
		return;
	v->connect = calloc_or_oom(y, seq, (size_t)count, sizeof(*v->connect));
	if (!v->connect)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);

		if (item->type != YAML_MAPPING_NODE) {
			emb_ydoc_err(y, item, "'connect' entries must be mappings");
			continue;
		}
		parse_rule(y, item, &v->connect[v->n_connect++], 1);
	}
}

/* Items of a list value, 0 when absent, -1 when not a list (already reported). */
static int count_items(struct emb_ynode *n)
{
	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return -1;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static void parse_globs(struct emb_ydoc *y, struct emb_ynode *seq, struct emb_vendor *v)
{
	int count = emb_ydoc_seq(y, seq, "paths", 0);

	if (count <= 0)
		return;
	v->paths = calloc_or_oom(y, seq, (size_t)count, sizeof(*v->paths));
	if (!v->paths)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);
		const char *s, *why = NULL;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'paths' entries must be scalars");
			continue;
		}
		s = emb_ydoc_str(y, item, "paths");
		if (s && emb_glob_check(s, &why))
			emb_ydoc_err(y, item, "bad glob '%s': %s", emb_ydoc_q(y, s), why);
		else if (s && (v->paths[v->n_paths] = dup_or_oom(y, item, s)))
			v->n_paths++;
	}
}

static void parse_vendor(struct emb_ydoc *y, struct emb_ynode *map, struct emb_vendor *v)
{
	struct emb_ynode *vals[V_NKEYS];
	int n_sha, n_conn, n_paths;

	emb_ydoc_map(y, map, vendor_keys, V_NKEYS, BIT(V_NAME), 0, vals);
	if (vals[V_NAME])
		v->name = dup_string(y, vals[V_NAME], "name");
	if (vals[V_SHA256])
		parse_sha256s(y, vals[V_SHA256], v);
	if (vals[V_CONNECT])
		parse_connect(y, vals[V_CONNECT], v);
	if (vals[V_PATHS])
		parse_globs(y, vals[V_PATHS], v);
	/* A list of the wrong type was reported already. */
	n_sha = count_items(vals[V_SHA256]);
	n_conn = count_items(vals[V_CONNECT]);
	n_paths = count_items(vals[V_PATHS]);
	if (n_sha < 0 || n_conn < 0 || n_paths < 0 || n_sha + n_conn + n_paths > 0)
		return;
	if (v->name)
		emb_ydoc_err(y, map, "vendor '%s' bans nothing: give sha256, paths or connect",
			     emb_ydoc_q(y, v->name));
	else
		emb_ydoc_err(y, map, "vendor bans nothing: give sha256, paths or connect");
}

static void parse_vendors(struct emb_ydoc *y, struct emb_ynode *seq, struct emb_policy *p)
{
	int count = emb_ydoc_seq(y, seq, "vendors", 1);

	if (count <= 0)
		return;
	p->vendors = calloc_or_oom(y, seq, (size_t)count, sizeof(*p->vendors));
	if (!p->vendors)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);

		if (item->type != YAML_MAPPING_NODE) {
			emb_ydoc_err(y, item, "'vendors' entries must be mappings");
			continue;
		}
		parse_vendor(y, item, &p->vendors[p->n_vendors++]);
	}
}

static void parse_levels(struct emb_ydoc *y, struct emb_ynode **vals, const struct emb_scheme *sc,
			 struct emb_policy *p)
{
	p->enforce = -1;
	p->audit = -1;
	if (vals[P_ENFORCE])
		p->enforce = parse_level(y, vals[P_ENFORCE], "enforce", sc);
	if (vals[P_AUDIT])
		p->audit = parse_level(y, vals[P_AUDIT], "audit", sc);
	if (p->enforce >= 0 && p->audit >= p->enforce)
		emb_ydoc_err(y, vals[P_AUDIT], "audit level '%s' must be below enforce level '%s'",
			     emb_level_name(sc, p->audit), emb_level_name(sc, p->enforce));
}

/* "DD" at s: two digits; returns the value or -1. */
static int two_digits(const char *s)
{
	return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) ?
		       (s[0] - '0') * 10 + (s[1] - '0') : -1;
}

/*
 * The instant of a date "YYYY-MM-DD" (midnight UTC) or a UTC time
 * "YYYY-MM-DDTHH:MM:SSZ" (for a deadline at a given hour), or -1 when the
 * text has neither form. *real is cleared for a day or time that does not
 * exist (2017-02-30, 24:00:00).
 */
static time_t parse_instant(const char *s, int *real)
{
	size_t len = strlen(s);
	struct tm tm = { 0 };
	int year;

	*real = 1;
	if ((len != 10 && len != 20) || strspn(s, "0123456789") != 4 || s[4] != '-' ||
	    two_digits(s + 5) < 0 || s[7] != '-' || two_digits(s + 8) < 0)
		return -1;
	if (len == 20 && (s[10] != 'T' || two_digits(s + 11) < 0 || s[13] != ':' ||
			  two_digits(s + 14) < 0 || s[16] != ':' || two_digits(s + 17) < 0 ||
			  s[19] != 'Z'))
		return -1;
	year = atoi(s);
	tm.tm_year = year - 1900;
	tm.tm_mon = two_digits(s + 5) - 1;
	tm.tm_mday = two_digits(s + 8);
	if (len == 20) {
		tm.tm_hour = two_digits(s + 11);
		tm.tm_min = two_digits(s + 14);
		tm.tm_sec = two_digits(s + 17);
	}
	/* timegm normalises 2017-02-30 to 2017-03-02: a changed field is a
	 * day (or time) that does not exist. */
	{
		struct tm want = tm;
		time_t t = timegm(&tm);

		if (year == 0 || tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon ||
		    tm.tm_mday != want.tm_mday || tm.tm_hour != want.tm_hour ||
		    tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec)
			*real = 0;
		return t;
	}
}

/*
 * enforce_from: YYYY-MM-DD exactly (ISO 8601 calendar date), a real date,
 * taken as midnight UTC; or YYYY-MM-DDTHH:MM:SSZ for a deadline at a given
 * UTC time. Instants at or before the epoch mean "already".
 */
static void parse_enforce_from(struct emb_ydoc *y, struct emb_ynode *n, struct emb_policy *p)
{
	const char *s = emb_ydoc_str(y, n, "enforce_from");
	time_t t;
	int real;

	if (!s)
		return;
	t = parse_instant(s, &real);
	if (t == -1 && real) {
		emb_ydoc_err(y, n, "bad date '%s': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", emb_ydoc_q(y, s));
		return;
	}
	if (!real) {
		emb_ydoc_err(y, n, "bad date '%s': not a calendar date", emb_ydoc_q(y, s));
		return;
	}
	p->enforce_from = t > 0 ? t : 0;
}

static void parse_contain(struct emb_ydoc *y, struct emb_ynode *map, struct emb_policy *p)
{
	struct emb_ynode *vals[CT_NKEYS];
	int count;

	if (map->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, map, "'contain' must be a mapping");
		return;
	}
	emb_ydoc_map(y, map, contain_keys, CT_NKEYS, BIT(CT_ALLOW), 0, vals);
	if (!vals[CT_ALLOW])
		return;
	/* An empty list cuts everything but loopback. */
	count = emb_ydoc_seq(y, vals[CT_ALLOW], "allow", 0);
	if (count <= 0)
		return;
	p->allow = calloc_or_oom(y, vals[CT_ALLOW], (size_t)count, sizeof(*p->allow));
	if (!p->allow)
		return;
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, vals[CT_ALLOW], i);

		if (item->type != YAML_MAPPING_NODE) {
			emb_ydoc_err(y, item, "'allow' entries must be mappings");
			continue;
		}
		parse_rule(y, item, &p->allow[p->n_allow++], 0);
	}
}

/* The key node of name in a mapping, or NULL. */
static struct emb_ynode *key_node(struct emb_ydoc *y, struct emb_ynode *map, const char *name)
{
	yaml_node_pair_t *pair;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		struct emb_ynode *k = emb_ydoc_node(y, pair->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, name))
			return k;
	}
	return NULL;
}

static void parse_vendor_policy(struct emb_ydoc *y, struct emb_ynode **vals,
				const struct emb_scheme_set *schemes, struct emb_policy *p)
{
	const struct emb_scheme *sc = NULL;

	if (vals[P_SCHEME])
		sc = parse_scheme(y, vals[P_SCHEME], schemes);
	if (sc)
		p->scheme = dup_or_oom(y, vals[P_SCHEME], sc->name);
	parse_levels(y, vals, sc, p);
	if (vals[P_ENFORCE_FROM])
		parse_enforce_from(y, vals[P_ENFORCE_FROM], p);
	if (vals[P_VENDORS])
		parse_vendors(y, vals[P_VENDORS], p);
}

static void parse_contain_policy(struct emb_ydoc *y, struct emb_ynode *root, struct emb_ynode **vals,
				 struct emb_policy *p)
{
	for (int i = 0; i < P_NKEYS; i++)
		if ((CONTAIN_FORBIDDEN & BIT(i)) && vals[i])
			emb_ydoc_err(y, key_node(y, root, policy_keys[i]),
				     "key '%s' is not allowed in a containment policy", policy_keys[i]);
	parse_contain(y, vals[P_CONTAIN], p);
}

static void parse_policy(struct emb_ydoc *y, struct emb_ynode *root, const struct emb_scheme_set *schemes,
			 struct emb_policy *p)
{
	struct emb_ynode *vals[P_NKEYS];

	if (root->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, root, "policy must be a mapping");
		return;
	}
	/* 'contain' makes it a containment policy, with other required keys. */
	if (key_node(y, root, "contain"))
		p->kind = EMB_POLICY_CONTAIN;
	emb_ydoc_map(y, root, policy_keys, P_NKEYS,
		     p->kind == EMB_POLICY_CONTAIN ? CONTAIN_REQUIRED : VENDOR_REQUIRED, 0, vals);
	if (vals[P_EMBARGO])
		parse_version(y, vals[P_EMBARGO]);
	if (vals[P_ID])
		p->id = parse_id(y, vals[P_ID]);
	if (vals[P_TITLE])
		p->title = dup_string(y, vals[P_TITLE], "title");
	if (vals[P_REFERENCE])
		p->reference = dup_string(y, vals[P_REFERENCE], "reference");
	if (p->kind == EMB_POLICY_CONTAIN)
		parse_contain_policy(y, root, vals, p);
	else
		parse_vendor_policy(y, vals, schemes, p);
}

int emb_policy_parse_buf_for(const char *name, const char *buf, size_t len,
			     const struct emb_scheme_set *schemes, struct emb_policy *out,
			     struct emb_diag *diag)
{
	struct emb_policy p = { .enforce = -1, .audit = -1 };
	struct emb_ydoc *y;
	struct emb_ynode *root;

	memset(out, 0, sizeof(*out));
	if (len > EMB_YAML_MAX_BYTES) {
		emb_diag_add(diag, "%s: policy larger than 16 MiB", name);
		return -1;
	}
	y = emb_ydoc_load(name, buf, len, diag);
	if (!y)
		return -1;
	root = emb_ydoc_root(y);
	if (root)
		parse_policy(y, root, schemes, &p);
	else if (!emb_ydoc_nerr(y))
		emb_ydoc_err_at(y, 1, 1, "empty policy");
	p.file = dup_or_oom(y, root, name);
	if (emb_ydoc_finish(y, diag)) {
		emb_policy_free(&p);
		return -1;
	}
	*out = p;
	return 0;
}

int emb_policy_parse_file_for(const char *path, const struct emb_scheme_set *schemes,
			      struct emb_policy *out, struct emb_diag *diag)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (emb_ydoc_read_file(path, "policy", 0, &buf, &len, diag))
		return -1;
	rc = emb_policy_parse_buf_for(path, buf, len, schemes, out, diag);
	free(buf);
	return rc;
}

int emb_policy_parse_buf(const char *name, const char *buf, size_t len, struct emb_policy *out,
			 struct emb_diag *diag)
{
	return emb_policy_parse_buf_for(name, buf, len, NULL, out, diag);
}

int emb_policy_parse_file(const char *path, struct emb_policy *out, struct emb_diag *diag)
{
	return emb_policy_parse_file_for(path, NULL, out, diag);
}

static void rules_free(struct emb_connect_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].ports);
		free(r[i].host);
	}
	free(r);
}

static void vendor_free(struct emb_vendor *v)
{
	rules_free(v->connect, v->n_connect);
	for (size_t i = 0; i < v->n_paths; i++)
		free(v->paths[i]);
	free(v->paths);
	free(v->sha256);
	free(v->name);
}

void emb_policy_free(struct emb_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_vendors; i++)
		vendor_free(&p->vendors[i]);
	free(p->vendors);
	rules_free(p->allow, p->n_allow);
	free(p->file);
	free(p->id);
	free(p->title);
	free(p->reference);
	free(p->scheme);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------------ */
/* Modes                                                                      */
/* ------------------------------------------------------------------------ */

int emb_policy_mode(const struct emb_policy *p, const struct emb_host *h, time_t now,
		    enum emb_mode *mode, struct emb_diag *diag)
{
	*mode = EMB_MODE_OFF;
	/* Containment is an incident response: it applies at any level. */
	if (p->kind == EMB_POLICY_CONTAIN) {
		*mode = EMB_MODE_ENFORCE;
		return 0;
	}
	/* Unmarked: below every level, so neither enforced nor audited. */
	if (!h->scheme || h->level == EMB_LEVEL_UNMARKED)
		return 0;
	if (strcmp(p->scheme, h->scheme)) {
		emb_diag_add(diag, "%s: scheme '%s' does not match the host's scheme '%s'", p->file,
			     p->scheme, h->scheme);
		return -1;
	}
	if (h->level >= p->enforce)
		*mode = p->enforce_from > now ? EMB_MODE_AUDIT : EMB_MODE_ENFORCE;
	else if (p->audit >= 0 && h->level >= p->audit)
		*mode = EMB_MODE_AUDIT;
	return 0;
}

time_t emb_policy_next_change(const struct emb_policy *p, const struct emb_host *h, time_t now)
{
	if (p->kind != EMB_POLICY_VENDOR || !h->scheme || h->level == EMB_LEVEL_UNMARKED ||
	    strcmp(p->scheme, h->scheme) || h->level < p->enforce || p->enforce_from <= now)
		return 0;
	return p->enforce_from;
}

const char *emb_mode_name(enum emb_mode m)
{
	switch (m) {
	case EMB_MODE_OFF:
		return "off";
	case EMB_MODE_AUDIT:
		return "audit";
	case EMB_MODE_ENFORCE:
		return "enforce";
	}
	return "?";
}
