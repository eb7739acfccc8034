// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdio.h>

#include "agent.h"
#include "cmds.h"
#include "options.h"
#include "log.h"

int cmd_run(int argc, char **argv)
{
	struct emb_opts o;
	int rc;

	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.n_args) {
		emb_logf(EMB_LOG_ERR, "embargo run", "unexpected argument '%s'", o.args[0]);
		emb_opts_free(&o);
		return 2;
	}
	rc = emb_agent_run(&o);
	emb_opts_free(&o);
	return rc;
}
