/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* netaddr.h - CIDR, port range and endpoint parsing. */
#ifndef EMBARGO_NETADDR_H
#define EMBARGO_NETADDR_H

#include <stddef.h>
#include <stdint.h>

struct emb_cidr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; 4 bytes used for AF_INET; host bits zero */
	int prefix;       /* 0..32 or 0..128 */
};

struct emb_port_range {
	uint16_t lo, hi; /* inclusive, 1..65535, lo <= hi */
};

/*
 * "203.0.113.0/24", "2001:db8::/32", or a bare address (full-length prefix).
 * Host bits set ("10.0.0.1/8") are an error. On error returns -1 and, when
 * err is not NULL, a static reason ("invalid CIDR", "prefix length out of
 * range", "host bits set beyond the prefix") in *err.
 */
int emb_cidr_parse(const char *s, struct emb_cidr *out, const char **err);

/* "443" or "8000-8080". Same error convention ("invalid port", "port out of
 * range", "port range reversed"). */
int emb_port_range_parse(const char *s, struct emb_port_range *out, const char **err);

/*
 * A DNS host name for connect[].host: labels of 1 to 63 letters, digits and
 * '-' (not first or last), at most 253 characters, one trailing '.' allowed,
 * not an IP address and no all-numeric last label. Returns 0, or -1 with a
 * static reason in *why.
 */
int emb_dns_name_check(const char *s, const char **why);

/* Format a CIDR as text ("203.0.113.0/24"); buf of at least 64 bytes. */
void emb_cidr_format(const struct emb_cidr *c, char *buf, size_t len);

#endif
