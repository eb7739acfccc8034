/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* events.h - kernel events and agent records as contract.md §6 JSON lines. */
#ifndef EMBARGO_EVENTS_H
#define EMBARGO_EVENTS_H

#include <stdint.h>
#include <stdio.h>

#include "compile.h"
#include "embargo_abi.h"
#include "jsonw.h"

/* Where event lines go: a file opened for append, or stdout. */
struct emb_eventlog {
	FILE *f;
	int is_stdout;
	uint64_t write_errors;
};

/* The start of every contract.md §6 line: "time", "event", then "action" unless
 * action is NULL. */
void emb_event_begin(struct emb_json *j, const char *event, const char *action);

/* path "-" is stdout; otherwise the parent directory is created. */
int emb_eventlog_open(struct emb_eventlog *log, const char *path);
/* Write one finished object as a line and flush. Failures are counted and
 * printed to stderr once per burst; returns -1 on failure. */
int emb_eventlog_write(struct emb_eventlog *log, const struct emb_json *j);
void emb_eventlog_close(struct emb_eventlog *log);

/*
 * Format a kernel event. exe is the caller's executable for network events
 * (NULL if unknown). Returns -1 if the event names no known rule or the
 * line could not be built.
 */
int emb_event_format(struct emb_json *j, const struct emb_event *e, const struct emb_compiled *c,
		     const char *exe, const char *host_level);

/*
 * The caller's executable for a network event: proc_exe (/proc/PID/exe, may
 * be NULL: the process is gone) when it agrees with the kernel's dentry
 * names, which lack the mount prefix; else the kernel's names. Writes "" if
 * neither is known.
 */
void emb_event_exe(const struct emb_event *e, const char *proc_exe, char *buf, size_t len);

/* {"event":"policy","action":"loaded","policies":[ids in force]...} */
int emb_event_policy_loaded(struct emb_json *j, const struct emb_compiled *c,
			    const char *host_level);
/* The same with "backend":"lsm|fmod_ret|classic","backend_reason":"..." (either may
 * be NULL: the key is left out). */
int emb_event_policy_loaded_on(struct emb_json *j, const struct emb_compiled *c,
			       const char *host_level, const char *backend, const char *reason);
/* {"event":"policy","action":"refused","errors":[...]} */
int emb_event_policy_refused(struct emb_json *j, const struct emb_diag *d, const char *host_level);
/* {"event":"lost","count":N}: events the ring buffer could not take. */
int emb_event_lost(struct emb_json *j, uint64_t count, const char *host_level);

/* {"event":"dns","action":"refused","host":NAME,"daddr":ADDR,"reason":WHY,...}:
 * an address of a connect[].host answer that is not banned (dnsguard.h). */
int emb_event_dns_refused(struct emb_json *j, const char *name, int family, const uint8_t *addr,
			  const char *why, const char *host_level);

#endif
