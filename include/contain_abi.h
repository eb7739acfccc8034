/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * contain_abi.h - every type that crosses the kernel/user boundary of the
 * containment object (bpf/contain.bpf.c, loader/contain.c). A separate BPF
 * object with its own pins (<pin-dir>/contain/), so its own ABI version:
 * pinned maps whose value sizes differ are refused, never reused.
 *
 * Included by BPF (after vmlinux.h, __bpf__ defined by clang) and by
 * userspace (after nothing: it pulls <linux/types.h> itself).
 */
#ifndef EMBARGO_CONTAIN_ABI_H
#define EMBARGO_CONTAIN_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#include "embargo_abi.h" /* EMB_PROTO_TCP, EMB_PROTO_UDP */

#define CTN_ABI_VERSION 1

/* Port ranges over all allow rules (a rule with ports [22, 443] is two). */
#define CTN_MAX_RULES 64

/* Any IP protocol but TCP/UDP (ICMP, non-first fragments, IPv6 extension
 * headers): matched only by a rule with every port and proto any. */
#define CTN_PROTO_OTHER (1u << 2)

#define CTN_FAMILY_V4 4
#define CTN_FAMILY_V6 6

struct ctn_rule {
	__u8 family;     /* CTN_FAMILY_V4 or CTN_FAMILY_V6 */
	__u8 prefix;     /* 0..32 or 0..128 */
	__u8 proto_mask; /* EMB_PROTO_TCP | EMB_PROTO_UDP | CTN_PROTO_OTHER */
	__u8 pad;
	__u16 port_lo;   /* host order, inclusive; 0-65535 = every port */
	__u16 port_hi;
	__u8 addr[16];   /* network order, host bits zero; 4 bytes for v4 */
};

/* One rule set. ctn_rules holds two (double buffer): userspace fills the
 * slot not in use, then flips ctn_state, so a packet never sees half a set. */
struct ctn_config {
	__u32 version; /* CTN_ABI_VERSION */
	__u32 count;   /* rules[0..count) */
	struct ctn_rule rules[CTN_MAX_RULES];
};

/* ctn_state[0]: bit 0 enabled, bit 1 the ctn_rules slot in force. One u32,
 * written with a single store: enable and slot change together. */
#define CTN_STATE_ENABLED (1u << 0)
#define CTN_STATE_SLOT (1u << 1)

/* Per-CPU counters (ctn_stats index). */
enum ctn_stat {
	CTN_STAT_DROP_IN = 0,      /* inbound packets dropped */
	CTN_STAT_DROP_OUT = 1,     /* outbound packets dropped */
	CTN_STAT_DENY_CONNECT = 2, /* connect() refused with EPERM */
	CTN_STAT_DENY_SENDMSG = 3, /* sendmsg() refused with EPERM */
	CTN_STAT_LOST = 4,         /* ring buffer full: event not delivered */
	CTN_STAT_MAX = 5,          /* keep last */
};

enum ctn_event_type {
	CTN_EV_CONNECT = 1,
	CTN_EV_SENDMSG = 2,
};

#define CTN_COMM_LEN 16

/* A new connection refused (ctn_events ring buffer). */
struct ctn_event {
	__u32 type;   /* enum ctn_event_type */
	__u32 family; /* CTN_FAMILY_V4 or CTN_FAMILY_V6 (v4-mapped v6 reported as v4) */
	__u32 proto;  /* EMB_PROTO_TCP, EMB_PROTO_UDP or CTN_PROTO_OTHER */
	__u16 dport;  /* host order */
	__u16 pad;
	__u32 pid;
	__u32 uid;
	__u8 daddr[16];
	char comm[CTN_COMM_LEN];
};

#endif /* EMBARGO_CONTAIN_ABI_H */
