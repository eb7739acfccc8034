/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * contain_rules.h - containment allow rules: the `--allow` syntax, `--dns`
 * resolvers, the containment policy file's text, and the kernel's rule
 * table (contain_abi.h) built from parsed rules.
 */
#ifndef EMBARGO_CONTAIN_RULES_H
#define EMBARGO_CONTAIN_RULES_H

#include <stddef.h>

#include "contain_abi.h"
#include "policy.h"

/* The policy `embargo contain` writes, and its file in the policy dir. */
#define EMB_CONTAIN_ID "local-contain"
#define EMB_CONTAIN_FILE "00-contain.yaml"

#define EMB_ALLOW_MAX_PORTS 32 /* port ranges in one --allow */

/*
 * One --allow argument:
 *   ADDR[/PREFIX][:PORTS[/tcp|/udp]]      IPv4: 192.0.2.10, 192.0.2.0/24:22,443
 *   [ADDR6[/PREFIX]][:PORTS[/tcp|/udp]]   IPv6 with ports: [2001:db8::1]:443
 *   ADDR6[/PREFIX]                        IPv6 without ports: 2001:db8::/32
 * PORTS is a comma list of N or N-M (1..65535). No ports: every port and
 * every protocol (ICMP included); ports without a suffix: TCP and UDP.
 * Host bits beyond the prefix are an error, as in policy files. Fills *out
 * (out->ports is allocated; emb_allow_rules_free) or returns -1 with a
 * static reason in *why.
 */
int emb_allow_parse(const char *s, struct emb_connect_rule *out, const char **why);
void emb_allow_rules_free(struct emb_connect_rule *r, size_t n);

/*
 * The addresses of the `nameserver` lines of a resolv.conf (an IPv6 zone
 * "%eth0" is dropped; lines that are not addresses are skipped, as the
 * resolver does). At most max; returns the count, or -errno when the file
 * cannot be read.
 */
int emb_resolv_nameservers(const char *path, struct emb_cidr *out, size_t max);

/*
 * --dns: one rule per resolver of resolv (port 53, TCP and UDP). A resolver
 * on loopback (a local stub such as systemd-resolved) is reachable anyway;
 * then the upstream servers it forwards to, listed in upstream (e.g.
 * /run/systemd/resolve/resolv.conf, may be NULL or absent), are added too.
 * Appends to *rules, adding to *n. Returns 0, or -1 with the reason in why.
 */
int emb_dns_allow_rules(const char *resolv, const char *upstream, struct emb_connect_rule **rules,
			size_t *n, char *why, size_t why_len);

/*
 * The kernel's table for rules: one entry per port range (every port when
 * none). More than CTN_MAX_RULES entries is refused, never truncated (a
 * truncated list would cut what a responder was told stays open). Returns
 * 0, or -1 with the reason in why.
 */
int emb_contain_config(const struct emb_connect_rule *r, size_t n, struct ctn_config *cfg,
		       char *why, size_t why_len);

/*
 * The union of the allow rules of every containment policy in set. *any is
 * 0 when set has no containment policy (containment off). Returns 0, or -1
 * with the reason in why (too many rules).
 */
int emb_contain_config_from_set(const struct emb_policy_set *set, struct ctn_config *cfg, int *any,
				char *why, size_t why_len);

/*
 * The containment policy file (contract.md §3) for rules, with comment (may be
 * NULL; one or more lines, each written as "# line"). Returns a malloc'd
 * NUL-terminated text, or NULL when out of memory.
 */
char *emb_contain_policy_text(const char *id, const struct emb_connect_rule *r, size_t n,
			      const char *comment);

/* "192.0.2.10/32 ports 22,443 tcp", "2001:db8::/32 all ports" */
void emb_allow_rule_format(const struct emb_connect_rule *r, char *buf, size_t len);
/* The same for a kernel table entry: "192.0.2.10/32 port 22 tcp" */
void emb_ctn_rule_format(const struct ctn_rule *r, char *buf, size_t len);

#endif
