// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * contain.bpf.c - incident-response network containment (contract.md §3, §4
 * `embargo contain`). A BPF object of its own, attached to one cgroup:
 *
 *   cgroup_skb/ingress, cgroup_skb/egress: drop every packet of the
 *       cgroup's sockets except loopback and the allow list, so connections
 *       established before containment are cut too.
 *   cgroup/connect4|6, cgroup/sendmsg4|6: a new connection or datagram to
 *       an address outside the allow list fails at once with EPERM (not a
 *       timeout), and is logged through ctn_events.
 *
 * ctn_state says whether containment is on and which ctn_rules slot holds
 * the rules: attached but off, every program lets everything through.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "contain_abi.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define LOOPBACK_IFINDEX 1
#define IP_OFFSET_MASK 0x1fff

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} ctn_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ctn_config);
	__uint(max_entries, 2);
} ctn_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, CTN_STAT_MAX);
} ctn_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} ctn_events SEC(".maps");

static __always_inline void ctn_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&ctn_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

/* The first bits of one 32-bit word of an address agree with the rule's. */
static __always_inline int ctn_word_ok(__u32 a, __u32 r, int bits)
{
	__u32 mask;

	if (bits <= 0)
		return 1;
	mask = bits >= 32 ? 0xffffffff : bpf_htonl(~0u << (32 - bits));
	return ((a ^ r) & mask) == 0;
}

static __always_inline int ctn_rule_addr(const struct ctn_rule *r, const __u32 a[4])
{
	__u32 w[4];
	int p = r->prefix;

	__builtin_memcpy(w, r->addr, sizeof(w));
	return ctn_word_ok(a[0], w[0], p) && ctn_word_ok(a[1], w[1], p - 32) &&
	       ctn_word_ok(a[2], w[2], p - 64) && ctn_word_ok(a[3], w[3], p - 96);
}

/* rport: the far end's port; lport: ours (0 when not known yet). A port
 * rule allows traffic with the port on either end: a responder's service
 * (443 out) or one of ours (ssh in on 22). */
static __always_inline int ctn_rule_ports(const struct ctn_rule *r, __u8 proto, __u16 rport,
					  __u16 lport)
{
	if (!(r->proto_mask & proto))
		return 0;
	if (proto == CTN_PROTO_OTHER)
		return r->port_lo == 0 && r->port_hi == 0xffff;
	return (rport >= r->port_lo && rport <= r->port_hi) ||
	       (lport && lport >= r->port_lo && lport <= r->port_hi);
}

/*
 * 1: the far end (family, a, proto, ports) may be reached, or containment
 * is off; 0: it may not.
 */
static __always_inline int ctn_allowed(__u8 family, const __u32 a[4], __u8 proto, __u16 rport,
				       __u16 lport)
{
	struct ctn_config *cfg;
	__u32 zero = 0, state, slot;
	__u32 *st = bpf_map_lookup_elem(&ctn_state, &zero);

	/* An array lookup of index 0 cannot fail; if it did, containment was
	 * never switched on through this map, so letting traffic through is
	 * what "off" means (fail-open, as before containment). */
	if (!st)
		return 1;
	state = *st; /* one read: enable bit and slot agree */
	if (!(state & CTN_STATE_ENABLED))
		return 1;
	slot = state & CTN_STATE_SLOT ? 1 : 0;
	cfg = bpf_map_lookup_elem(&ctn_rules, &slot);
	/* Fail-closed: containment is on and its rules cannot be read. */
	if (!cfg)
		return 0;
	for (__u32 i = 0; i < CTN_MAX_RULES; i++) {
		const struct ctn_rule *r = &cfg->rules[i];

		if (i >= cfg->count)
			break;
		if (r->family == family && ctn_rule_ports(r, proto, rport, lport) &&
		    ctn_rule_addr(r, a))
			return 1;
	}
	return 0;
}

static __always_inline int ctn_loopback4(__u32 a_be)
{
	return (bpf_ntohl(a_be) >> 24) == 127;
}

static __always_inline int ctn_loopback6(const __u32 a[4])
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == bpf_htonl(1);
}

static __always_inline __u8 ctn_l4(__u8 ipproto)
{
	if (ipproto == IPPROTO_TCP)
		return EMB_PROTO_TCP;
	if (ipproto == IPPROTO_UDP)
		return EMB_PROTO_UDP;
	return CTN_PROTO_OTHER;
}

struct ctn_ports {
	__be16 src;
	__be16 dst;
};

/*
 * Far end and ports of a packet. Returns 1 for loopback (always allowed),
 * 0 when parsed, -1 when it could not be read.
 */
static __always_inline int ctn_parse4(struct __sk_buff *skb, int ingress, __u32 a[4], __u8 *proto,
				      __u16 *rport, __u16 *lport)
{
	struct ctn_ports pp;
	struct iphdr iph;

	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)))
		return -1;
	a[0] = ingress ? iph.saddr : iph.daddr;
	if (ctn_loopback4(a[0]))
		return 1;
	*proto = ctn_l4(iph.protocol);
	/* A non-first fragment has no ports: only an every-port rule allows it. */
	if (iph.frag_off & bpf_htons(IP_OFFSET_MASK))
		*proto = CTN_PROTO_OTHER;
	if (*proto == CTN_PROTO_OTHER)
		return 0;
	if (bpf_skb_load_bytes(skb, iph.ihl * 4, &pp, sizeof(pp)))
		return -1;
	*rport = bpf_ntohs(ingress ? pp.src : pp.dst);
	*lport = bpf_ntohs(ingress ? pp.dst : pp.src);
	return 0;
}

static __always_inline int ctn_parse6(struct __sk_buff *skb, int ingress, __u32 a[4], __u8 *proto,
				      __u16 *rport, __u16 *lport)
{
	struct ctn_ports pp;
	struct ipv6hdr ip6;

	if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
		return -1;
	__builtin_memcpy(a, ingress ? &ip6.saddr : &ip6.daddr, 16);
	if (ctn_loopback6(a))
		return 1;
	/* Extension headers are not walked: such packets count as "other",
	 * which only an every-port rule allows (fail-closed). */
	*proto = ctn_l4(ip6.nexthdr);
	if (*proto == CTN_PROTO_OTHER)
		return 0;
	if (bpf_skb_load_bytes(skb, sizeof(ip6), &pp, sizeof(pp)))
		return -1;
	*rport = bpf_ntohs(ingress ? pp.src : pp.dst);
	*lport = bpf_ntohs(ingress ? pp.dst : pp.src);
	return 0;
}

/* The cgroup_skb verdict: 1 passes the packet, 0 drops it. */
static __always_inline int ctn_skb(struct __sk_buff *skb, int ingress)
{
	__u32 a[4] = {};
	__u16 rport = 0, lport = 0;
	__u8 proto = CTN_PROTO_OTHER, family;
	int r;

	/* Loopback is never contained: local services keep working. */
	if (skb->ifindex == LOOPBACK_IFINDEX || skb->ingress_ifindex == LOOPBACK_IFINDEX)
		return 1;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		family = CTN_FAMILY_V4;
		r = ctn_parse4(skb, ingress, a, &proto, &rport, &lport);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		family = CTN_FAMILY_V6;
		r = ctn_parse6(skb, ingress, a, &proto, &rport, &lport);
	} else {
		/* Neither IPv4 nor IPv6: no address to allow by. Decided below
		 * like an unreadable packet. */
		family = 0;
		r = -1;
	}
	if (r == 1)
		return 1;
	/* An unreadable packet matches no rule: dropped while containment is
	 * on (fail-closed), passed while it is off. */
	if (r < 0)
		family = 0;
	if (ctn_allowed(family, a, proto, rport, lport))
		return 1;
	ctn_count(ingress ? CTN_STAT_DROP_IN : CTN_STAT_DROP_OUT);
	return 0;
}

SEC("cgroup_skb/ingress")
int ctn_ingress(struct __sk_buff *skb)
{
	return ctn_skb(skb, 1);
}

SEC("cgroup_skb/egress")
int ctn_egress(struct __sk_buff *skb)
{
	return ctn_skb(skb, 0);
}

/* Log a refused connect/sendmsg. The verdict never depends on this: a full
 * ring buffer is counted (CTN_STAT_LOST) and the call is refused anyway. */
static __always_inline void ctn_event(__u32 type, __u8 family, const __u32 a[4], __u8 proto,
				      __u16 dport)
{
	struct ctn_event *e = bpf_ringbuf_reserve(&ctn_events, sizeof(*e), 0);

	if (!e) {
		ctn_count(CTN_STAT_LOST);
		return;
	}
	e->type = type;
	e->family = family;
	e->proto = proto;
	e->dport = dport;
	e->pad = 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	__builtin_memcpy(e->daddr, a, 16);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* The sock_addr verdict: 1 lets the call through, 0 fails it with EPERM. */
static __always_inline int ctn_sock(struct bpf_sock_addr *ctx, __u32 type, int v6)
{
	__u16 dport = bpf_ntohs((__u16)ctx->user_port), lport = 0;
	__u8 proto = ctn_l4((__u8)ctx->protocol), family = CTN_FAMILY_V4;
	struct bpf_sock *sk = ctx->sk;
	__u32 a[4] = {};

	if (sk)
		lport = (__u16)sk->src_port;
	if (!v6) {
		a[0] = ctx->user_ip4;
	} else {
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		if (a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0xffff)) {
			/* ::ffff:a.b.c.d is IPv4 on the wire: the IPv4 rules apply. */
			a[0] = a[3];
			a[2] = a[3] = 0;
		} else {
			family = CTN_FAMILY_V6;
		}
	}
	/* Loopback and the unspecified address (this host) stay reachable:
	 * their packets never leave through anything but lo. */
	if (family == CTN_FAMILY_V4 && (ctn_loopback4(a[0]) || a[0] == 0))
		return 1;
	if (family == CTN_FAMILY_V6 &&
	    (ctn_loopback6(a) || (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)))
		return 1;
	if (ctn_allowed(family, a, proto, dport, lport))
		return 1;
	ctn_count(type == CTN_EV_CONNECT ? CTN_STAT_DENY_CONNECT : CTN_STAT_DENY_SENDMSG);
	ctn_event(type, family, a, proto, dport);
	return 0;
}

SEC("cgroup/connect4")
int ctn_connect4(struct bpf_sock_addr *ctx)
{
	return ctn_sock(ctx, CTN_EV_CONNECT, 0);
}

SEC("cgroup/connect6")
int ctn_connect6(struct bpf_sock_addr *ctx)
{
	return ctn_sock(ctx, CTN_EV_CONNECT, 1);
}

SEC("cgroup/sendmsg4")
int ctn_sendmsg4(struct bpf_sock_addr *ctx)
{
	return ctn_sock(ctx, CTN_EV_SENDMSG, 0);
}

SEC("cgroup/sendmsg6")
int ctn_sendmsg6(struct bpf_sock_addr *ctx)
{
	return ctn_sock(ctx, CTN_EV_SENDMSG, 1);
}
