/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * agent_life.h - the agent's life around the pins (agent_life.c) and where
 * its lines go besides the JSON log (agent_sinks.c). Included by
 * agent_int.h; struct agent holds one struct agent_life.
 */
#ifndef EMBARGO_AGENT_LIFE_H
#define EMBARGO_AGENT_LIFE_H

#include <stdint.h>

#include "metrics.h"
#include "ratelimit.h"

enum agent_syslog {
	AGENT_SYSLOG_NONE = 0, /* neither a journal nor /dev/log: reason printed once */
	AGENT_SYSLOG_JOURNAL,  /* sd_journal_sendv, structured fields */
	AGENT_SYSLOG_SYSLOG,   /* syslog(3), the JSON line as the message */
};

struct agent_life {
	int lock_fd;              /* flock(LOCK_EX) on the pin dir, or -1 */
	struct emb_ratelimit rl;  /* log lines per (policy, pid) */
	int rl_ready;
	enum agent_syslog syslog;
	int audit_fd;             /* libaudit netlink socket, or -1 */
	uint64_t syslog_errors, audit_errors;
	struct emb_metrics metrics;
	struct emb_metric_policy *metric_policies;
	long long next_metrics_ms;
	long long started_ms;
};

struct agent;

/* Before anything is loaded: sinks and rate limit. Never fails: a missing
 * journal or audit subsystem degrades with the reason printed once. */
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

/* 1: log this kernel event line; 0: the rate limit holds it (counted). */
int agent_admit(struct agent *a, const char *policy, uint32_t pid, const char *action);

/* agent_sinks.c */
void agent_sinks_open(struct agent_life *l);
void agent_sinks_write(struct agent_life *l, const char *line);
void agent_sinks_close(struct agent_life *l);

/* agent.c: ask the loop to end, as SIGTERM does. */
void agent_request_stop(void);

#endif
