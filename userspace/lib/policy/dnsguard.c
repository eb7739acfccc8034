// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "dnsguard.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "contain_rules.h"
#include "emb_v4embed.h"

static const char *fixed_why4(const uint8_t *a)
{
	if (a[0] == 127)
		return "loopback";
	if (a[0] == 0)
		return "unspecified (this network)";
	if (a[0] == 169 && a[1] == 254)
		return "link-local";
	if (a[0] >= 224 && a[0] <= 239)
		return "multicast";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "broadcast";
	return NULL;
}

static const char *fixed_why6(const uint8_t *a)
{
	static const uint8_t zero[15];

	if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))
		return a[15] ? "loopback" : "unspecified";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";
	if (a[0] == 0xff)
		return "multicast";
	return NULL;
}

static int listed(const struct emb_cidr *list, size_t n, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].family == family &&
		    !memcmp(list[i].addr, addr, family == AF_INET ? 4 : 16))
			return 1;
	return 0;
}

static const char *why_one(const struct emb_dns_guard *g, int family, const uint8_t *addr)
{
	const char *why = family == AF_INET ? fixed_why4(addr) : fixed_why6(addr);

	if (why || !g)
		return why;
	if (listed(g->resolvers, g->n_resolvers, family, addr))
		return "the host's resolver";
	if (listed(g->own, g->n_own, family, addr))
		return "the host's own address";
	return NULL;
}

const char *emb_dns_guard_why(const struct emb_dns_guard *g, int family, const uint8_t *addr)
{
	uint8_t v4[EMB_V4_EMBED_MAX][4];
	const char *why = why_one(g, family, addr);
	int n;

	if (why || family != AF_INET6)
		return why;
	n = emb_v4_embedded(addr, v4);
	for (int i = 0; !why && i < EMB_V4_COUNT(n); i++)
		why = why_one(g, AF_INET, v4[i]);
	return why;
}

static int has_loopback(const struct emb_cidr *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (emb_dns_guard_why(NULL, c[i].family, c[i].addr))
			return 1;
	return 0;
}

static int load_own(struct emb_dns_guard *g)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && g->n_own < EMB_DNSGUARD_MAX; i = i->ifa_next) {
		struct emb_cidr *c = &g->own[g->n_own];

		if (!i->ifa_addr)
			continue;
		memset(c, 0, sizeof(*c));
		if (i->ifa_addr->sa_family == AF_INET) {
			c->family = AF_INET;
			c->prefix = 32;
			memcpy(c->addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			c->family = AF_INET6;
			c->prefix = 128;
			memcpy(c->addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		g->n_own++;
	}
	freeifaddrs(ifa);
	return 0;
}

int emb_dns_guard_load(struct emb_dns_guard *g, const char *resolv, const char *upstream)
{
	int n, err = 0;

	memset(g, 0, sizeof(*g));
	n = emb_resolv_nameservers(resolv, g->resolvers, EMB_DNSGUARD_MAX);
	if (n < 0) {
		err = n;
		n = 0;
	}
	g->n_resolvers = (size_t)n;
	/* A local stub (systemd-resolved): the servers it forwards to count. */
	if (upstream && has_loopback(g->resolvers, g->n_resolvers)) {
		n = emb_resolv_nameservers(upstream, g->resolvers + g->n_resolvers,
					   EMB_DNSGUARD_MAX - g->n_resolvers);
		if (n > 0)
			g->n_resolvers += (size_t)n;
	}
	n = load_own(g);
	return err ? err : n;
}
