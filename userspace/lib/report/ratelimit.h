/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * ratelimit.h - log-flood control per (policy, pid): a token bucket per key.
 *
 * Applies to log lines only, never to enforcement: the kernel has already
 * denied by the time an event reaches the agent. Nothing is dropped
 * silently: every suppressed line is counted, and the count of a key is
 * handed to the flush callback when its window closes (at most once per
 * window per key, and for every key on a forced flush at shutdown or when
 * the table evicts it).
 */
#ifndef EMBARGO_RATELIMIT_H
#define EMBARGO_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define EMB_RL_POLICY_LEN 128

struct emb_rl_opts {
	uint32_t rate;      /* lines per second per key, refilled continuously */
	uint32_t burst;     /* bucket size: lines a new key may log at once */
	uint64_t window_ns; /* a key's suppressed count is reported this often */
	size_t slots;       /* table size (keys tracked at once) */
};

/* 10 lines/s per key, bursts of 20, counts reported every second, 4096 keys. */
#define EMB_RL_DEFAULTS ((struct emb_rl_opts){ 10, 20, 1000000000ull, 4096 })

struct emb_rl_slot {
	char policy[EMB_RL_POLICY_LEN];
	uint32_t pid;
	int used;
	uint64_t tokens_milli;  /* tokens * 1000 */
	uint64_t last_ns;       /* last refill */
	uint64_t last_seen;     /* last line of this key */
	uint64_t window_start;  /* first suppression of the current window */
	uint64_t suppressed;    /* not reported yet */
};

struct emb_ratelimit {
	struct emb_rl_opts o;
	struct emb_rl_slot *slots;
	uint64_t suppressed_total; /* every line ever suppressed */
	uint64_t reported_total;   /* suppressed lines handed to the callback */
};

/* Called with a key's count of suppressed lines (count > 0). */
typedef void (*emb_rl_report_fn)(void *ctx, const char *policy, uint32_t pid, uint64_t count);

int emb_rl_init(struct emb_ratelimit *rl, const struct emb_rl_opts *o);
void emb_rl_free(struct emb_ratelimit *rl);

/*
 * 1: log this line; 0: suppressed (counted). now_ns: CLOCK_MONOTONIC. When
 * the key's slot must be reused, the evicted key's count is reported first
 * through report.
 */
int emb_rl_admit(struct emb_ratelimit *rl, const char *policy, uint32_t pid, uint64_t now_ns,
		 emb_rl_report_fn report, void *ctx);

/* Report every key whose window has closed (all keys with a count when
 * force), and forget idle keys. */
void emb_rl_flush(struct emb_ratelimit *rl, uint64_t now_ns, int force, emb_rl_report_fn report,
		  void *ctx);

#endif
