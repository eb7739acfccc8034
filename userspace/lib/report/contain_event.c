// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "contain_event.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "events.h"

static const char *proto_name(uint32_t proto)
{
	return proto == EMB_PROTO_TCP ? "tcp" : proto == EMB_PROTO_UDP ? "udp" : "other";
}

int emb_contain_event_format(struct emb_json *j, const struct ctn_event *e, const char *policy,
			     const char *host_level)
{
	char addr[INET6_ADDRSTRLEN];
	int af = e->family == CTN_FAMILY_V4 ? AF_INET : AF_INET6;

	if (!inet_ntop(af, e->daddr, addr, sizeof(addr)))
		return -1;
	emb_event_begin(j, "contain", "deny");
	emb_json_str(j, "method", "eperm");
	if (policy)
		emb_json_str(j, "policy", policy);
	emb_json_str(j, "call", e->type == CTN_EV_SENDMSG ? "sendmsg" : "connect");
	emb_json_str(j, "daddr", addr);
	emb_json_u64(j, "dport", e->dport);
	emb_json_str(j, "proto", proto_name(e->proto));
	emb_json_u64(j, "pid", e->pid);
	emb_json_u64(j, "uid", e->uid);
	emb_json_strn(j, "comm", e->comm, sizeof(e->comm));
	if (host_level)
		emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}
