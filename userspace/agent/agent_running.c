// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_running.c - instances already running when a ban arrives.
 *
 * The exec hooks judge a file when it is executed or mapped; a process
 * that did so before the agent attached (every boot: some start first) or
 * before a reload / `embargo ban` listed its file keeps running. At attach
 * and after every policy change in force, each process's executable and
 * executable mappings are looked up in the kernel's inode map (the same
 * verdicts the hooks use, valid only for the same ctime and size): a
 * banned one is killed (pidfd, never a reused pid; never pid 1 or the
 * agent) and an audited one logged, each with a "running" event.
 */
#include <errno.h>
#include <string.h>

#include "agent_int.h"
#include "idxevents.h"
#include "log.h"
#include "procimg.h"
#include "prockill.h"

struct sweep {
	struct agent *a;
	size_t killed, audited, failed;
};

static void log_running(struct sweep *s, const struct emb_proc_image *img,
			const struct emb_inode_val *v, const char *action)
{
	struct agent *a = s->a;
	const struct emb_compiled *gen;
	struct emb_rule buf;
	const struct emb_rule *rule;
	struct emb_json j;
	uint32_t local;

	gen = agent_generation(a, v->rule_id, &local);
	rule = gen ? emb_compiled_rule(gen, local, &buf) : NULL;
	if (!rule) {
		emb_warn("running: pid %d %s: verdict of unknown rule %u", (int)img->pid,
			 img->path, v->rule_id);
		return;
	}
	agent_emit(&a->emit, AGENT_EV_RUNNING, NULL, &j,
		   emb_event_running(&j, action, rule, (int)img->pid, img->comm, img->path,
				     img->is_exe, a->pol.host_level));
}

static int on_image(void *ctx, const struct emb_proc_image *img)
{
	struct sweep *s = ctx;
	struct emb_inode_key k = { .dev = img->kdev, .ino = img->ino };
	struct emb_inode_val v;
	int err;

	if (emb_loader_get_inode(s->a->loader, &k, &v))
		return 0; /* not indexed: unverified, the hooks' business */
	/* A verdict for other contents (changed since hashed) says nothing. */
	if (v.action == EMB_ACT_NONE || v.ctime_sec != img->ctime_sec ||
	    v.ctime_nsec != img->ctime_nsec || v.size != img->size)
		return 0;
	if (v.action == EMB_ACT_AUDIT) {
		s->audited++;
		log_running(s, img, &v, "audit");
		return 0;
	}
	err = emb_proc_kill_if_runs("/proc", img->pid, img->kdev, img->ino, !img->is_exe);
	if (err == -ESRCH || err == -ESTALE)
		return 0; /* gone, or runs something else now */
	if (err) {
		s->failed++;
		emb_warn("running: pid %d runs banned %s and could not be killed: %s", (int)img->pid,
			 img->path, strerror(-err));
	} else {
		s->killed++;
	}
	log_running(s, img, &v, err ? "deny" : "kill");
	/* One verdict per process: a killed one has nothing more to judge. */
	return 0;
}

void agent_running_sweep(struct agent *a, const char *when)
{
	struct sweep s = { .a = a };
	int err = emb_proc_images("/proc", on_image, &s);

	if (err)
		emb_warn("running: reading /proc failed: %s", strerror(-err));
	if (s.killed || s.audited || s.failed)
		emb_info("running (%s): %zu killed, %zu audited, %zu could not be killed", when,
			 s.killed, s.audited, s.failed);
}
