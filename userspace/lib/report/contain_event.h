/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* contain_event.h - containment events (ctn_events) as contract.md §6 lines. */
#ifndef EMBARGO_CONTAIN_EVENT_H
#define EMBARGO_CONTAIN_EVENT_H

#include "contain_abi.h"
#include "jsonw.h"

/*
 * {"time":...,"event":"contain","action":"deny","method":"eperm",
 *  "policy":ID,"call":"connect"|"sendmsg","daddr":...,"dport":N,
 *  "proto":"tcp"|"udp"|"other","pid":N,"uid":N,"comm":...,"host_level":...}
 * policy and host_level may be NULL (the key is left out). Returns 0, or
 * -1 when the line could not be built.
 */
int emb_contain_event_format(struct emb_json *j, const struct ctn_event *e, const char *policy,
			     const char *host_level);

#endif
