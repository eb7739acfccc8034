/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* endpoint.h - "ADDR[:PORT][/tcp|udp]" as `embargo test --connect` takes it. */
#ifndef EMBARGO_ENDPOINT_H
#define EMBARGO_ENDPOINT_H

#include <stdint.h>

struct emb_endpoint {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order */
	int port;         /* 1..65535, or -1: no port given (any port) */
	unsigned proto;   /* EMB_PROTO_TCP, EMB_PROTO_UDP, or EMB_PROTO_ANY when not given */
};

/*
 * "203.0.113.5", "203.0.113.5:443", "203.0.113.5:53/udp", "2001:db8::1",
 * "[2001:db8::1]:443/tcp". Returns 0, or -1 with a static reason in *err.
 */
int emb_endpoint_parse(const char *s, struct emb_endpoint *out, const char **err);

#endif
