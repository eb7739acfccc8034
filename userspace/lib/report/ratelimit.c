// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* ratelimit.c - per (policy, pid) token buckets for the event log. */
#include "ratelimit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Linear probing distance: a key lives in one of PROBE slots from its hash. */
#define PROBE 16
/* A key with nothing to report and a full bucket is forgotten after this. */
#define IDLE_NS (10ull * 1000000000ull)

int emb_rl_init(struct emb_ratelimit *rl, const struct emb_rl_opts *o)
{
	memset(rl, 0, sizeof(*rl));
	if (!o->slots || !o->burst || !o->rate)
		return -EINVAL;
	rl->o = *o;
	rl->slots = calloc(o->slots, sizeof(*rl->slots));
	return rl->slots ? 0 : -ENOMEM;
}

void emb_rl_free(struct emb_ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
}

static uint64_t key_hash(const char *policy, uint32_t pid)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)policy; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (h ^ pid) * 1099511628211ull;
}

static void report_slot(struct emb_ratelimit *rl, struct emb_rl_slot *s, emb_rl_report_fn report,
			void *ctx)
{
	if (!s->suppressed)
		return;
	report(ctx, s->policy, s->pid, s->suppressed);
	rl->reported_total += s->suppressed;
	s->suppressed = 0;
	s->window_start = 0;
}

static void claim(struct emb_ratelimit *rl, struct emb_rl_slot *s, const char *policy,
		  uint32_t pid, uint64_t now_ns)
{
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->pid = pid;
	strncpy(s->policy, policy, sizeof(s->policy) - 1);
	s->tokens_milli = (uint64_t)rl->o.burst * 1000;
	s->last_ns = now_ns;
	s->last_seen = now_ns;
}

/* The key's slot: found, a free one, or the stalest of the probe run
 * (evicted after its count is reported). */
static struct emb_rl_slot *lookup(struct emb_ratelimit *rl, const char *policy, uint32_t pid,
				  uint64_t now_ns, emb_rl_report_fn report, void *ctx)
{
	size_t base = key_hash(policy, pid) % rl->o.slots;
	struct emb_rl_slot *free_slot = NULL, *oldest = NULL;

	for (size_t i = 0; i < PROBE && i < rl->o.slots; i++) {
		struct emb_rl_slot *s = &rl->slots[(base + i) % rl->o.slots];

		if (!s->used) {
			free_slot = free_slot ?: s;
			continue;
		}
		if (s->pid == pid && strncmp(s->policy, policy, sizeof(s->policy) - 1) == 0)
			return s;
		if (!oldest || s->last_seen < oldest->last_seen)
			oldest = s;
	}
	if (!free_slot) {
		report_slot(rl, oldest, report, ctx);
		free_slot = oldest;
	}
	claim(rl, free_slot, policy, pid, now_ns);
	return free_slot;
}

static void refill(const struct emb_ratelimit *rl, struct emb_rl_slot *s, uint64_t now_ns)
{
	uint64_t cap = (uint64_t)rl->o.burst * 1000;
	uint64_t dt = now_ns > s->last_ns ? now_ns - s->last_ns : 0;
	uint64_t add = dt / 1000000ull * rl->o.rate; /* ms * lines/s = milli-lines */

	if (!add)
		return; /* keep last_ns: small steps must still add up */
	s->tokens_milli = s->tokens_milli + add > cap ? cap : s->tokens_milli + add;
	s->last_ns = now_ns;
}

int emb_rl_admit(struct emb_ratelimit *rl, const char *policy, uint32_t pid, uint64_t now_ns,
		 emb_rl_report_fn report, void *ctx)
{
	struct emb_rl_slot *s = lookup(rl, policy, pid, now_ns, report, ctx);

	refill(rl, s, now_ns);
	s->last_seen = now_ns;
	if (s->tokens_milli >= 1000) {
		s->tokens_milli -= 1000;
		return 1;
	}
	if (!s->suppressed)
		s->window_start = now_ns;
	s->suppressed++;
	rl->suppressed_total++;
	return 0;
}

void emb_rl_flush(struct emb_ratelimit *rl, uint64_t now_ns, int force, emb_rl_report_fn report,
		  void *ctx)
{
	for (size_t i = 0; i < rl->o.slots; i++) {
		struct emb_rl_slot *s = &rl->slots[i];

		if (!s->used)
			continue;
		if (s->suppressed && (force || now_ns - s->window_start >= rl->o.window_ns))
			report_slot(rl, s, report, ctx);
		refill(rl, s, now_ns);
		if (!s->suppressed && now_ns - s->last_seen >= IDLE_NS)
			s->used = 0;
	}
}
