/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* idxevents.h - the hash index's own log lines (contract.md §6): unverified, kill. */
#ifndef EMBARGO_IDXEVENTS_H
#define EMBARGO_IDXEVENTS_H

#include "compile.h"
#include "embargo_abi.h"
#include "jsonw.h"

/* {"event":"unverified","action":"deny|allow",...}: an exec or mmap of a
 * file not (or no longer) hashed, as the kernel reported it. */
int emb_event_unverified(struct emb_json *j, const struct emb_event *e, const char *host_level);

/*
 * The file of an unverified event turned out listed: {"event":"exec|mmap",
 * "action":"kill"|"audit",...} with the rule's policy, vendor and the
 * sha256. path: the file's path as the agent found it (may be NULL: the
 * kernel's name is used). killed: the process got SIGKILL.
 */
/*
 * A process already running a listed image when a policy came in force
 * (agent_running.c): {"event":"running","action":"kill"|"deny"|"audit",
 * ["method":"sigkill",] policy, vendor, sha256 (or glob), path, "on":
 * "exec"|"mmap", pid, comm, host_level}. "deny" means it should have been
 * killed and could not be.
 */
int emb_event_running(struct emb_json *j, const char *action, const struct emb_rule *r,
		      int pid, const char *comm, const char *path, int is_exe,
		      const char *host_level);

int emb_event_verdict(struct emb_json *j, const struct emb_event *e, const struct emb_rule *r,
		      const uint8_t sha256[32], const char *path, int killed,
		      const char *host_level);

#endif
