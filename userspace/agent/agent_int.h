/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* agent_int.h - state shared by the agent's parts (agent*.c). */
#ifndef EMBARGO_AGENT_INT_H
#define EMBARGO_AGENT_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_emit.h"
#include "agent_life.h"
#include "events.h"
#include "loader.h"
#include "options.h"
#include "policy_load.h"

/* One inotify watch: a directory, and the one file name in it that matters
 * (NULL: any *.yaml or *.sig, for the policy dir). */
struct agent_watch {
	int wd;
	char *name;
};

struct emb_contain;
struct agent_dns;
struct ring_buffer;

struct agent {
	const struct emb_opts *opts;
	struct emb_loaded pol;  /* host tag, policy set, compiled decisions */
	/*
	 * Rule ids in the kernel maps are unique across reloads: a generation's
	 * ids start at its base. The previous generation is kept so events
	 * still in flight during a reload are named correctly.
	 */
	uint32_t rule_base;
	struct emb_loaded prev;
	uint32_t prev_base;
	struct emb_loader *loader;
	struct agent_emit emit;  /* agent_emit.c: every event line, its gate and sinks */
	uint64_t lost_reported;  /* kernel's lost-event count already logged */
	uint64_t banned_inodes;  /* inodes listed in the kernel map */
	struct agent_index *idx; /* agent_index.c: hash index and its thread */
	int watch_fd;            /* inotify on the policy files, or -1 */
	struct agent_watch *watches;
	size_t n_watches;
	struct agent_life life;  /* agent_life.c: lock, state file, sinks, rate limit, metrics */
	char cgroup_path[4096];  /* where the network programs attach */
	struct emb_contain *contain; /* agent_contain.c: open once containment exists */
	struct ring_buffer *rb;  /* the event loop's, for containment events */
	struct agent_dns *dns;   /* agent_dns.c: the resolver thread, or NULL */
};

/* agent_policy.c: host + policies + compile; a refusal is printed and logged. */
int agent_policy_load(struct agent *a);
/* Write the compiled network rules into the kernel's prefix maps. */
int agent_policy_fill_net(struct agent *a);
/* emb_banned (kmod backend): add the policy's digests, then drop the rest. */
int agent_policy_fill_banned(struct agent *a);
int agent_policy_drop_banned(struct agent *a);

/*
 * agent_index.c, at start-up in this order: agent_index_open loads the
 * persistent index (agent_index_capacity then sizes the verdict tables);
 * agent_index_banned writes every listed verdict (before the hooks attach);
 * agent_index_start, after attach, writes the clean ones, scans the roots
 * (before returning on a cold start, in the background on a warm one) and
 * starts the index thread (hash requests, fanotify, heartbeat).
 * agent_index_roots (policy reload) recomputes every verdict from the
 * hashes in memory. agent_index_lock/unlock: hold while a->pol is swapped
 * (the index thread reads it). agent_index_stop: before emb_loader_close().
 */
int agent_index_open(struct agent *a);
void agent_index_capacity(const struct agent *a, uint32_t *banned, uint32_t *clean);
int agent_index_banned(struct agent *a);
int agent_index_start(struct agent *a);
int agent_index_roots(struct agent *a);
void agent_index_lock(struct agent *a);
void agent_index_unlock(struct agent *a);
void agent_index_stop(struct agent *a);

/* agent_events.c: one kernel event (a ring_buffer_sample_fn) -> log line. */
int agent_on_event(void *ctx, void *data, size_t len);
/* Events the ring buffer could not take become one "lost" line each time
 * the kernel's counter moves. */
void agent_report_lost(struct agent *a);

/* agent_reload.c: which generation a kernel rule id belongs to, and its
 * index there; NULL when neither the current nor the previous one. */
const struct emb_compiled *agent_generation(const struct agent *a, uint32_t id, uint32_t *local);
/* Watch the policy dir, --policy files and --host file; returns the inotify
 * fd, or -1 (reload then happens on SIGHUP only). */
int agent_reload_watch(struct agent *a);
/* Read pending inotify events; non-zero when a policy file changed. */
int agent_reload_drain_watch(struct agent *a);
void agent_reload_close(struct agent *a);
/* Re-read host and policies; swap them in whole, or keep the old ones and
 * log the refusal. Returns 0 when the new set is in force. */
int agent_reload(struct agent *a);

/* Compile the set in force again for now: at an enforce_from date, or when
 * a connect host's addresses changed (agent_dns.c). No file is read. */
int agent_recompile(struct agent *a);
/* Resolve connect[].host names still pending (blocking; at start-up,
 * before the loop, so that the first policy in force has them). */
int agent_resolve_hosts(struct agent *a);

/*
 * agent_dns.c: the resolver thread. poll (each loop turn): hand the names
 * that are due to it; collect (its fd is readable): apply the answers, log
 * refused addresses, recompile on a change. log_refusals: log what the
 * table refused and has not been logged (after a blocking resolve).
 */
int agent_dns_start(struct agent *a);
int agent_dns_fd(const struct agent *a);
void agent_dns_poll(struct agent *a);
void agent_dns_collect(struct agent *a);
void agent_dns_log_refusals(struct agent *a);
void agent_dns_stop(struct agent *a);

/* agent_contain.c: refuse a set whose containment cannot be put in force
 * (too many allow rules); then apply it (or switch containment off). */
int agent_contain_check(const struct emb_loaded *l, struct emb_diag *diag);
int agent_contain_apply(struct agent *a);
/* Log containment denials through the loop's ring buffer; close at exit. */
void agent_contain_start_events(struct agent *a, struct ring_buffer *rb);
void agent_contain_close(struct agent *a);

/* agent_running.c: kill (enforce) or log (audit) every process already
 * running a listed executable or mapping; when: "attach", "reload"... */
void agent_running_sweep(struct agent *a, const char *when);

/* agent_loop.c: events, reloads and lost counts until *stop is set. */
int agent_loop(struct agent *a, volatile sig_atomic_t *stop, volatile sig_atomic_t *hup);

#endif
