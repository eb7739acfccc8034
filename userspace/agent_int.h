/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* agent_int.h - state shared by the agent's parts (agent*.c). */
#ifndef EMBARGO_AGENT_INT_H
#define EMBARGO_AGENT_INT_H

#include <signal.h>
#include <stdint.h>

#include "events.h"
#include "loader.h"
#include "options.h"
#include "policy_load.h"

struct agent {
	const struct emb_opts *opts;
	struct emb_loaded pol; /* host tag, policy set, compiled decisions */
	struct emb_loader *loader;
	struct emb_eventlog log;
	uint64_t lost_reported;  /* kernel's lost-event count already logged */
	uint64_t banned_inodes;  /* inodes listed in the kernel map */
};

/* Write a built line (built == 0) to the event log; free it either way. */
void agent_log(struct agent *a, struct emb_json *j, int built);

/* agent_policy.c: host + policies + compile; a refusal is printed and logged. */
int agent_policy_load(struct agent *a);
/* Write the compiled network rules into the kernel's prefix maps. */
int agent_policy_fill_net(struct agent *a);

/* agent_index.c: hash the scan roots; list banned inodes in the kernel map. */
int agent_index_roots(struct agent *a);

/* agent_events.c: ring buffer -> log lines until *stop is set. */
int agent_events_loop(struct agent *a, volatile sig_atomic_t *stop);

#endif
