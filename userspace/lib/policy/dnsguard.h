/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * dnsguard.h - addresses a DNS answer must never ban.
 *
 * connect[].host rules ban whatever the vendor's DNS answers. An answer of
 * 127.0.0.53, of the host's resolver or of its own address would cut the
 * host's DNS (or itself) off, and a failed lookup keeps the last answer, so
 * the cut would stay. These addresses are refused from answers (the agent
 * logs each refusal): loopback, unspecified, link-local, multicast,
 * broadcast, the nameservers of resolv.conf (and of the systemd-resolved
 * upstream file when the stub is local) and the host's own interface
 * addresses. IPv6 forms that carry an IPv4 address (emb_v4embed.h) are
 * judged by that address too. A `cidr:` rule is never filtered: only
 * addresses learnt from DNS are.
 */
#ifndef EMBARGO_DNSGUARD_H
#define EMBARGO_DNSGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define EMB_DNSGUARD_MAX 64

struct emb_dns_guard {
	struct emb_cidr resolvers[EMB_DNSGUARD_MAX];
	size_t n_resolvers;
	struct emb_cidr own[EMB_DNSGUARD_MAX];
	size_t n_own;
};

/*
 * Fill g from resolv (resolv.conf), upstream (read too when resolv names a
 * loopback stub; NULL or missing is fine) and the interfaces (getifaddrs).
 * An unreadable file or interface list leaves that part empty: the fixed
 * ranges are refused regardless. Returns 0, or -errno of the first failure
 * (g is usable either way).
 */
int emb_dns_guard_load(struct emb_dns_guard *g, const char *resolv, const char *upstream);

/*
 * Why address (family AF_INET or AF_INET6, network order) must not be
 * banned from a DNS answer, as static text ("loopback", "the host's
 * resolver", ...), or NULL when it may. g may be NULL: fixed ranges only.
 */
const char *emb_dns_guard_why(const struct emb_dns_guard *g, int family, const uint8_t *addr);

#endif
