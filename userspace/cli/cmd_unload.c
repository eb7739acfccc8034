// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_unload.c - `embargo unload`: remove every pin, so enforcement stops,
 * and say so where auditors look: the event log, the system log, audit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent_emit.h"
#include "cmds.h"
#include "events.h"
#include "loader.h"
#include "options.h"
#include "log.h"

/* {"event":"policy","action":"unloaded","pin_dir":D} to the log and sinks. */
static void log_unloaded(const struct emb_opts *o)
{
	struct agent_emit e;
	struct emb_json j;

	emb_event_begin(&j, "policy", "unloaded");
	emb_json_str(&j, "pin_dir", o->pin_dir);
	if (emb_json_end(&j)) {
		emb_logf(EMB_LOG_ERR, "embargo unload", "could not build the log line");
		goto out;
	}
	fprintf(stderr, "%s\n", j.buf);
	/* Fail-open: enforcement is already gone; a log that cannot be
	 * written is reported, the system log and audit still get the line,
	 * and the unload still succeeded. */
	if (agent_emit_open(&e, o->log) && agent_emit_open(&e, NULL))
		goto out;
	agent_emit(&e, AGENT_EV_POLICY, NULL, &j, 0);
	agent_emit_close(&e);
	return;
out:
	emb_json_free(&j);
}

int cmd_unload(int argc, char **argv)
{
	struct emb_opts o;
	int err;

	err = emb_opts_parse(&o, argc, argv);
	if (err)
		return err > 0 ? 0 : 2;
	err = emb_loader_unload(o.pin_dir);
	if (err == -ENOENT) {
		emb_logf(EMB_LOG_ERR, "embargo unload", "nothing loaded at %s", o.pin_dir);
	} else if (!err) {
		emb_logf(EMB_LOG_ERR, "embargo unload", "enforcement stopped, pins removed from %s", o.pin_dir);
		log_unloaded(&o);
	}
	emb_opts_free(&o);
	return err == 0 ? 0 : err == -ENOENT ? 3 : 1;
}
