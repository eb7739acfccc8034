// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* agent_events.c - kernel events and lost counts -> log lines. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_int.h"
#include "log.h"

static char *proc_exe(uint32_t pid)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static const char *action_name(uint32_t action)
{
	return action == EMB_ACT_DENY ? "deny" : action == EMB_ACT_AUDIT ? "audit" : "allow";
}

int agent_on_event(void *ctx, void *data, size_t len)
{
	struct agent *a = ctx;
	const struct emb_event *e = data;
	const struct emb_compiled *gen;
	struct emb_rule rule_buf;
	const struct emb_rule *rule;
	struct emb_event local_event;
	char exe[PATH_MAX] = "";
	struct agent_emit_key key = { 0 };
	struct emb_json j;
	uint32_t local;

	if (len < sizeof(*e)) {
		emb_err("short event (%zu bytes)", len);
		return 0;
	}
	/* Name the rule in its own generation: a reload may be under way. */
	gen = agent_generation(a, e->rule_id, &local);
	if (!gen) {
		emb_err("event for unknown rule %u dropped from the log", e->rule_id);
		return 0;
	}
	local_event = *e;
	local_event.rule_id = local;
	rule = emb_compiled_rule(gen, local, &rule_buf);
	/* Log lines only: the kernel has already enforced this event. */
	if (rule)
		key = (struct agent_emit_key){ rule->policy->id, e->pid, action_name(e->action),
					       a->pol.host_level };
	if (e->type == EMB_EV_CONNECT || e->type == EMB_EV_SENDMSG ||
	    e->type == EMB_EV_PACKET) {
		char *pe = proc_exe(e->pid);

		emb_event_exe(e, pe, exe, sizeof(exe));
		free(pe);
	}
	agent_emit(&a->emit, AGENT_EV_KERNEL, &key, &j,
		   emb_event_format(&j, &local_event, gen, exe[0] ? exe : NULL, a->pol.host_level));
	return 0;
}

void agent_report_lost(struct agent *a)
{
	uint64_t stats[EMB_STAT_MAX];
	struct emb_json j;

	if (emb_loader_read_stats(a->loader, stats) || stats[EMB_STAT_LOST] == a->lost_reported)
		return;
	agent_emit(&a->emit, AGENT_EV_LOST, NULL, &j,
		   emb_event_lost(&j, stats[EMB_STAT_LOST] - a->lost_reported, a->pol.host_level));
	a->lost_reported = stats[EMB_STAT_LOST];
	/* The count survives the agent (emb_meta), so a restart over the same
	 * pins does not log the same losses twice. */
	if (emb_loader_set_lost_logged(a->loader, a->lost_reported))
		emb_err("recording the logged lost count in emb_meta failed");
}
