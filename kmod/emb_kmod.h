/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emb_kmod.h - embargo.ko's internal interfaces (one .c per job):
 *   main.c    module init/exit, parameters
 *   dev.c     /dev/embargo: the agent hands over the maps, `embargo unload`
 *             releases them
 *   maps.c    the handed-over BPF maps, read and written like a BPF program
 *             would, under SRCU so a release waits for execs in flight
 *   gate.c    the binfmt handler: judges every exec level
 *   hash.c    bounded SHA-256 of an exec'd file (crypto API)
 *   events.c  struct emb_event out through the module's tracepoint
 */
#ifndef EMB_KMOD_H
#define EMB_KMOD_H

#include <linux/binfmts.h>
#include <linux/types.h>

#include "embargo_abi.h"

/* Parameters (main.c): bounds of the in-kernel hash. */
extern unsigned long emb_max_hash_bytes;
extern unsigned int emb_max_hash_ms;

/* maps.c. Every accessor takes the SRCU index from emb_maps_enter(). */
struct emb_kmaps;
int emb_maps_init(void);
void emb_maps_exit(void);
int emb_maps_attach(const struct emb_kmod_maps *req);
int emb_maps_release(void);
void emb_maps_status(struct emb_kmod_status *st);
struct emb_kmaps *emb_maps_enter(int *srcu_idx);
void emb_maps_leave(int srcu_idx);
/* emb_listed first (a fresh entry there wins), then emb_clean: as the BPF
 * hooks look (bpf/emb_decide.bpf.h). */
int emb_maps_listed(struct emb_kmaps *m, const struct emb_inode_key *k, struct emb_inode_val *v);
int emb_maps_inode(struct emb_kmaps *m, const struct emb_inode_key *k, struct emb_inode_val *v);
int emb_maps_set_inode(struct emb_kmaps *m, const struct emb_inode_key *k,
		       const struct emb_inode_val *v);
int emb_maps_banned(struct emb_kmaps *m, const struct emb_sha256_key *k, struct emb_verdict *v);
int emb_maps_config(struct emb_kmaps *m, struct emb_config *c);
void emb_maps_count(struct emb_kmaps *m, u32 stat);
void emb_maps_add(struct emb_kmaps *m, u32 stat, u64 delta);

/* gate.c */
int emb_gate_register(void);
void emb_gate_unregister(void);

/* dev.c */
int emb_dev_register(void);
void emb_dev_unregister(void);

/* hash.c */
int emb_hash_init(void);
void emb_hash_exit(void);
int emb_hash_file(struct file *file, loff_t size, u8 digest[EMB_SHA256_BYTES]);

/* events.c: the inode state the gate saw, for the event. */
struct emb_kfile {
	struct emb_inode_key key;
	s64 ctime_sec;
	u32 ctime_nsec;
	u32 nlink;
	u64 size;
};

/* Returns 0, or -ENOSPC when nobody listens (the caller counts it lost). */
int emb_event_exec(const struct linux_binprm *bprm, const struct emb_kfile *f, u32 type,
		   u32 action, u32 method, u32 rule_id);

#endif
