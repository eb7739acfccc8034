// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * embargo.bpf.c - every entry point of both backends, over one set of maps
 * (emb_decide.bpf.h). The loader turns autoload off for the programs of the
 * backend it did not choose, so only one exec path is ever loaded.
 *
 * classic (kernels without a usable BPF LSM):
 *   exec:  tp_btf/sched_process_exec sees the new image before it runs one
 *          instruction; a banned one gets SIGKILL, delivered on the way back
 *          to user mode.
 * lsm:
 *   exec:  lsm/bprm_check_security returns -EPERM: execve() fails cleanly.
 *   mmap:  lsm/mmap_file and lsm/file_mprotect refuse PROT_EXEC of a banned
 *          file (ld.so ./banned, a banned .so) with -EPERM.
 * both:
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

#define SIGKILL 9
#define EPERM 1
#define PROT_EXEC 0x4

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_process_exec")
int BPF_PROG(emb_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct emb_inode_key key;
	struct emb_verdict *v;
	struct emb_event *e;
	__u32 method = EMB_METHOD_NONE;

	v = emb_decide_inode(BPF_CORE_READ(bprm, file, f_inode), &key);
	if (!v || v->action == EMB_ACT_NONE)
		return 0;
	/*
	 * Fail-closed: the kill does not depend on the event below. If the
	 * signal cannot be sent the deny is still counted and logged, and
	 * userspace sees method "none" in the event.
	 */
	if (v->action == EMB_ACT_DENY && bpf_send_signal(SIGKILL) == 0)
		method = EMB_METHOD_SIGKILL;
	emb_count_verdict(v->action);

	e = emb_event_start(EMB_EV_EXEC, v->action, method, v->rule_id);
	if (!e)
		return 0;
	e->exec.dev = key.dev;
	e->exec.ino = key.ino;
	if (bpf_probe_read_kernel_str(e->exec.path, sizeof(e->exec.path), BPF_CORE_READ(bprm, filename)) < 0)
		e->exec.path[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * An exec (bprm) or PROT_EXEC mapping of a file under the LSM backend; name
 * is a kernel string for the event (the exec'd path, or the mapped file's
 * base name). Returns the hook's verdict: -EPERM for a deny, 0 otherwise.
 */
static __always_inline int emb_lsm_file(struct file *file, const char *name, __u32 type)
{
	struct emb_inode_key key;
	struct emb_verdict *v;
	struct emb_event *e;
	int deny;

	/* Fail-open for anonymous mappings: no file, nothing to be banned. */
	if (!file)
		return 0;
	v = emb_decide_inode(BPF_CORE_READ(file, f_inode), &key);
	if (!v || v->action == EMB_ACT_NONE)
		return 0;
	deny = v->action == EMB_ACT_DENY;
	emb_count_verdict(v->action);
	/* Fail-closed: the verdict does not depend on the event below. */
	e = emb_event_start(type, v->action, deny ? EMB_METHOD_EPERM : EMB_METHOD_NONE, v->rule_id);
	if (e) {
		e->exec.dev = key.dev;
		e->exec.ino = key.ino;
		if (bpf_probe_read_kernel_str(e->exec.path, sizeof(e->exec.path), name) < 0)
			e->exec.path[0] = '\0';
		bpf_ringbuf_submit(e, 0);
	}
	return deny ? -EPERM : 0;
}

static __always_inline const char *emb_file_name(struct file *file)
{
	return file ? (const char *)BPF_CORE_READ(file, f_path.dentry, d_name.name) : NULL;
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
	return emb_lsm_file(BPF_CORE_READ(bprm, file), BPF_CORE_READ(bprm, filename), EMB_EV_EXEC);
}

SEC("lsm/mmap_file")
int BPF_PROG(emb_lsm_mmap, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret)
		return ret;
	/* Fail-open for data mappings: only executable pages run code. */
	if (!(prot & PROT_EXEC))
		return 0;
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP);
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
	file = BPF_CORE_READ(vma, vm_file);
	return emb_lsm_file(file, emb_file_name(file), EMB_EV_MMAP);
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
		e->net.pad = 0;
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
