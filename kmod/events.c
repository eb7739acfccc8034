// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - the module's events are struct emb_event, the record the BPF
 * programs write: it goes out through the tracepoint embargo_kmod_event, and
 * the agent's raw_tp program puts it in emb_events (a full ring buffer is
 * counted there). Nobody attached, or no memory: the caller counts it lost.
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#define CREATE_TRACE_POINTS
#include "emb_trace.h"

#include "emb_kmod.h"

static void emb_event_task(struct emb_event *e)
{
	rcu_read_lock();
	e->ppid = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	e->pid = task_tgid_nr(current);
	e->uid = from_kuid(&init_user_ns, current_uid());
	get_task_comm(e->comm, current);
}

int emb_event_exec(const struct linux_binprm *bprm, const struct emb_kfile *f, u32 type,
		   u32 action, u32 method, u32 rule_id)
{
	struct emb_event *e;

	if (!trace_embargo_kmod_event_enabled())
		return -ENOSPC;
	e = kzalloc(sizeof(*e), GFP_KERNEL); /* ~600 bytes: not on the stack */
	if (!e)
		return -ENOMEM;
	e->type = type;
	e->action = action;
	e->method = method;
	e->rule_id = rule_id;
	emb_event_task(e);
	e->exec.dev = f->key.dev;
	e->exec.ino = f->key.ino;
	e->exec.ctime_sec = f->ctime_sec;
	e->exec.ctime_nsec = f->ctime_nsec;
	e->exec.origin = type;
	e->exec.size = f->size;
	e->exec.fd = -1;
	e->exec.nlink = f->nlink;
	strscpy(e->exec.path, bprm->filename, sizeof(e->exec.path));
	trace_embargo_kmod_event(e);
	kfree(e);
	return 0;
}
