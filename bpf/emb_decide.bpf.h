/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * emb_decide.bpf.h - maps and decisions shared by every backend's entry
 * points. Entry points stay thin: they extract (inode | endpoint), ask here,
 * and enforce the answer their hook's way (SIGKILL or -EPERM).
 */
#ifndef EMB_DECIDE_BPF_H
#define EMB_DECIDE_BPF_H

#include "embargo_abi.h"
#include "emb_v4embed.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/*
 * Sizes are placeholders: the loader sets them before load (from the index,
 * with headroom). Verdicts live in two tables so that filling one cannot
 * cost the other: emb_listed holds listed inodes (deny and audit), small
 * and written first; emb_clean holds hashed-and-clean ones, as many as the
 * host has files. A clean table that is full only leaves files unverified
 * (fail-closed), it never lets a banned verdict go missing. Neither is
 * preallocated: the cost until it fills is its bucket array.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct emb_inode_key);
	__type(value, struct emb_inode_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} emb_listed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct emb_inode_key);
	__type(value, struct emb_inode_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} emb_clean SEC(".maps");

/* Every SHA-256 the policy lists, for embargo.ko's own hashing (kmod
 * backend); no BPF program reads it. Sized by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct emb_sha256_key);
	__type(value, struct emb_verdict);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} emb_banned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct emb_config);
	__uint(max_entries, 1);
} emb_config SEC(".maps");

/* The agent's scope (--cgroup): unverified files are only acted on for
 * tasks under it. Known-banned inodes are denied everywhere. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} emb_scope SEC(".maps");

/* Unverified exec/mmap: the agent's hashing thread reads these. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} emb_hashreq SEC(".maps");

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

/* The fields every event has: what was decided, and for which task. */
static __always_inline void emb_event_fill(struct emb_event *e, __u32 type, __u32 action,
					   __u32 method, __u32 rule_id)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	e->type = type;
	e->action = action;
	e->method = method;
	e->rule_id = rule_id;
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
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

	if (!e) {
		emb_count(EMB_STAT_LOST);
		return NULL;
	}
	emb_event_fill(e, type, action, method, rule_id);
	return e;
}

struct inode___v611 {
	time64_t i_ctime_sec;
	u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

/* 6.13+ keeps a "ctime queried" flag in bit 31 of the nanoseconds. */
#define EMB_CTIME_NSEC_MASK 0x7fffffffu

/* What the hook knows about a file: identity, state, and the cached verdict. */
struct emb_file_state {
	struct emb_inode_key key;
	__s64 ctime_sec;
	__u32 ctime_nsec;
	__u32 nlink;
	__u64 size;
	struct emb_verdict v; /* valid when !unverified */
	int unverified;       /* no entry, or one computed for another ctime/size */
};

/*
 * The inode's identity and state into st, with RD(ptr, field) as the read:
 * EMB_LOAD for a BTF pointer (a hook argument or a field walked from one:
 * plain loads the verifier makes fault-safe, a few ns each) or
 * BPF_CORE_READ for an address read from memory (one helper call each,
 * which made up most of the exec hook's cost). ctime has three layouts:
 * 6.11+ (i_ctime_sec/_nsec), 6.6-6.10 (__i_ctime), older (i_ctime).
 */
#define EMB_LOAD(p, f) ((p)->f)
#define EMB_READ_INODE(inode, st, RD)                                                   \
	do {                                                                            \
		struct super_block *sb_ = RD(inode, i_sb);                              \
		(st)->key.dev = RD(sb_, s_dev);                                         \
		(st)->key.ino = RD(inode, i_ino);                                       \
		(st)->size = RD(inode, i_size);                                         \
		(st)->nlink = RD(inode, __i_nlink);                                     \
		if (bpf_core_field_exists(struct inode___v611, i_ctime_sec)) {          \
			struct inode___v611 *i_ = (void *)(inode);                      \
			(st)->ctime_sec = RD(i_, i_ctime_sec);                          \
			(st)->ctime_nsec = RD(i_, i_ctime_nsec);                        \
		} else if (bpf_core_field_exists(struct inode___v66, __i_ctime)) {      \
			struct inode___v66 *i_ = (void *)(inode);                       \
			(st)->ctime_sec = RD(i_, __i_ctime.tv_sec);                     \
			(st)->ctime_nsec = RD(i_, __i_ctime.tv_nsec);                   \
		} else {                                                                \
			struct inode___old *i_ = (void *)(inode);                       \
			(st)->ctime_sec = RD(i_, i_ctime.tv_sec);                       \
			(st)->ctime_nsec = RD(i_, i_ctime.tv_nsec);                     \
		}                                                                       \
		(st)->ctime_nsec &= EMB_CTIME_NSEC_MASK;                                \
	} while (0)

/* An entry is about this content only while ctime and size are the same. */
static __always_inline int emb_val_fresh(const struct emb_inode_val *c,
					 const struct emb_file_state *st)
{
	return c && c->ctime_sec == st->ctime_sec && c->ctime_nsec == st->ctime_nsec &&
	       c->size == st->size;
}

/*
 * Look the inode up, banned table first, and check the entry is still about
 * this content: same ctime and size. A fresh listed verdict wins over a
 * clean one (the agent writes the listed one before it deletes the other).
 * Fail-closed: anything that does not match exactly is unverified, never
 * "clean".
 */
static __always_inline void emb_lookup_verdict(struct emb_file_state *st)
{
	struct emb_inode_val *c = bpf_map_lookup_elem(&emb_listed, &st->key);

	st->v.action = EMB_ACT_NONE;
	st->v.rule_id = 0;
	if (!emb_val_fresh(c, st))
		c = bpf_map_lookup_elem(&emb_clean, &st->key);
	st->unverified = !emb_val_fresh(c, st);
	if (!st->unverified) {
		st->v.action = c->action;
		st->v.rule_id = c->rule_id;
	}
}

/* The verdict for a BTF inode pointer (see EMB_READ_INODE). */
static __always_inline void emb_decide_inode(struct inode *inode, struct emb_file_state *st)
{
	EMB_READ_INODE(inode, st, EMB_LOAD);
	emb_lookup_verdict(st);
}

/* The verdict for an inode address read from memory (probe reads). */
static __always_inline void emb_decide_inode_probed(struct inode *inode,
						    struct emb_file_state *st)
{
	EMB_READ_INODE(inode, st, BPF_CORE_READ);
	emb_lookup_verdict(st);
}

/* The current task runs the agent's own executable as real uid 0. */
static __always_inline int emb_is_agent_image(const struct emb_config *cfg)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct inode *exe;

	if ((__u32)bpf_get_current_uid_gid() != 0 || !cfg->agent_exe_ino)
		return 0;
	exe = BPF_CORE_READ(task, mm, exe_file, f_inode);
	return exe && BPF_CORE_READ(exe, i_ino) == cfg->agent_exe_ino &&
	       BPF_CORE_READ(exe, i_sb, s_dev) == cfg->agent_exe_dev;
}

/*
 * What to do with an unverified file for the current task: EMB_UNV_OFF (not
 * ours to judge), ALLOW or DENY. The agent itself is never denied (it must
 * be able to start and hash): its tgid while its heartbeat is fresh (a dead
 * agent's pid can be reused), and root running the agent's executable (a
 * restart under pins that hold deny). A stale heartbeat (agent down or
 * stalled) leaves deny in force: fail-closed, nothing unknown runs on an
 * enforcing host while nobody can hash it; a host that sets
 * `unverified_when_down: allow` gets allow for unknown files instead
 * (known-banned inodes stay denied either way).
 */
static __always_inline __u32 emb_unverified_mode(void)
{
	__u32 zero = 0;
	struct emb_config *cfg = bpf_map_lookup_elem(&emb_config, &zero);
	__u32 mode;
	int stale;

	if (!cfg || cfg->unverified == EMB_UNV_OFF)
		return EMB_UNV_OFF;
	stale = bpf_ktime_get_ns() - cfg->heartbeat_ns > EMB_HEARTBEAT_STALE_NS;
	if (!stale && (bpf_get_current_pid_tgid() >> 32) == cfg->agent_tgid)
		return EMB_UNV_OFF;
	/* Out of scope: another instance's (or nobody's) business. A scope
	 * map that cannot answer (<0: empty slot) is out of scope: fail-open
	 * for unknown files only, because failing closed would put every task
	 * of the host under this instance's `unverified: deny`. */
	if (bpf_current_task_under_cgroup(&emb_scope, 0) != 1)
		return EMB_UNV_OFF;
	if (emb_is_agent_image(cfg))
		return EMB_UNV_OFF;
	mode = cfg->unverified;
	if (mode == EMB_UNV_DENY && stale && (cfg->flags & EMB_CFG_DOWN_ALLOW))
		mode = EMB_UNV_ALLOW;
	return mode;
}

/* The file of an exec, mmap or unverified event; the kernel never has an
 * fd to give (-1). name is a kernel string, or NULL. */
static __always_inline void emb_event_file(struct emb_event *e, const struct emb_file_state *st,
					   __u32 origin, const char *name, __u64 vm_start,
					   __u64 vm_end)
{
	e->exec.dev = st->key.dev;
	e->exec.ino = st->key.ino;
	e->exec.ctime_sec = st->ctime_sec;
	e->exec.ctime_nsec = st->ctime_nsec;
	e->exec.origin = origin;
	e->exec.size = st->size;
	e->exec.vm_start = vm_start;
	e->exec.vm_end = vm_end;
	e->exec.fd = -1;
	e->exec.nlink = st->nlink;
	if (!name || bpf_probe_read_kernel_str(e->exec.path, sizeof(e->exec.path), name) < 0)
		e->exec.path[0] = '\0';
}

/*
 * Ask the agent to hash an unverified file. A full ring buffer is counted;
 * the verdict never depends on it (deny stays deny, the next exec asks
 * again).
 */
static __always_inline void emb_hash_request(const struct emb_file_state *st, __u32 origin,
					     __u32 action, __u32 method, const char *name,
					     __u64 vm_start, __u64 vm_end)
{
	struct emb_event *e = bpf_ringbuf_reserve(&emb_hashreq, sizeof(*e), 0);

	if (!e) {
		emb_count(EMB_STAT_HASHREQ_LOST);
		return;
	}
	emb_event_fill(e, EMB_EV_UNVERIFIED, action, method, 0);
	emb_event_file(e, st, origin, name, vm_start, vm_end);
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
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

/*
 * An IPv6 destination: its own rules, and the IPv4 rules of every IPv4
 * address it carries (emb_v4embed.h: mapped, compatible, NAT64, 6to4);
 * the strongest verdict wins. Fail-closed: an encapsulated banned IPv4
 * address is the same far end.
 */
static __always_inline void emb_decide_net6(const __u32 daddr_be[4], __u16 port, __u8 proto,
					    struct emb_verdict *out)
{
	struct emb_lpm6_key key = { .prefixlen = 128 };
	__u8 v4[EMB_V4_EMBED_MAX][4];
	struct emb_net_value *v;
	int n;

	__builtin_memcpy(key.addr, daddr_be, 16);
	n = emb_v4_embedded(key.addr, v4);
	if (EMB_V4_COUNT(n)) {
		__u32 a;

		__builtin_memcpy(&a, v4[0], 4);
		emb_decide_net4(a, port, proto, out);
	}
	if (EMB_V4_COUNT(n) > 1) {
		__u32 a;

		__builtin_memcpy(&a, v4[1], 4);
		emb_decide_net4(a, port, proto, out);
	}
	/* ::ffff:a.b.c.d is IPv4 on the wire: only the IPv4 rules apply. */
	if (n & EMB_V4_ONLY)
		return;
	v = bpf_map_lookup_elem(&emb_net6, &key);
	if (v)
		emb_match_rules(v, port, proto, out);
}

#endif
