// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "contain_rules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ADDR_MAX 128 /* longest address text accepted, prefix included */

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

/* "tcp" / "udp" after the last '/' of a PORTS part; 0 when there is none. */
static int take_proto(char *ports, unsigned *mask, const char **why)
{
	char *slash = strchr(ports, '/');

	*mask = EMB_PROTO_ANY;
	if (!slash)
		return 0;
	*slash = '\0';
	if (!strcmp(slash + 1, "tcp"))
		*mask = EMB_PROTO_TCP;
	else if (!strcmp(slash + 1, "udp"))
		*mask = EMB_PROTO_UDP;
	else
		return fail(why, "unknown protocol after the ports (expected /tcp or /udp)");
	return 0;
}

/* "22,443,8000-8080[/tcp]": every element a port or range, none empty. */
static int parse_ports(const char *text, struct emb_connect_rule *r, const char **why)
{
	char buf[512], *save = NULL, *tok;
	size_t len = strlen(text);

	if (len == 0)
		return fail(why, "no ports after ':'");
	if (len >= sizeof(buf))
		return fail(why, "port list too long");
	memcpy(buf, text, len + 1);
	if (take_proto(buf, &r->proto_mask, why))
		return -1;
	if (buf[0] == '\0' || buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return fail(why, "empty port in the list");
	r->ports = calloc(EMB_ALLOW_MAX_PORTS, sizeof(*r->ports));
	if (!r->ports)
		return fail(why, "out of memory");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (r->n_ports == EMB_ALLOW_MAX_PORTS)
			return fail(why, "too many port ranges in one --allow");
		if (emb_port_range_parse(tok, &r->ports[r->n_ports], why))
			return -1;
		r->n_ports++;
	}
	return 0;
}

/* Split s into the address part (copied to addr) and the PORTS part. */
static int split(const char *s, char addr[ADDR_MAX], const char **ports, const char **why)
{
	const char *colon = strchr(s, ':'), *end;
	size_t len;

	*ports = NULL;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return fail(why, "missing ']' after the IPv6 address");
		if (end[1] == ':')
			*ports = end + 2;
		else if (end[1] != '\0')
			return fail(why, "expected ':PORTS' after ']'");
		s++;
		len = (size_t)(end - s);
		if (len && !memchr(s, ':', len))
			return fail(why, "brackets are for IPv6 addresses");
	} else if (colon && strchr(colon + 1, ':')) {
		len = strlen(s); /* bare IPv6: no ports (write [ADDR]:PORTS) */
	} else {
		len = colon ? (size_t)(colon - s) : strlen(s);
		if (colon)
			*ports = colon + 1;
	}
	if (len == 0)
		return fail(why, "missing address");
	if (len >= ADDR_MAX)
		return fail(why, "address too long");
	memcpy(addr, s, len);
	addr[len] = '\0';
	return 0;
}

int emb_allow_parse(const char *s, struct emb_connect_rule *out, const char **why)
{
	char addr[ADDR_MAX];
	const char *ports;

	memset(out, 0, sizeof(*out));
	out->proto_mask = EMB_PROTO_ANY;
	if (split(s, addr, &ports, why))
		goto fail;
	if (emb_cidr_parse(addr, &out->cidr, why))
		goto fail;
	if (ports && parse_ports(ports, out, why))
		goto fail;
	return 0;
fail:
	free(out->ports);
	memset(out, 0, sizeof(*out));
	return -1;
}

void emb_allow_rules_free(struct emb_connect_rule *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].ports);
		free(r[i].host);
	}
	free(r);
}

/* One nameserver line's address, or -1 when it is not one. */
static int nameserver_addr(char *line, struct emb_cidr *c)
{
	char *save = NULL, *key = strtok_r(line, " \t\r\n", &save);
	char *val = key ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	char *zone;

	if (!key || strcmp(key, "nameserver") || !val)
		return -1;
	zone = strchr(val, '%');
	if (zone)
		*zone = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, val, c->addr) == 1) {
		c->family = AF_INET;
		c->prefix = 32;
	} else if (inet_pton(AF_INET6, val, c->addr) == 1) {
		c->family = AF_INET6;
		c->prefix = 128;
	} else {
		return -1;
	}
	return 0;
}

int emb_resolv_nameservers(const char *path, struct emb_cidr *out, size_t max)
{
	FILE *f = fopen(path, "re");
	char line[512];
	size_t n = 0;
	int err;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f))
		if (nameserver_addr(line, &out[n]) == 0)
			n++;
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	return err ? err : (int)n;
}

static int is_loopback(const struct emb_cidr *c)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	if (c->family == AF_INET)
		return c->addr[0] == 127;
	return memcmp(c->addr, v6_lo, sizeof(v6_lo)) == 0;
}

static int add_dns_rule(struct emb_connect_rule **rules, size_t *n, const struct emb_cidr *c)
{
	struct emb_connect_rule *grown = realloc(*rules, (*n + 1) * sizeof(**rules));
	struct emb_connect_rule *r;

	if (!grown)
		return -1;
	*rules = grown;
	r = &grown[*n];
	memset(r, 0, sizeof(*r));
	r->ports = calloc(1, sizeof(*r->ports));
	if (!r->ports)
		return -1;
	r->cidr = *c;
	r->ports[0].lo = r->ports[0].hi = 53;
	r->n_ports = 1;
	r->proto_mask = EMB_PROTO_ANY;
	(*n)++;
	return 0;
}

#define MAX_RESOLVERS 16

int emb_dns_allow_rules(const char *resolv, const char *upstream, struct emb_connect_rule **rules,
			size_t *n, char *why, size_t why_len)
{
	struct emb_cidr ns[2 * MAX_RESOLVERS];
	int count, more, stub = 0;

	count = emb_resolv_nameservers(resolv, ns, MAX_RESOLVERS);
	if (count < 0) {
		snprintf(why, why_len, "--dns: reading %s: %s", resolv, strerror(-count));
		return -1;
	}
	for (int i = 0; i < count; i++)
		stub |= is_loopback(&ns[i]);
	if (stub && upstream) {
		more = emb_resolv_nameservers(upstream, ns + count, MAX_RESOLVERS);
		count += more > 0 ? more : 0; /* no upstream file: the stub's own config */
	}
	for (int i = 0; i < count; i++) {
		if (is_loopback(&ns[i]))
			continue; /* loopback is never contained */
		if (add_dns_rule(rules, n, &ns[i])) {
			snprintf(why, why_len, "out of memory");
			return -1;
		}
	}
	if (count == 0) {
		snprintf(why, why_len, "--dns: no nameserver line in %s", resolv);
		return -1;
	}
	return 0;
}

static void fill_addr(struct ctn_rule *k, const struct emb_cidr *c)
{
	k->family = c->family == AF_INET ? CTN_FAMILY_V4 : CTN_FAMILY_V6;
	k->prefix = (uint8_t)c->prefix;
	memcpy(k->addr, c->addr, c->family == AF_INET ? 4 : 16);
}

/* Append rule r's entries at cfg->count (counting past the limit too, so
 * the error can say how many were needed). */
static void add_entries(struct ctn_config *cfg, const struct emb_connect_rule *r, size_t *needed)
{
	size_t ranges = r->n_ports ? r->n_ports : 1;

	for (size_t i = 0; i < ranges; i++, (*needed)++) {
		struct ctn_rule *k;

		if (*needed >= CTN_MAX_RULES)
			continue;
		k = &cfg->rules[*needed];
		memset(k, 0, sizeof(*k));
		fill_addr(k, &r->cidr);
		k->proto_mask = (uint8_t)r->proto_mask;
		if (r->n_ports) {
			k->port_lo = r->ports[i].lo;
			k->port_hi = r->ports[i].hi;
		} else {
			k->port_hi = 0xffff;
			if (r->proto_mask == EMB_PROTO_ANY)
				k->proto_mask |= CTN_PROTO_OTHER;
		}
	}
}

static int config_add(struct ctn_config *cfg, const struct emb_connect_rule *r, size_t n,
		      size_t *needed, char *why, size_t why_len)
{
	for (size_t i = 0; i < n; i++) {
		/* Fail-closed: a rule the kernel cannot express is refused,
		 * not dropped from the allow list silently. */
		if (r[i].host) {
			snprintf(why, why_len, "host names cannot be allowed ('%s'): give a cidr",
				 r[i].host);
			return -1;
		}
		add_entries(cfg, &r[i], needed);
	}
	return 0;
}

static int config_done(struct ctn_config *cfg, size_t needed, char *why, size_t why_len)
{
	if (needed > CTN_MAX_RULES) {
		snprintf(why, why_len, "the allow list needs %zu entries (one per port range); at most "
			 "%d fit", needed, CTN_MAX_RULES);
		return -1;
	}
	cfg->version = CTN_ABI_VERSION;
	cfg->count = (uint32_t)needed;
	return 0;
}

int emb_contain_config(const struct emb_connect_rule *r, size_t n, struct ctn_config *cfg,
		       char *why, size_t why_len)
{
	size_t needed = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (config_add(cfg, r, n, &needed, why, why_len))
		return -1;
	return config_done(cfg, needed, why, why_len);
}

int emb_contain_config_from_set(const struct emb_policy_set *set, struct ctn_config *cfg, int *any,
				char *why, size_t why_len)
{
	size_t needed = 0;

	memset(cfg, 0, sizeof(*cfg));
	*any = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct emb_policy *p = &set->policies[i];

		if (p->kind != EMB_POLICY_CONTAIN)
			continue;
		*any = 1;
		if (config_add(cfg, p->allow, p->n_allow, &needed, why, why_len))
			return -1;
	}
	return config_done(cfg, needed, why, why_len);
}

static void print_ports(FILE *f, const struct emb_connect_rule *r)
{
	fputs("      ports: [", f);
	for (size_t i = 0; i < r->n_ports; i++) {
		fprintf(f, "%s%u", i ? ", " : "", r->ports[i].lo);
		if (r->ports[i].hi != r->ports[i].lo)
			fprintf(f, "-%u", r->ports[i].hi);
	}
	fputs("]\n", f);
}

static const char *proto_name(unsigned mask)
{
	return mask == EMB_PROTO_TCP ? "tcp" : mask == EMB_PROTO_UDP ? "udp" : "any";
}

static void print_comment(FILE *f, const char *comment)
{
	const char *p = comment;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "# %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

char *emb_contain_policy_text(const char *id, const struct emb_connect_rule *r, size_t n,
			      const char *comment)
{
	char *buf = NULL, cidr[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_comment(f, comment);
	fprintf(f, "embargo: 1\nid: %s\ntitle: Network containment (embargo contain)\n", id);
	fprintf(f, "contain:\n  allow:%s\n", n ? "" : " []");
	for (size_t i = 0; i < n; i++) {
		emb_cidr_format(&r[i].cidr, cidr, sizeof(cidr));
		fprintf(f, "    - cidr: %s\n", cidr);
		if (r[i].n_ports)
			print_ports(f, &r[i]);
		if (r[i].proto_mask != EMB_PROTO_ANY)
			fprintf(f, "      proto: %s\n", proto_name(r[i].proto_mask));
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void emb_allow_rule_format(const struct emb_connect_rule *r, char *buf, size_t len)
{
	char cidr[64];
	int n;

	emb_cidr_format(&r->cidr, cidr, sizeof(cidr));
	n = snprintf(buf, len, "%s %s", cidr, r->n_ports ? r->n_ports > 1 ? "ports " : "port " : "all ports");
	for (size_t i = 0; i < r->n_ports && n > 0 && (size_t)n < len; i++) {
		n += snprintf(buf + n, len - (size_t)n, "%s%u", i ? "," : "", r->ports[i].lo);
		if (r->ports[i].hi != r->ports[i].lo && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, "-%u", r->ports[i].hi);
	}
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", proto_name(r->proto_mask));
}

void emb_ctn_rule_format(const struct ctn_rule *r, char *buf, size_t len)
{
	struct emb_connect_rule cr = { .proto_mask = r->proto_mask & EMB_PROTO_ANY };
	struct emb_port_range pr = { r->port_lo, r->port_hi };

	cr.cidr.family = r->family == CTN_FAMILY_V4 ? AF_INET : AF_INET6;
	cr.cidr.prefix = r->prefix;
	memcpy(cr.cidr.addr, r->addr, sizeof(r->addr));
	if (!(r->port_lo == 0 && r->port_hi == 0xffff)) {
		cr.ports = &pr;
		cr.n_ports = 1;
	}
	emb_allow_rule_format(&cr, buf, len);
}
