/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef EMBARGO_AGENT_H
#define EMBARGO_AGENT_H

#include "options.h"

/* `embargo run`: returns the process exit code. */
int emb_agent_run(const struct emb_opts *o);

#endif
