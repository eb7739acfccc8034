/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * agent_emit.h - the one way an event leaves the agent. Every stream goes
 * through agent_emit(): the stream's gate (rate limit per (policy, pid),
 * per-policy metrics), then every sink (JSON log, journal fields or syslog
 * priority, audit text), under one lock, each sink formatting from the
 * event's record (jsonw.h: j->rec). Called from the event loop and from
 * the index thread.
 *
 * A new kind of event: add a row to enum agent_stream and to streams[] in
 * agent_emit.c (its name and whether it is gated), build its line with
 * jsonw (lib/report) and call agent_emit().
 */
#ifndef EMBARGO_AGENT_EMIT_H
#define EMBARGO_AGENT_EMIT_H

#include <pthread.h>
#include <stdint.h>

#include "events.h"
#include "jsonw.h"
#include "metrics.h"
#include "ratelimit.h"

enum agent_stream {
	AGENT_EV_KERNEL,     /* emb_events: exec, mmap, connect, sendmsg deny/audit */
	AGENT_EV_UNVERIFIED, /* an exec/mmap of a file not (yet) hashed */
	AGENT_EV_VERDICT,    /* an unverified file turned out banned: kill or audit */
	AGENT_EV_CONTAIN,    /* ctn_events: containment denials */
	AGENT_EV_LOST,       /* the kernel's lost count, or lines the rate limit held */
	AGENT_EV_POLICY,     /* policy loaded or refused */
	AGENT_EV_DNS,        /* a DNS answer a connect host rule did not ban */
	AGENT_EV_RUNNING,    /* a running instance of a banned image: kill or audit */
	AGENT_EV_N,
};

/* What a gated stream's rate limit and metrics key on; policy NULL: the
 * event names no rule and passes ungated. */
struct agent_emit_key {
	const char *policy;
	uint32_t pid;
	const char *action;
	const char *host_level; /* for the "lost" line of what the limit held */
};

enum agent_syslog {
	AGENT_SYSLOG_NONE = 0, /* neither a journal nor /dev/log: reason printed once */
	AGENT_SYSLOG_JOURNAL,  /* sd_journal_sendv, structured fields */
	AGENT_SYSLOG_SYSLOG,   /* syslog(3), the JSON line as the message */
};

struct agent_emit {
	pthread_mutex_t lock;    /* everything below */
	struct emb_eventlog log; /* the JSON log, the record of reference */
	enum agent_syslog syslog;
	int audit_fd;            /* libaudit netlink socket, or -1 */
	uint64_t syslog_errors, audit_errors;
	struct emb_ratelimit rl; /* log lines per (policy, pid) */
	int rl_ready;
	struct emb_metrics metrics; /* per-policy counts; agent_life.c writes the file */
};

/* Open the JSON log (path "-": stdout; NULL: none), the system log and
 * audit sinks and the rate limit. -1 when the JSON log cannot be opened
 * (printed); a missing journal, audit subsystem or rate-limit table
 * degrades, reason printed. */
int agent_emit_open(struct agent_emit *e, const char *log_path);
/* Emit a built line (built == 0) of stream s; k may be NULL (ungated). j is
 * freed either way. */
void agent_emit(struct agent_emit *e, enum agent_stream s, const struct agent_emit_key *k,
		struct emb_json *j, int built);
/* Report the rate limit's closed windows (all of them with force). */
void agent_emit_flush(struct agent_emit *e, const char *host_level, int force);
/* Hold the lock to read metrics or rl counters from another place. */
void agent_emit_lock(struct agent_emit *e);
void agent_emit_unlock(struct agent_emit *e);
void agent_emit_close(struct agent_emit *e);

#endif
