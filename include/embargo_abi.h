/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * embargo_abi.h - every type that crosses the kernel/user boundary.
 *
 * Included by the BPF programs (after vmlinux.h, __bpf__ defined by clang)
 * and by userspace (after <linux/types.h>). Bump EMBARGO_ABI_VERSION on any
 * change of layout or meaning: pinned maps of another version are replaced,
 * never reused.
 */
#ifndef EMBARGO_ABI_H
#define EMBARGO_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define EMBARGO_ABI_VERSION 9

/*
 * The enforcement backends: the one enum for the loader, the CLI's
 * --backend and emb_meta.backend (pinned, so read by other builds: values
 * are never renumbered, only appended; names in userspace/lib/sys/backend.c).
 * EMB_BACKEND_AUTO is a request (--backend auto), never pinned.
 */
enum emb_backend {
	EMB_BACKEND_CLASSIC = 0, /* tracepoints: SIGKILL before the first instruction */
	EMB_BACKEND_LSM = 1,     /* BPF LSM: exec/mmap fail with EPERM */
	EMB_BACKEND_FMOD_RET = 2, /* fmod_ret on the security_* functions: EPERM, no BPF LSM */
	EMB_BACKEND_KMOD = 3,    /* embargo.ko judges exec (EPERM, hashes itself); mmap as classic */
	EMB_BACKEND_COUNT,       /* keep after the last backend */
	EMB_BACKEND_AUTO = 0xff, /* the first usable backend, in the loader's order */
};

/* Verdicts, ordered: a larger value wins (deny beats audit). */
enum emb_action {
	EMB_ACT_NONE = 0,
	EMB_ACT_AUDIT = 1,
	EMB_ACT_DENY = 2,
};

/* Protocol bits of a network rule. */
#define EMB_PROTO_TCP (1u << 0)
#define EMB_PROTO_UDP (1u << 1)
#define EMB_PROTO_ANY (EMB_PROTO_TCP | EMB_PROTO_UDP)

/* Inode identity as the kernel sees it: sb->s_dev is (major << 20 | minor). */
struct emb_inode_key {
	__u64 dev;
	__u64 ino;
};

/*
 * emb_listed / emb_clean value: the verdict computed for one inode, valid
 * only while the inode still has this ctime and size (ctime changes on every
 * write, chmod, link and rename). emb_listed holds listed verdicts (deny,
 * audit), emb_clean action EMB_ACT_NONE = hashed and clean. A missing or
 * stale entry makes the file "unverified" (contract.md §5).
 */
struct emb_inode_val {
	__s64 ctime_sec;
	__u32 ctime_nsec;
	__u32 action; /* enum emb_action */
	__u64 size;
	__u32 rule_id;
	__u32 pad;
};

/* host.yaml `unverified:` as the kernel applies it (emb_config.unverified). */
enum emb_unverified_mode {
	EMB_UNV_OFF = 0,   /* no hash rule in force: nothing to verify */
	EMB_UNV_ALLOW = 1, /* run it, tell the agent: it hashes and kills if banned */
	EMB_UNV_DENY = 2,  /* deny it, tell the agent: it hashes for the next try */
};

/*
 * emb_config[0], written by the agent. heartbeat_ns (bpf_ktime_get_ns clock,
 * CLOCK_MONOTONIC) is refreshed while the agent makes progress (serving
 * hash requests, scanning); older than EMB_HEARTBEAT_STALE_NS, the agent is
 * down or stalled. Unverified deny then HOLDS (nothing unknown runs until an
 * agent hashes it) unless flags has EMB_CFG_DOWN_ALLOW (host.yaml
 * `unverified_when_down: allow`). Never unverified-denied: agent_tgid while
 * its heartbeat is fresh, and a task of real uid 0 whose executable is the
 * agent's own (agent_exe_dev/ino, the kernel's s_dev encoding), so a
 * restarted agent can start under held pins.
 */
#define EMB_CFG_DOWN_ALLOW (1u << 0)

struct emb_config {
	__u32 unverified; /* enum emb_unverified_mode */
	__u32 agent_tgid;
	__u64 heartbeat_ns;
	__u64 agent_exe_dev;
	__u64 agent_exe_ino;
	__u32 flags; /* EMB_CFG_* */
	__u32 pad;
};

#define EMB_HEARTBEAT_STALE_NS (5ULL * 1000 * 1000 * 1000)

/* rule_id indexes the userspace rule table (policy, vendor, sha256/cidr). */
struct emb_verdict {
	__u32 action; /* enum emb_action */
	__u32 rule_id;
};

/*
 * Network rules live in LPM tries keyed by prefix. Each prefix carries every
 * port/proto rule of itself and of all shorter prefixes containing it (the
 * compiler pushes them down), so the single longest match is enough.
 */
#define EMB_NET_RULES_PER_PREFIX 16

struct emb_net_rule {
	__u16 port_lo; /* host order, inclusive */
	__u16 port_hi;
	__u8 proto_mask; /* EMB_PROTO_* */
	__u8 action;     /* enum emb_action */
	__u16 pad;
	__u32 rule_id;
};

struct emb_net_value {
	__u32 count;
	struct emb_net_rule rules[EMB_NET_RULES_PER_PREFIX];
};

struct emb_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct emb_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Per-CPU counters (array map index). */
enum emb_stat {
	EMB_STAT_DENIED = 0,
	EMB_STAT_AUDITED = 1,
	EMB_STAT_LOST = 2, /* ring buffer full: event not delivered */
	EMB_STAT_LSM_CALLS = 3, /* the lsm or fmod_ret exec hook ran: the backend self-test */
	EMB_STAT_UNVERIFIED = 4, /* exec/mmap of an unverified file in scope */
	EMB_STAT_HASHREQ_LOST = 5, /* hash request ring buffer full */
	EMB_STAT_PKT_DROPPED = 6, /* egress packets dropped (emb_egress; also in DENIED) */
	EMB_STAT_KMOD_HASHED = 7, /* embargo.ko hashed an unverified file itself */
	EMB_STAT_KMOD_HASH_FAILED = 8, /* embargo.ko could not hash (bound, read error): denied */
	EMB_STAT_KMOD_RECORD_LOST = 9, /* embargo.ko could not record a verdict in emb_clean */
	EMB_STAT_KMOD_GATE_CALLS = 10, /* exec levels embargo.ko judged with maps attached */
	EMB_STAT_KMOD_GATE_NS = 11, /* ns spent in them (hashing included): the module's cost */
	EMB_STAT_VMA_UNREAD = 12, /* classic, kmod: a mapped range could not be read: killed */
	EMB_STAT_MAX = 13, /* keep last */
};

enum emb_event_type {
	EMB_EV_EXEC = 1,
	EMB_EV_CONNECT = 2,
	EMB_EV_SENDMSG = 3,
	EMB_EV_MMAP = 4, /* mmap/mprotect PROT_EXEC of a listed file */
	EMB_EV_UNVERIFIED = 5, /* emb_hashreq only: exec/mmap of an unverified file */
	EMB_EV_PACKET = 6, /* egress packet of a socket the sock_addr hooks do not judge */
};

/* How the kernel enforced a deny. */
enum emb_method {
	EMB_METHOD_NONE = 0, /* audit: nothing enforced */
	EMB_METHOD_SIGKILL = 1,
	EMB_METHOD_EPERM = 2,
	EMB_METHOD_DROP = 3, /* EMB_EV_PACKET: the packet was dropped */
};

#define EMB_COMM_LEN 16
#define EMB_PATH_LEN 256
/* Executable of a network caller, as the kernel's dentry names from the
 * file up to its mount's root: exe[0] is the base name. */
#define EMB_EXE_DEPTH 8
#define EMB_EXE_NAME 64

struct emb_event {
	__u32 type;   /* enum emb_event_type */
	__u32 action; /* enum emb_action */
	__u32 method; /* enum emb_method */
	__u32 rule_id;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 pad;
	char comm[EMB_COMM_LEN];
	union {
		struct {
			__u64 dev;
			__u64 ino;
			__s64 ctime_sec; /* the inode as seen by the hook */
			__u32 ctime_nsec;
			__u32 origin; /* EMB_EV_UNVERIFIED: EMB_EV_EXEC or EMB_EV_MMAP */
			__u64 size;
			__u64 vm_start; /* mprotect: the mapping, for /proc/PID/map_files */
			__u64 vm_end;
			__s32 fd; /* mmap: the fd argument, else -1 */
			__u32 nlink; /* 0: no path (memfd, O_TMPFILE, deleted) */
			char path[EMB_PATH_LEN]; /* EMB_EV_MMAP: the file's base name */
		} exec; /* EMB_EV_EXEC, EMB_EV_MMAP, EMB_EV_UNVERIFIED */
		struct {
			__u32 family; /* AF_INET or AF_INET6 (as called / on the wire) */
			__u32 proto;  /* EMB_PROTO_TCP or EMB_PROTO_UDP; 0: other */
			__u16 dport;  /* host order; 0 when the protocol has none */
			__u8 ipproto; /* EMB_EV_PACKET: IP protocol (IPPROTO_*), else 0 */
			__u8 socktype; /* EMB_EV_PACKET: the socket's SOCK_* type, 0 unknown */
			__u8 daddr[16]; /* 4 bytes used for AF_INET */
			char exe[EMB_EXE_DEPTH][EMB_EXE_NAME];
		} net;
	};
};

/*
 * emb_banned: every SHA-256 the policy lists (deny or audit), for the
 * kernel module, which hashes unverified files itself (kmod backend). The
 * agent keeps it in step with the policy like emb_net4/emb_net6.
 */
#define EMB_SHA256_BYTES 32

struct emb_sha256_key {
	__u8 digest[EMB_SHA256_BYTES];
};

/* value of emb_banned: struct emb_verdict */

/*
 * embargo.ko (kmod/): an exec gate at the head of the binfmt list. The agent
 * opens EMB_KMOD_DEV and hands it the maps once (EMB_KMOD_IOC_ATTACH); the
 * module holds a reference on each map and on itself until
 * EMB_KMOD_IOC_RELEASE (`embargo unload`), so it cannot be unloaded while it
 * enforces. Its events reach emb_events through the module's tracepoint
 * EMB_KMOD_TRACEPOINT (a raw_tp program copies the struct emb_event).
 */
#define EMB_KMOD_DEV "/dev/embargo"
#define EMB_KMOD_TRACEPOINT "embargo_kmod_event"

struct emb_kmod_maps {
	__u32 abi_version; /* EMBARGO_ABI_VERSION: the module refuses another */
	__s32 inodes_fd;   /* emb_clean (the module records its verdicts there) */
	__s32 banned_fd;   /* emb_banned */
	__s32 config_fd;   /* emb_config */
	__s32 stats_fd;    /* emb_stats */
	__s32 listed_fd;   /* emb_listed */
};

/* EMB_KMOD_IOC_STATUS: what the module holds. */
struct emb_kmod_status {
	__u32 abi_version;
	__u32 attached;   /* maps handed over: enforcing */
	__u32 owner_tgid; /* who attached */
	__u32 pad;
	__u64 max_hash_bytes; /* a larger unverified file is denied unhashed */
	__u64 max_hash_ms;    /* hashing that takes longer is abandoned: denied */
};

#ifndef __bpf__
#include <linux/ioctl.h>
#define EMB_KMOD_IOC_MAGIC 0xEB
#define EMB_KMOD_IOC_ATTACH _IOW(EMB_KMOD_IOC_MAGIC, 1, struct emb_kmod_maps)
#define EMB_KMOD_IOC_RELEASE _IO(EMB_KMOD_IOC_MAGIC, 2)
#define EMB_KMOD_IOC_STATUS _IOR(EMB_KMOD_IOC_MAGIC, 3, struct emb_kmod_status)
#endif

#endif /* EMBARGO_ABI_H */
