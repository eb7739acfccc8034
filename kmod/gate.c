// SPDX-License-Identifier: GPL-2.0
/*
 * gate.c - the exec gate: a binfmt handler at the head of the list.
 * search_binary_handler() calls it for every level of an exec (a script,
 * then its interpreter; binfmt_misc's too) with bprm->file open and
 * write-denied, before any real format, and without binfmt_lock held (it
 * may sleep). -ENOEXEC passes the level on to the real formats; any other
 * return fails the execve with it.
 *
 * The verdict for bprm->file's inode comes from emb_listed, then emb_clean
 * (what the agent and this module recorded); an unverified file is hashed here and looked
 * up in emb_banned, and the verdict recorded for the next exec.
 */
#include <linux/binfmts.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/version.h>

#include "emb_kmod.h"

/* 6.13+ keeps a "ctime queried" flag in bit 31 of the nanoseconds. */
#define EMB_CTIME_NSEC_MASK 0x7fffffffu

/* The inode's identity and state, as bpf/emb_decide.bpf.h reads them. */
static void emb_kfile_read(struct file *file, struct emb_kfile *f)
{
	struct inode *inode = file_inode(file);
	struct timespec64 ct;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	ct = inode_get_ctime(inode);
#else
	ct = inode->i_ctime;
#endif
	f->key.dev = inode->i_sb->s_dev;
	f->key.ino = inode->i_ino;
	f->size = i_size_read(inode);
	f->nlink = inode->i_nlink;
	f->ctime_sec = ct.tv_sec;
	f->ctime_nsec = (u32)ct.tv_nsec & EMB_CTIME_NSEC_MASK;
}

/* An entry is about this content only for the same ctime and size. */
static bool emb_entry_current(const struct emb_inode_val *iv, const struct emb_kfile *f)
{
	return iv->ctime_sec == f->ctime_sec && iv->ctime_nsec == f->ctime_nsec &&
	       iv->size == f->size;
}

/* Remember v for this content; a write or chmod since (ctime moved) wins. */
static void emb_record(struct emb_kmaps *m, struct file *file, const struct emb_kfile *f,
		       const struct emb_verdict *v)
{
	struct emb_inode_val iv = {
		.ctime_sec = f->ctime_sec,
		.ctime_nsec = f->ctime_nsec,
		.action = v->action,
		.size = f->size,
		.rule_id = v->rule_id,
	};
	struct emb_kfile now;

	emb_kfile_read(file, &now);
	if (!emb_entry_current(&iv, &now))
		return;
	if (emb_maps_set_inode(m, &f->key, &iv))
		emb_maps_count(m, EMB_STAT_KMOD_RECORD_LOST);
}

/*
 * Unverified file: hash it and look it up. Fail-closed: a file that cannot
 * be hashed within the bounds (too big, too slow, unreadable, no memory) is
 * denied, because nobody else will judge it before it runs. Returns 0 with
 * *v set, or the errno to fail the exec with.
 */
static int emb_verify(struct emb_kmaps *m, struct linux_binprm *bprm, const struct emb_kfile *f,
		      struct emb_verdict *v)
{
	struct emb_sha256_key k;
	int err;

	err = emb_hash_file(bprm->file, f->size, k.digest);
	if (err) {
		emb_maps_count(m, EMB_STAT_KMOD_HASH_FAILED);
		emb_maps_count(m, EMB_STAT_DENIED);
		pr_warn_ratelimited("embargo: %s: not hashed (%d, bound %lu bytes, %u ms): denied\n",
				    bprm->filename, err, READ_ONCE(emb_max_hash_bytes),
				    READ_ONCE(emb_max_hash_ms));
		return err == -EINTR ? -EINTR : -EPERM;
	}
	emb_maps_count(m, EMB_STAT_KMOD_HASHED);
	if (emb_maps_banned(m, &k, v)) {
		v->action = EMB_ACT_NONE;
		v->rule_id = 0;
	}
	emb_record(m, bprm->file, f, v);
	return 0;
}

/* Deny fails the exec with EPERM; audit lets it run; both are reported. */
static int emb_enforce(struct emb_kmaps *m, struct linux_binprm *bprm, const struct emb_kfile *f,
		       const struct emb_verdict *v)
{
	int deny = v->action == EMB_ACT_DENY;

	if (v->action == EMB_ACT_NONE)
		return -ENOEXEC;
	emb_maps_count(m, deny ? EMB_STAT_DENIED : EMB_STAT_AUDITED);
	if (emb_event_exec(bprm, f, EMB_EV_EXEC, v->action,
			   deny ? EMB_METHOD_EPERM : EMB_METHOD_NONE, v->rule_id))
		emb_maps_count(m, EMB_STAT_LOST);
	return deny ? -EPERM : -ENOEXEC;
}

/*
 * One exec level. With unverified: off (no file rule in force) an
 * unverified file is none of ours. Hashing is by content, so unlike the BPF
 * path it is not limited to the agent's --cgroup scope: a banned digest is
 * banned for every task, as known-banned inodes already are.
 */
static int emb_judge(struct emb_kmaps *m, struct linux_binprm *bprm)
{
	struct emb_verdict v = { .action = EMB_ACT_NONE };
	struct emb_inode_val iv;
	struct emb_config cfg;
	struct emb_kfile f;
	int err;

	emb_kfile_read(bprm->file, &f);
	if ((!emb_maps_listed(m, &f.key, &iv) && emb_entry_current(&iv, &f)) ||
	    (!emb_maps_inode(m, &f.key, &iv) && emb_entry_current(&iv, &f))) {
		v.action = iv.action;
		v.rule_id = iv.rule_id;
	} else {
		if (emb_maps_config(m, &cfg) || cfg.unverified == EMB_UNV_OFF)
			return -ENOEXEC;
		emb_maps_count(m, EMB_STAT_UNVERIFIED);
		err = emb_verify(m, bprm, &f, &v);
		if (err)
			return err;
	}
	return emb_enforce(m, bprm, &f, &v);
}

/*
 * Fail-open only while no maps were handed over (module loaded, agent not
 * started yet: there is no policy to apply). Once attached, the maps stay
 * until `embargo unload`, whether the agent lives or not.
 */
static int emb_load_binary(struct linux_binprm *bprm)
{
	struct emb_kmaps *m;
	int idx, ret = -ENOEXEC;

	m = emb_maps_enter(&idx);
	if (m && bprm->file) {
		u64 t0 = ktime_get_ns();

		ret = emb_judge(m, bprm);
		emb_maps_count(m, EMB_STAT_KMOD_GATE_CALLS);
		emb_maps_add(m, EMB_STAT_KMOD_GATE_NS, ktime_get_ns() - t0);
	}
	emb_maps_leave(idx);
	return ret;
}

static struct linux_binfmt emb_binfmt = {
	.module = THIS_MODULE,
	.load_binary = emb_load_binary,
};

int emb_gate_register(void)
{
	__register_binfmt(&emb_binfmt, 1); /* at the head: before every real format */
	return 0;
}

void emb_gate_unregister(void)
{
	unregister_binfmt(&emb_binfmt);
}
