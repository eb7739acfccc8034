/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * metrics.h - counters in the Prometheus text exposition format, written
 * atomically (temp file + rename) for node_exporter's textfile collector.
 */
#ifndef EMBARGO_METRICS_H
#define EMBARGO_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/types.h>

#include "embargo_abi.h"

#define EMB_METRICS_POLICY_LEN 128

struct emb_metric_policy {
	const char *id;
	const char *mode; /* enforce | audit | off */
};

/* Kernel events the agent received, per policy and action. */
struct emb_metric_count {
	char policy[EMB_METRICS_POLICY_LEN];
	char action[16];
	uint64_t n;
};

struct emb_metrics {
	/* the kernel's counters (emb_stats, summed over CPUs), each one
	 * embargo_<statnames.h name>_total */
	uint64_t stats[EMB_STAT_MAX];
	uint64_t suppressed; /* lines the log rate limit held back */
	const char *backend, *host_level;
	uint64_t generation;
	const struct emb_metric_policy *policies;
	size_t n_policies;
	struct emb_metric_count *counts;
	size_t n_counts;
};

/* Count one received event of policy with action. -1 out of memory. */
int emb_metrics_count(struct emb_metrics *m, const char *policy, const char *action);
void emb_metrics_free(struct emb_metrics *m);

/* The exposition text. Returns 0, or -1 on a write error. */
int emb_metrics_print(FILE *f, const struct emb_metrics *m);

/* Write path atomically: path.tmp, fsync, rename. 0 or -errno. */
int emb_metrics_write_file(const char *path, const struct emb_metrics *m);

#endif
