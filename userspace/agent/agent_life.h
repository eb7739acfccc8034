/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * agent_life.h - the agent's life around the pins (agent_life.c). Included
 * by agent_int.h; struct agent holds one struct agent_life.
 */
#ifndef EMBARGO_AGENT_LIFE_H
#define EMBARGO_AGENT_LIFE_H

#include <stdint.h>

struct agent_life {
	int lock_fd;              /* flock(LOCK_EX) on the pin dir, or -1 */
	long long next_metrics_ms;
	long long started_ms;
};

struct agent;

/* Before anything is loaded (after agent_emit_open). */
void agent_life_init(struct agent *a);
/* Take the pin dir for this agent: one `embargo run` per pin dir. */
int agent_life_lock(struct agent *a);
/* The policy is enforcing: state file, metrics, sd_notify READY. Call after
 * every successful load or reload. */
void agent_life_loaded(struct agent *a);
/* Every loop turn: rate-limit windows, metrics, unload detection. */
void agent_tick(struct agent *a);
/* Shutdown: report what the rate limit still holds, last metrics, unlock. */
void agent_life_fini(struct agent *a);

/* agent.c: ask the loop to end, as SIGTERM does. */
void agent_request_stop(void);

#endif
