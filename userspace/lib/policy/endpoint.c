// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "endpoint.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "embargo_abi.h"

static int parse_proto(const char *s, unsigned *out)
{
	if (strcmp(s, "tcp") == 0)
		*out = EMB_PROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		*out = EMB_PROTO_UDP;
	else
		return -1;
	return 0;
}

static int parse_port(const char *s, int *out)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_addr(const char *s, struct emb_endpoint *out)
{
	if (inet_pton(AF_INET, s, out->addr) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->addr) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

int emb_endpoint_parse(const char *s, struct emb_endpoint *out, const char **err)
{
	char buf[128], *slash, *host = buf, *port = NULL;

	memset(out, 0, sizeof(*out));
	out->port = -1;
	out->proto = EMB_PROTO_ANY;
	if (strlen(s) >= sizeof(buf))
		goto bad_addr;
	strcpy(buf, s);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (parse_proto(slash + 1, &out->proto)) {
			*err = "protocol must be tcp or udp";
			return -1;
		}
	}
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || (close[1] && close[1] != ':'))
			goto bad_addr;
		*close = '\0';
		host = buf + 1;
		port = close[1] ? close + 2 : NULL;
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':')) {
		/* One colon: IPv4 with a port. Several: a bare IPv6 address. */
		port = strchr(buf, ':');
		*port++ = '\0';
	}
	if (parse_addr(host, out))
		goto bad_addr;
	if (port && parse_port(port, &out->port)) {
		*err = "port must be 1-65535";
		return -1;
	}
	return 0;
bad_addr:
	*err = "not an IPv4 address or [IPv6] address";
	return -1;
}
