// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_contain.c - containment policies (contract.md §3, second kind) in the
 * agent: validated with the rest of the set, put in force on every load and
 * reload (a removed file switches containment off), and their denials
 * logged as "contain" events. `embargo contain` also applies them directly
 * through the pins, so containment holds with the agent down.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "agent_int.h"
#include "contain.h"
#include "contain_event.h"
#include "contain_rules.h"
#include "log.h"

int agent_contain_check(const struct emb_loaded *l, struct emb_diag *diag)
{
	struct ctn_config cfg;
	char why[256];
	int any;

	if (emb_contain_config_from_set(&l->set, &cfg, &any, why, sizeof(why))) {
		emb_diag_add(diag, "containment: %s", why);
		return -1;
	}
	return 0;
}

/* The first containment policy's id names the events. */
static const char *contain_policy_id(const struct agent *a)
{
	for (size_t i = 0; i < a->pol.set.n; i++)
		if (a->pol.set.policies[i].kind == EMB_POLICY_CONTAIN)
			return a->pol.set.policies[i].id;
	return NULL;
}

static int on_contain_event(void *ctx, void *data, size_t len)
{
	struct agent *a = ctx;
	struct emb_json j;

	if (len < sizeof(struct ctn_event)) {
		emb_err("short containment event (%zu bytes)", len);
		return 0;
	}
	agent_emit(&a->emit, AGENT_EV_CONTAIN, NULL, &j,
		   emb_contain_event_format(&j, data, contain_policy_id(a), a->pol.host_level));
	return 0;
}

/* Listen to the containment's ring buffer once it exists. */
static void watch_events(struct agent *a)
{
	int err;

	if (a->contain || !a->rb)
		return;
	err = emb_contain_open(&a->contain, a->opts->pin_dir, NULL, 0);
	if (err)
		return; /* nothing pinned: containment was never on */
	err = ring_buffer__add(a->rb, emb_contain_events_fd(a->contain), on_contain_event, a);
	if (err)
		emb_warn("containment events will not be logged: %s", strerror(-err));
}

int agent_contain_apply(struct agent *a)
{
	struct ctn_config cfg;
	char why[256];
	int any, err;

	if (emb_contain_config_from_set(&a->pol.set, &cfg, &any, why, sizeof(why))) {
		emb_warn("containment: %s", why);
		return -EINVAL;
	}
	/* Fail-closed: a containment that cannot be put in force is an error
	 * of the load, reported; it never silently leaves the host open. */
	err = emb_contain_apply(a->opts->pin_dir, a->cgroup_path, any ? &cfg : NULL, NULL);
	if (err)
		emb_err("containment could not be %s: %s",
			any ? "put in force" : "switched off", strerror(err < 0 ? -err : err));
	if (!err && any)
		watch_events(a);
	return err;
}

void agent_contain_start_events(struct agent *a, struct ring_buffer *rb)
{
	a->rb = rb;
	watch_events(a);
}

void agent_contain_close(struct agent *a)
{
	emb_contain_close(a->contain);
	a->contain = NULL;
	a->rb = NULL;
}
