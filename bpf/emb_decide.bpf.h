/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * emb_decide.bpf.h - maps and decisions shared by every backend's entry
 * points. Entry points stay thin: they extract (inode | endpoint), ask here,
 * and enforce the answer their hook's way (SIGKILL or -EPERM).
 */
#ifndef EMB_DECIDE_BPF_H
#define EMB_DECIDE_BPF_H

#include "embargo_abi.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/* Sizes are placeholders: the loader sets them before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct emb_inode_key);
	__type(value, struct emb_verdict);
	__uint(max_entries, 1);
} emb_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct emb_lpm4_key);
	__type(value, struct emb_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} emb_net4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct emb_lpm6_key);
	__type(value, struct emb_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} emb_net6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} emb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, EMB_STAT_MAX);
} emb_stats SEC(".maps");

static __always_inline void emb_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&emb_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

static __always_inline void emb_count_verdict(__u32 action)
{
	emb_count(action == EMB_ACT_DENY ? EMB_STAT_DENIED : EMB_STAT_AUDITED);
}

/*
 * Reserve an event with the common fields filled, or NULL. A full ring buffer
 * is counted as lost and never changes the verdict: enforcement does not
 * depend on the log having room.
 */
static __always_inline struct emb_event *emb_event_start(__u32 type, __u32 action, __u32 method,
							  __u32 rule_id)
{
	struct emb_event *e = bpf_ringbuf_reserve(&emb_events, sizeof(*e), 0);
	struct task_struct *task;
	__u64 id;

	if (!e) {
		emb_count(EMB_STAT_LOST);
		return NULL;
	}
	id = bpf_get_current_pid_tgid();
	task = (struct task_struct *)bpf_get_current_task();
	e->type = type;
	e->action = action;
	e->method = method;
	e->rule_id = rule_id;
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* Verdict for an inode, or NULL when it is not listed. */
static __always_inline struct emb_verdict *emb_decide_inode(struct inode *inode,
							    struct emb_inode_key *key)
{
	key->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key->ino = BPF_CORE_READ(inode, i_ino);
	return bpf_map_lookup_elem(&emb_inodes, key);
}

/* Strongest action among a prefix's rules that cover (port, proto). */
static __always_inline void emb_match_rules(const struct emb_net_value *v, __u16 port,
					    __u8 proto, struct emb_verdict *out)
{
	for (__u32 i = 0; i < EMB_NET_RULES_PER_PREFIX; i++) {
		const struct emb_net_rule *r = &v->rules[i];

		if (i >= v->count)
			break;
		if (!(r->proto_mask & proto) || port < r->port_lo || port > r->port_hi)
			continue;
		if (r->action > out->action) {
			out->action = r->action;
			out->rule_id = r->rule_id;
		}
	}
}

static __always_inline void emb_decide_net4(__u32 daddr_be, __u16 port, __u8 proto,
					    struct emb_verdict *out)
{
	struct emb_lpm4_key key = { .prefixlen = 32 };
	struct emb_net_value *v;

	__builtin_memcpy(key.addr, &daddr_be, 4);
	v = bpf_map_lookup_elem(&emb_net4, &key);
	if (v)
		emb_match_rules(v, port, proto, out);
}

static __always_inline void emb_decide_net6(const __u32 daddr_be[4], __u16 port, __u8 proto,
					    struct emb_verdict *out)
{
	struct emb_lpm6_key key = { .prefixlen = 128 };
	struct emb_net_value *v;

	/* ::ffff:a.b.c.d is IPv4 on the wire: the IPv4 rules apply. */
	if (daddr_be[0] == 0 && daddr_be[1] == 0 && daddr_be[2] == bpf_htonl(0xffff)) {
		emb_decide_net4(daddr_be[3], port, proto, out);
		return;
	}
	__builtin_memcpy(key.addr, daddr_be, 16);
	v = bpf_map_lookup_elem(&emb_net6, &key);
	if (v)
		emb_match_rules(v, port, proto, out);
}

#endif
