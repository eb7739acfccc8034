// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * embargo.bpf.c - every entry point of every backend, over one set of maps
 * (emb_decide.bpf.h). The loader (loader/hooks.c, one row per program)
 * turns autoload off for the programs of the backends it did not choose,
 * so only one exec path is ever loaded.
 *
 * classic (kernels with neither BPF LSM nor trampolines):
 *   exec:  tp_btf/sched_process_exec sees the new image before it runs one
 *          instruction; a banned one gets SIGKILL, delivered on the way back
 *          to user mode.
 *   mmap:  tp_btf/sys_exit kills a task whose mmap/mprotect left a banned
 *          file's pages executable (ld.so ./banned, a .so), judged from
 *          the VMAs the kernel made.
 * lsm:
 *   exec:  lsm/bprm_check_security returns -EPERM: execve() fails cleanly
 *          (a #! script too: the hook runs per binfmt level).
 *   mmap:  lsm/mmap_file and lsm/file_mprotect refuse PROT_EXEC of a banned
 *          file (ld.so ./banned, a banned .so) with -EPERM.
 * fmod_ret (BPF LSM not active, trampolines work): the lsm decisions on
 *          the security_* functions that call the LSMs.
 * kmod (embargo.ko loaded, no usable BPF LSM):
 *   exec:  the module's binfmt handler fails execve() with EPERM and hashes
 *          unverified files itself; its events arrive here through its
 *          tracepoint (raw_tp/embargo_kmod_event) and go to emb_events.
 *   mmap:  as classic (tp_btf/sys_exit, SIGKILL).
 * all:
 *   unverified: a file with no verdict for its current ctime and size is
 *          denied or let through per host.yaml `unverified:` and handed to
 *          the agent for hashing (emb_hashreq).
 *   network: cgroup sock_addr hooks; returning 0 makes connect()/sendmsg()
 *          fail with EPERM. The LSM backend keeps them rather than using
 *          lsm/socket_connect + lsm/socket_sendmsg: they already fail the
 *          call with EPERM, see the address before any route lookup, and
 *          attach to one cgroup, so two instances (and the tests) can be
 *          scoped to their own processes; LSM hooks are global.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "emb_decide.bpf.h"
#include "emb_meta.bpf.h"

#define SIGKILL 9
#define EPERM 1
#define PROT_READ 0x1
#define PROT_EXEC 0x4
#define READ_IMPLIES_EXEC 0x0400000

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Event for a listed (banned or audited) file: exec or mmap. */
static __always_inline void emb_file_event(const struct emb_file_state *st, __u32 type,
					   __u32 method, const char *name)
{
	struct emb_event *e = emb_event_start(type, st->v.action, method, st->v.rule_id);

	if (!e)
		return;
	emb_event_file(e, st, type, name, 0, 0);
	bpf_ringbuf_submit(e, 0);
}

/*
 * Classic backend: the file is running (exec) or about to be mapped. A
 * listed deny is a SIGKILL, delivered before the task returns to user mode.
 * Fail-closed: the kill does not depend on the event; if the signal cannot
 * be sent the deny is still counted and logged with method "none".
 */
static __always_inline void emb_classic_listed(const struct emb_file_state *st, __u32 type,
					       const char *name)
{
	__u32 method = EMB_METHOD_NONE;

	if (st->v.action == EMB_ACT_NONE)
		return;
	if (st->v.action == EMB_ACT_DENY && bpf_send_signal(SIGKILL) == 0)
		method = EMB_METHOD_SIGKILL;
	emb_count_verdict(st->v.action);
	emb_file_event(st, type, method, name);
}

/* Classic backend, unverified file: deny = SIGKILL now; allow = run it.
 * Either way the agent is asked to hash it (emb_hash_request). */
static __always_inline void emb_classic_unverified(const struct emb_file_state *st, __u32 type,
						   const char *name, __u64 vm_start, __u64 vm_end)
{
	__u32 mode = emb_unverified_mode();
	__u32 method = EMB_METHOD_NONE;
	int deny = mode == EMB_UNV_DENY;

	if (mode == EMB_UNV_OFF)
		return;
	emb_count(EMB_STAT_UNVERIFIED);
	if (deny && bpf_send_signal(SIGKILL) == 0)
		method = EMB_METHOD_SIGKILL;
	emb_hash_request(st, type, deny ? EMB_ACT_DENY : EMB_ACT_NONE, method, name, vm_start,
			 vm_end);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(emb_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct emb_file_state st;
	const char *name = bprm->filename;

	emb_decide_inode(bprm->file->f_inode, &st);
	if (st.unverified)
		emb_classic_unverified(&st, EMB_EV_EXEC, name, 0, 0);
	else
		emb_classic_listed(&st, EMB_EV_EXEC, name);
	return 0;
}

static __always_inline const char *emb_file_name(struct file *file)
{
	return file ? (const char *)BPF_CORE_READ(file, f_path.dentry, d_name.name) : NULL;
}

/*
 * The task's own executable: its mapping at exec (load_elf_binary maps it
 * after the new mm took it as exe_file) is judged by the exec hooks, which
 * see it first. Skipping it here avoids a second verdict for the same exec.
 */
static __always_inline int emb_is_own_exe(struct file *file)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct inode *exe = BPF_CORE_READ(task, mm, exe_file, f_inode);

	return exe && exe == BPF_CORE_READ(file, f_inode);
}

/* Classic backend: PROT_EXEC mapping of a file (mmap or mprotect). */
static __always_inline void emb_classic_map(struct file *file, __u64 vm_start, __u64 vm_end)
{
	struct emb_file_state st;
	const char *name;

	/* Fail-open for anonymous mappings: no file, nothing to be banned. */
	if (!file || emb_is_own_exe(file))
		return;
	name = emb_file_name(file);
	emb_decide_inode_probed(BPF_CORE_READ(file, f_inode), &st);
	if (st.unverified)
		emb_classic_unverified(&st, EMB_EV_MMAP, name, vm_start, vm_end);
	else
		emb_classic_listed(&st, EMB_EV_MMAP, name);
}

/*
 * Classic backend, executable mappings, judged at syscall exit from what the
 * kernel mapped: every VMA of the resulting range, its vm_file and VM_EXEC
 * (so READ_IMPLIES_EXEC, a range spanning several mappings and an fd
 * swapped by another thread all show as they are). x86-64 and 32-bit
 * (int $0x80, a 32-bit task) numbers both; a kill here is delivered before
 * the task returns to user mode: the mapping exists, none of its
 * instructions runs. Mappings the kernel makes itself (the ELF loader: the
 * exe, judged at exec, and its interpreter) are not syscalls and are not
 * seen here.
 */
#define EMB_NR_MMAP 9
#define EMB_NR_MPROTECT 10
#define EMB_NR_PKEY_MPROTECT 329
#define EMB_NR32_OLD_MMAP 90
#define EMB_NR32_MPROTECT 125
#define EMB_NR32_MMAP2 192
#define EMB_NR32_PKEY_MPROTECT 380
#define MAP_ANONYMOUS 0x20
#define VM_EXEC 0x4
#define TS_COMPAT 0x0002 /* x86 thread_info.status: in a 32-bit syscall */
#define EMB_EBUSY 16
#define EMB_ENOENT 2
/* VMAs judged per syscall; a longer range is refused (fail-closed). */
#define EMB_VMA_MAX 256
/* bpf_find_vma takes mmap_lock with a trylock: retries while another
 * thread of the process holds it for writing. */
#define EMB_VMA_TRIES 64

struct emb_vma_ctx {
	struct file *file;
	__u64 start, end, flags;
};

static long emb_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct emb_vma_ctx *c = data;

	c->file = BPF_CORE_READ(vma, vm_file);
	c->start = BPF_CORE_READ(vma, vm_start);
	c->end = BPF_CORE_READ(vma, vm_end);
	c->flags = BPF_CORE_READ(vma, vm_flags);
	return 0;
}

struct emb_walk {
	__u64 addr, end;
	int done;       /* the end of the range, or a hole, was reached */
	int unreadable; /* a VMA of the range could not be read */
};

/* One VMA of the range per call (bpf_loop): 1 stops the walk. */
static long emb_walk_step(__u64 i, void *data)
{
	struct emb_walk *w = data;
	struct emb_vma_ctx c = {};
	long err = -EMB_EBUSY;

	if (w->addr >= w->end) {
		w->done = 1;
		return 1;
	}
	for (int t = 0; t < EMB_VMA_TRIES && err == -EMB_EBUSY; t++)
		err = bpf_find_vma(bpf_get_current_task_btf(), w->addr, emb_vma_cb, &c, 0);
	/* A hole: nothing is mapped there, and neither mmap nor mprotect
	 * goes past one. */
	if (err == -EMB_ENOENT) {
		w->done = 1;
		return 1;
	}
	if (err || c.end <= w->addr) {
		w->unreadable = 1;
		return 1;
	}
	/* Fail-open for data and anonymous mappings: no file, or pages that
	 * cannot run; the task's own exe was judged at exec. */
	if ((c.flags & VM_EXEC) && c.file && !emb_is_own_exe(c.file)) {
		/* (A mapping of a file is also where marking inodes mapped
		 * shared+writable would go: c.flags holds VM_SHARED/VM_WRITE.) */
		emb_classic_map(c.file, c.start, c.end);
	}
	w->addr = c.end;
	return 0;
}

/* The mapping syscall the task is leaving, as (start, len), or 0 when it
 * made nothing executable that was not executable before. */
static __always_inline int emb_mapped_range(struct pt_regs *regs, long id, long ret, __u64 *start,
					    __u64 *len)
{
	struct task_struct *task = bpf_get_current_task_btf();
	int compat = task->thread_info.status & TS_COMPAT;
	int rie = task->personality & READ_IMPLIES_EXEC;
	unsigned long prot;

	if (!compat) {
		if (id == EMB_NR_MMAP) {
			/* Anonymous memory: no file, nothing to be banned. */
			if (ret < 0 && ret > -4096)
				return 0;
			if (regs->r10 & MAP_ANONYMOUS)
				return 0;
			*start = ret;
		} else if (id == EMB_NR_MPROTECT || id == EMB_NR_PKEY_MPROTECT) {
			/* even a failed mprotect may have changed the VMAs
			 * before the one that failed */
			*start = regs->di;
		} else {
			return 0;
		}
		*len = regs->si;
		prot = regs->dx;
	} else {
		if (id == EMB_NR32_MMAP2) {
			if (ret < 0 && ret > -4096)
				return 0;
			if ((__u32)regs->si & MAP_ANONYMOUS)
				return 0;
			*start = (__u32)ret;
			prot = (__u32)regs->dx;
		} else if (id == EMB_NR32_MPROTECT || id == EMB_NR32_PKEY_MPROTECT) {
			*start = (__u32)regs->bx;
			prot = (__u32)regs->dx;
		} else if (id == EMB_NR32_OLD_MMAP) {
			/* old_mmap(struct mmap_arg_struct *): addr, len, prot,
			 * flags, fd, offset, 32 bits each */
			__u32 a[4];

			if (ret < 0 && ret > -4096)
				return 0;
			/* Unreadable arguments: judge as executable, one VMA
			 * at least (fail-closed). */
			if (bpf_probe_read_user(a, sizeof(a), (void *)(unsigned long)(__u32)regs->bx)) {
				a[1] = 1;
				a[2] = PROT_EXEC;
				a[3] = 0;
			}
			if (a[3] & MAP_ANONYMOUS)
				return 0;
			*start = (__u32)ret;
			*len = a[1];
			prot = a[2];
			goto got;
		} else {
			return 0;
		}
		*len = (__u32)regs->cx;
	}
got:
	/* Fail-open for data mappings: only PROT_EXEC, or PROT_READ under
	 * READ_IMPLIES_EXEC, makes VM_EXEC pages. */
	if (!(prot & PROT_EXEC) && !(rie && (prot & PROT_READ)))
		return 0;
	return *len != 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(emb_sys_exit, struct pt_regs *regs, long ret)
{
	/* x32 calls carry bit 30 and use the x86-64 numbers */
	long id = regs->orig_ax & ~0x40000000L;
	struct emb_walk w = {};
	__u64 start, len;

	/* Every syscall of every task passes here: the cheapest test first. */
	if (id != EMB_NR_MMAP && id != EMB_NR_MPROTECT && id != EMB_NR_PKEY_MPROTECT &&
	    id != EMB_NR32_MMAP2 && id != EMB_NR32_MPROTECT && id != EMB_NR32_PKEY_MPROTECT &&
	    id != EMB_NR32_OLD_MMAP)
		return 0;
	if (!emb_mapped_range(regs, id, ret, &start, &len))
		return 0;
	w.addr = start & ~4095ULL;
	w.end = start + len;
	if (w.end < w.addr)
		w.end = ~0ULL;
	if (bpf_loop(EMB_VMA_MAX, emb_walk_step, &w, 0) < 0)
		w.unreadable = 1;
	/* Fail-closed: a range we could not read to its end (mmap_lock held
	 * for writing through every retry, or more than EMB_VMA_MAX VMAs)
	 * may hold a banned mapping: the task is killed, and counted. */
	if (w.unreadable || !w.done) {
		emb_count(EMB_STAT_VMA_UNREAD);
		emb_count(EMB_STAT_DENIED);
		bpf_send_signal(SIGKILL);
	}
	return 0;
}

/* LSM backend, unverified file: deny = -EPERM; allow = let it through.
 * Either way the agent is asked to hash it. */
static __always_inline int emb_lsm_unverified(const struct emb_file_state *st, __u32 type,
					      const char *name, __u64 vm_start, __u64 vm_end)
{
	__u32 mode = emb_unverified_mode();
	int deny = mode == EMB_UNV_DENY;

	if (mode == EMB_UNV_OFF)
		return 0;
	emb_count(EMB_STAT_UNVERIFIED);
	emb_hash_request(st, type, deny ? EMB_ACT_DENY : EMB_ACT_NONE,
			 deny ? EMB_METHOD_EPERM : EMB_METHOD_NONE, name, vm_start, vm_end);
	return deny ? -EPERM : 0;
}

/*
 * An exec (bprm) or PROT_EXEC mapping of a file under the LSM backend; name
 * is a kernel string for the event (the exec'd path, or the mapped file's
 * base name). Returns the hook's verdict: -EPERM for a deny, 0 otherwise.
 */
static __always_inline int emb_lsm_file(struct file *file, const char *name, __u32 type,
					__u64 vm_start, __u64 vm_end)
{
	struct emb_file_state st;
	int deny;

	/* Fail-open for anonymous mappings: no file, nothing to be banned. */
	if (!file)
		return 0;
	emb_decide_inode(file->f_inode, &st);
	if (st.unverified)
		return emb_lsm_unverified(&st, type, name, vm_start, vm_end);
	if (st.v.action == EMB_ACT_NONE)
		return 0;
	deny = st.v.action == EMB_ACT_DENY;
	emb_count_verdict(st.v.action);
	/* Fail-closed: the verdict does not depend on the event below. */
	emb_file_event(&st, type, deny ? EMB_METHOD_EPERM : EMB_METHOD_NONE, name);
	return deny ? -EPERM : 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(emb_lsm_exec, struct linux_binprm *bprm, int ret)
{
	/* Every call is counted: the loader's self-test reads this to learn
	 * that the kernel really calls the BPF LSM (bpf in lsm=). */
	emb_count(EMB_STAT_LSM_CALLS);
	/* An earlier LSM already refused: keep its verdict. */
	if (ret)
		return ret;
	return emb_lsm_file(bprm->file, bprm->filename, EMB_EV_EXEC, 0, 0);
}

SEC("lsm/mmap_file")
int BPF_PROG(emb_lsm_mmap, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret)
		return ret;
	/* Fail-open for data mappings: only executable pages run code; the
	 * task's own exe was judged at exec (emb_is_own_exe). */
	if (!(prot & PROT_EXEC) || !file || emb_is_own_exe(file))
		return 0;
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP, 0, 0);
}

SEC("lsm/file_mprotect")
int BPF_PROG(emb_lsm_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret)
		return ret;
	/* Fail-open when the pages stay non-executable (see above). */
	if (!(prot & PROT_EXEC))
		return 0;
	file = vma->vm_file;
	if (!file || emb_is_own_exe(file))
		return 0;
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP, vma->vm_start, vma->vm_end);
}

/*
 * fmod_ret backend (kernels whose active LSM list lacks bpf, but with BPF
 * trampolines): the LSM backend's decisions, on the security_* functions
 * that call every LSM. A nonzero return skips the function, and with it the
 * LSMs behind it, and becomes its result: only ever -EPERM, a deny, or an
 * earlier fmod_ret program's error, kept.
 */
SEC("fmod_ret/security_bprm_check")
int BPF_PROG(emb_fmr_exec, struct linux_binprm *bprm, int ret)
{
	/* Counted like the LSM hook: the loader's self-test. Called once per
	 * binfmt level: a #! script, then its interpreter. */
	emb_count(EMB_STAT_LSM_CALLS);
	if (ret)
		return ret;
	return emb_lsm_file(bprm->file, bprm->filename, EMB_EV_EXEC, 0, 0);
}

/*
 * security_mmap_file(file, prot, flags) gets the prot asked for: it adds
 * PROT_EXEC for a READ_IMPLIES_EXEC personality itself (mmap_prot) before
 * it calls the LSMs, which is after this program. Do the same here.
 * Fail-closed: the kernel skips that on a noexec mount; this does not, so
 * at worst a banned file on a noexec mount is refused a read mapping.
 */
static __always_inline unsigned long emb_mmap_prot(unsigned long prot)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if ((prot & (PROT_READ | PROT_EXEC)) == PROT_READ && (task->personality & READ_IMPLIES_EXEC))
		prot |= PROT_EXEC;
	return prot;
}

SEC("fmod_ret/security_mmap_file")
int BPF_PROG(emb_fmr_mmap, struct file *file, unsigned long prot, unsigned long flags, int ret)
{
	if (ret)
		return ret;
	/* Fail-open for data and anonymous mappings, and the task's own exe
	 * (judged at exec), as lsm/mmap_file. */
	if (!file || !(emb_mmap_prot(prot) & PROT_EXEC) || emb_is_own_exe(file))
		return 0;
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP, 0, 0);
}

/* mprotect calls security_file_mprotect once per VMA of the range, with
 * READ_IMPLIES_EXEC already applied: each mapping is judged on its own. */
SEC("fmod_ret/security_file_mprotect")
int BPF_PROG(emb_fmr_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret)
		return ret;
	if (!(prot & PROT_EXEC))
		return 0;
	file = vma->vm_file;
	if (!file || emb_is_own_exe(file))
		return 0;
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP, vma->vm_start, vma->vm_end);
}

/* Unknown protocols (neither TCP nor UDP) match rules of any protocol:
 * fail-closed for a banned network. */
static __always_inline __u8 emb_sock_proto(const struct bpf_sock_addr *ctx)
{
	if (ctx->protocol == IPPROTO_TCP)
		return EMB_PROTO_TCP;
	if (ctx->protocol == IPPROTO_UDP)
		return EMB_PROTO_UDP;
	return EMB_PROTO_ANY;
}

/*
 * The caller's executable, name by name up the dentry chain (bpf_d_path is
 * not available to sock_addr programs). Stops at the mount's root: userspace
 * prefers /proc/PID/exe and uses this when the process is already gone.
 */
static __always_inline void emb_exe_names(struct emb_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct dentry *d = BPF_CORE_READ(task, mm, exe_file, f_path.dentry);

	for (int i = 0; i < EMB_EXE_DEPTH; i++) {
		struct dentry *parent;

		e->net.exe[i][0] = '\0';
		if (!d)
			continue;
		parent = BPF_CORE_READ(d, d_parent);
		if (bpf_probe_read_kernel_str(e->net.exe[i], EMB_EXE_NAME, BPF_CORE_READ(d, d_name.name)) < 0)
			e->net.exe[i][0] = '\0';
		d = parent == d ? NULL : parent;
	}
}

/* Returns the sock_addr verdict: 1 lets the call through, 0 is EPERM. */
static __always_inline int emb_net_finish(struct bpf_sock_addr *ctx, __u32 type, __u32 family,
					  const struct emb_verdict *v, __u16 port, __u8 proto)
{
	struct emb_event *e;
	int deny = v->action == EMB_ACT_DENY;

	if (v->action == EMB_ACT_NONE)
		return 1;
	emb_count_verdict(v->action);
	e = emb_event_start(type, v->action, deny ? EMB_METHOD_EPERM : EMB_METHOD_NONE, v->rule_id);
	if (e) {
		e->net.family = family;
		e->net.proto = proto;
		e->net.dport = port;
		e->net.ipproto = 0;
		e->net.socktype = 0;
		__builtin_memset(e->net.daddr, 0, sizeof(e->net.daddr));
		if (family == AF_INET) {
			__u32 a = ctx->user_ip4;

			__builtin_memcpy(e->net.daddr, &a, 4);
		} else {
			__u32 a[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
				       ctx->user_ip6[3] };

			__builtin_memcpy(e->net.daddr, a, 16);
		}
		emb_exe_names(e);
		bpf_ringbuf_submit(e, 0);
	}
	return deny ? 0 : 1;
}

static __always_inline int emb_sock4(struct bpf_sock_addr *ctx, __u32 type)
{
	struct emb_verdict v = {};
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u8 proto = emb_sock_proto(ctx);

	emb_decide_net4(ctx->user_ip4, port, proto, &v);
	return emb_net_finish(ctx, type, AF_INET, &v, port, proto);
}

static __always_inline int emb_sock6(struct bpf_sock_addr *ctx, __u32 type)
{
	struct emb_verdict v = {};
	__u32 daddr[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u8 proto = emb_sock_proto(ctx);

	emb_decide_net6(daddr, port, proto, &v);
	return emb_net_finish(ctx, type, AF_INET6, &v, port, proto);
}

SEC("cgroup/connect4")
int emb_connect4(struct bpf_sock_addr *ctx)
{
	return emb_sock4(ctx, EMB_EV_CONNECT);
}

SEC("cgroup/connect6")
int emb_connect6(struct bpf_sock_addr *ctx)
{
	return emb_sock6(ctx, EMB_EV_CONNECT);
}

SEC("cgroup/sendmsg4")
int emb_sendmsg4(struct bpf_sock_addr *ctx)
{
	return emb_sock4(ctx, EMB_EV_SENDMSG);
}

SEC("cgroup/sendmsg6")
int emb_sendmsg6(struct bpf_sock_addr *ctx)
{
	return emb_sock6(ctx, EMB_EV_SENDMSG);
}

/*
 * Egress packets (cgroup_skb/egress) of the sockets the sock_addr hooks
 * above never judge: unprivileged ICMP ping sockets (sendto() without
 * connect() runs no sendmsg hook), raw sockets (any protocol, also a
 * hand-made TCP or UDP header), SCTP, and whatever else rides on IP. A
 * packet to a banned prefix is dropped (deny) or passed (audit), with an
 * event either way. Ordinary TCP stream and UDP datagram sockets are left
 * to connect/sendmsg: their verdict came at the call, with EPERM. Packet
 * (AF_PACKET) sockets bypass the IP layer and every cgroup hook: not seen
 * here (they need CAP_NET_RAW).
 */
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define SOCK_RAW 3
#define IP_OFFSET_MASK 0x1fff
#define IPPROTO_SCTP 132
#define IPPROTO_UDPLITE 136

struct emb_pkt {
	__u32 family;
	__u32 daddr[4]; /* network order; [0] for IPv4 */
	__u16 dport;    /* host order; 0: the protocol has no ports here */
	__u8 ipproto;
	__u8 proto;     /* EMB_PROTO_* to match rules with */
};

/* Rules are written for tcp/udp: any other protocol matches rules of any
 * protocol (fail-closed for a banned network), at port 0, so only rules
 * with every port apply to portless traffic such as ICMP. */
static __always_inline void emb_pkt_l4(struct __sk_buff *skb, struct emb_pkt *p, __u32 off,
				       int first_fragment)
{
	__be16 ports[2];

	p->proto = p->ipproto == IPPROTO_TCP ? EMB_PROTO_TCP :
		   p->ipproto == IPPROTO_UDP ? EMB_PROTO_UDP : EMB_PROTO_ANY;
	p->dport = 0;
	if (!first_fragment)
		return;
	if (p->ipproto != IPPROTO_TCP && p->ipproto != IPPROTO_UDP &&
	    p->ipproto != IPPROTO_SCTP && p->ipproto != IPPROTO_UDPLITE)
		return;
	/* TCP, UDP, UDP-Lite and SCTP all start with source, dest port. */
	if (bpf_skb_load_bytes(skb, off, ports, sizeof(ports)) == 0)
		p->dport = bpf_ntohs(ports[1]);
}

/* The packet's far end: 0 parsed, -1 not IP or unreadable. */
static __always_inline int emb_pkt_parse(struct __sk_buff *skb, struct emb_pkt *p)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr iph;

		if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)))
			return -1;
		p->family = AF_INET;
		p->daddr[0] = iph.daddr;
		p->ipproto = iph.protocol;
		emb_pkt_l4(skb, p, iph.ihl * 4, !(iph.frag_off & bpf_htons(IP_OFFSET_MASK)));
		return 0;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return -1;
		p->family = AF_INET6;
		__builtin_memcpy(p->daddr, &ip6.daddr, 16);
		/* Extension headers are not walked: the destination is enough
		 * for a port-less rule; port rules see port 0. */
		p->ipproto = ip6.nexthdr;
		emb_pkt_l4(skb, p, sizeof(ip6), 1);
		return 0;
	}
	return -1;
}

/*
 * emb_event_fill() for cgroup_skb programs, which (before 6.10-ish kernels)
 * may not call the get_current_{pid_tgid,uid_gid,comm} helpers: the same
 * fields read from the current task. Egress of ping, raw and SCTP sockets
 * runs in the sending task (a retransmit from softirq names whoever ran).
 */
static __always_inline void emb_event_fill_task(struct emb_event *e, __u32 type, __u32 action,
						__u32 method, __u32 rule_id)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	e->type = type;
	e->action = action;
	e->method = method;
	e->rule_id = rule_id;
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->pad = 0;
	if (bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &task->comm) < 0)
		e->comm[0] = '\0';
}

/* The sock_addr hooks judged this socket's destinations already. */
static __always_inline int emb_sock_judged(struct __sk_buff *skb, __u8 *socktype)
{
	struct bpf_sock *sk = skb->sk;

	*socktype = 0;
	if (!sk)
		return 0;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 0;
	*socktype = (__u8)sk->type;
	return (sk->type == SOCK_STREAM && sk->protocol == IPPROTO_TCP) ||
	       (sk->type == SOCK_DGRAM && sk->protocol == IPPROTO_UDP);
}

SEC("cgroup_skb/egress")
int emb_egress(struct __sk_buff *skb)
{
	struct emb_pkt p = {};
	struct emb_verdict v = {};
	struct emb_event *e;
	__u8 socktype;
	int deny;

	if (emb_sock_judged(skb, &socktype))
		return 1;
	/* Fail-open for what is not IP (or cannot be read): there is no
	 * address to ban it by. */
	if (emb_pkt_parse(skb, &p))
		return 1;
	if (p.family == AF_INET)
		emb_decide_net4(p.daddr[0], p.dport, p.proto, &v);
	else
		emb_decide_net6(p.daddr, p.dport, p.proto, &v);
	if (v.action == EMB_ACT_NONE)
		return 1;
	deny = v.action == EMB_ACT_DENY;
	emb_count_verdict(v.action);
	if (deny)
		emb_count(EMB_STAT_PKT_DROPPED);
	/* Fail-closed: the drop does not depend on the event having room. */
	e = bpf_ringbuf_reserve(&emb_events, sizeof(*e), 0);
	if (!e)
		emb_count(EMB_STAT_LOST);
	if (e) {
		emb_event_fill_task(e, EMB_EV_PACKET, v.action,
				    deny ? EMB_METHOD_DROP : EMB_METHOD_NONE, v.rule_id);
		e->net.family = p.family;
		e->net.proto = p.ipproto == IPPROTO_TCP ? EMB_PROTO_TCP :
			       p.ipproto == IPPROTO_UDP ? EMB_PROTO_UDP : 0;
		e->net.dport = p.dport;
		e->net.ipproto = p.ipproto;
		e->net.socktype = socktype;
		/* IPv4: daddr[1..3] are still zero from the initializer. */
		__builtin_memcpy(e->net.daddr, p.daddr, 16);
		emb_exe_names(e);
		bpf_ringbuf_submit(e, 0);
	}
	return deny ? 0 : 1;
}

/*
 * kmod backend: embargo.ko's exec verdicts, already a struct emb_event, into
 * the one ring buffer. A full ring buffer or a failed read is counted lost;
 * the module enforced before the event was sent either way.
 */
SEC("raw_tp/" EMB_KMOD_TRACEPOINT)
int emb_kmod_event(struct bpf_raw_tracepoint_args *ctx)
{
	struct emb_event *e = bpf_ringbuf_reserve(&emb_events, sizeof(*e), 0);

	if (!e) {
		emb_count(EMB_STAT_LOST);
		return 0;
	}
	if (bpf_probe_read_kernel(e, sizeof(*e), (const void *)ctx->args[0])) {
		bpf_ringbuf_discard(e, 0);
		emb_count(EMB_STAT_LOST);
		return 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}
