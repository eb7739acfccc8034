// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_emit.c - every event: gate, then the JSON log, the system log and
 * the audit trail, under one lock.
 *
 * Fail-open for the log, never for enforcement: all of this runs after the
 * kernel has decided. A sink that is missing or refuses is reported once
 * with the reason and its failures are counted; the JSON log stays the
 * record of reference.
 */
#include "agent_emit.h"

#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"
#include "sinkfmt.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SYSLOG_SOCKET "/dev/log"

/* Gated streams pass the rate limit and are counted per policy and action.
 * Only the kernel's own events are, as before the streams were joined. */
static const struct {
	int gated;
} streams[AGENT_EV_N] = {
	[AGENT_EV_KERNEL] = { 1 },
	[AGENT_EV_UNVERIFIED] = { 0 },
	[AGENT_EV_VERDICT] = { 0 },
	[AGENT_EV_CONTAIN] = { 0 },
	[AGENT_EV_LOST] = { 0 },
	[AGENT_EV_POLICY] = { 0 },
	[AGENT_EV_DNS] = { 0 },
	[AGENT_EV_RUNNING] = { 0 },
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void open_syslog(struct agent_emit *e)
{
	if (access(JOURNAL_SOCKET, F_OK) == 0) {
		e->syslog = AGENT_SYSLOG_JOURNAL;
		return;
	}
	if (access(SYSLOG_SOCKET, F_OK) == 0) {
		openlog("embargo", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		e->syslog = AGENT_SYSLOG_SYSLOG;
		emb_warn("no journal (%s): events go to syslog", JOURNAL_SOCKET);
		return;
	}
	e->syslog = AGENT_SYSLOG_NONE;
	emb_warn("no journal (%s) and no syslog socket (%s): events are in the "
		 "JSON log only", JOURNAL_SOCKET, SYSLOG_SOCKET);
}

int agent_emit_open(struct agent_emit *e, const char *log_path)
{
	struct emb_rl_opts ro = EMB_RL_DEFAULTS;
	int err;

	memset(e, 0, sizeof(*e));
	e->audit_fd = -1;
	err = pthread_mutex_init(&e->lock, NULL);
	if (err) {
		emb_err("event lock: %s", strerror(err));
		return -1;
	}
	if (log_path && emb_eventlog_open(&e->log, log_path)) {
		pthread_mutex_destroy(&e->lock);
		return -1;
	}
	/* Fail-open for the log only: without the table every line is logged. */
	e->rl_ready = emb_rl_init(&e->rl, &ro) == 0;
	if (!e->rl_ready)
		emb_err("no log rate limit (out of memory): every line is logged");
	open_syslog(e);
	e->audit_fd = audit_open();
	if (e->audit_fd < 0)
		emb_warn("no audit records: audit_open: %s", strerror(errno));
	return 0;
}

static void sink_failed(uint64_t *count, const char *sink, int err)
{
	if ((*count)++ == 0)
		emb_err("writing to %s failed: %s (failures are counted, reported "
			"once)", sink, strerror(err));
}

static void to_journal(struct agent_emit *e, const struct emb_record *r)
{
	struct emb_fields f;
	struct iovec *iov;
	int err;

	if (emb_journal_fields(r, &f)) {
		sink_failed(&e->syslog_errors, "the journal", ENOMEM);
		return;
	}
	iov = calloc(f.n, sizeof(*iov));
	if (!iov) {
		sink_failed(&e->syslog_errors, "the journal", ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		iov[i].iov_base = f.v[i];
		iov[i].iov_len = strlen(f.v[i]);
	}
	err = sd_journal_sendv(iov, (int)f.n);
	if (err < 0)
		sink_failed(&e->syslog_errors, "the journal", -err);
	free(iov);
out:
	emb_fields_free(&f);
}

/* Kernel refusals (EPERM without CAP_AUDIT_WRITE, ECONNREFUSED with audit
 * off): said once, then the audit sink is closed. */
static void to_audit(struct agent_emit *e, const struct emb_record *r)
{
	int success;
	char *text = emb_audit_text(r, &success);

	if (!text) {
		sink_failed(&e->audit_errors, "the audit trail", ENOMEM);
		return;
	}
	if (audit_log_user_message(e->audit_fd, AUDIT_TRUSTED_APP, text, NULL, NULL, NULL,
				   success) <= 0) {
		emb_err("the kernel refused an audit record (%s): no audit "
			"records from now on", strerror(errno));
		e->audit_errors++;
		audit_close(e->audit_fd);
		e->audit_fd = -1;
	}
	free(text);
}

/* Every sink; the lock is held. */
static void deliver(struct agent_emit *e, const struct emb_json *j)
{
	if (e->log.f)
		emb_eventlog_write(&e->log, j);
	if (e->syslog == AGENT_SYSLOG_JOURNAL)
		to_journal(e, &j->rec);
	else if (e->syslog == AGENT_SYSLOG_SYSLOG)
		syslog(emb_record_priority(&j->rec), "%s", j->buf);
	if (e->audit_fd >= 0)
		to_audit(e, &j->rec);
}

struct held_ctx {
	struct agent_emit *e;
	const char *host_level;
};

/* {"event":"lost","policy":P,"pid":N,"count":K,"reason":"rate_limit"}: lines
 * the rate limit held back, as contract.md §6's lost event with what was
 * held. Called by the rate limit with the lock held. */
static void report_held(void *ctx, const char *policy, uint32_t pid, uint64_t count)
{
	const struct held_ctx *h = ctx;
	struct emb_json j;

	emb_event_begin(&j, "lost", NULL);
	emb_json_str(&j, "policy", policy);
	emb_json_u64(&j, "pid", pid);
	emb_json_u64(&j, "count", count);
	emb_json_str(&j, "reason", "rate_limit");
	emb_json_str(&j, "host_level", h->host_level ?: "UNMARKED");
	if (emb_json_end(&j) == 0)
		deliver(h->e, &j);
	else
		emb_err("could not build an event line");
	emb_json_free(&j);
}

/* 1: emit; 0: the rate limit holds it (counted). The lock is held. */
static int admit(struct agent_emit *e, const struct agent_emit_key *k)
{
	struct held_ctx h = { e, k->host_level };

	if (emb_metrics_count(&e->metrics, k->policy, k->action) && e->metrics.n_counts == 0)
		emb_err("per-policy metrics: out of memory");
	if (!e->rl_ready)
		return 1;
	return emb_rl_admit(&e->rl, k->policy, k->pid, mono_ns(), report_held, &h);
}

void agent_emit(struct agent_emit *e, enum agent_stream s, const struct agent_emit_key *k,
		struct emb_json *j, int built)
{
	if (built != 0) {
		emb_err("could not build an event line");
		emb_json_free(j);
		return;
	}
	pthread_mutex_lock(&e->lock);
	if (!streams[s].gated || !k || !k->policy || admit(e, k))
		deliver(e, j);
	pthread_mutex_unlock(&e->lock);
	emb_json_free(j);
}

void agent_emit_flush(struct agent_emit *e, const char *host_level, int force)
{
	struct held_ctx h = { e, host_level };

	pthread_mutex_lock(&e->lock);
	if (e->rl_ready)
		emb_rl_flush(&e->rl, mono_ns(), force, report_held, &h);
	pthread_mutex_unlock(&e->lock);
}

void agent_emit_lock(struct agent_emit *e)
{
	pthread_mutex_lock(&e->lock);
}

void agent_emit_unlock(struct agent_emit *e)
{
	pthread_mutex_unlock(&e->lock);
}

void agent_emit_close(struct agent_emit *e)
{
	if (e->rl_ready)
		emb_rl_free(&e->rl);
	e->rl_ready = 0;
	emb_metrics_free(&e->metrics);
	if (e->syslog == AGENT_SYSLOG_SYSLOG)
		closelog();
	if (e->audit_fd >= 0)
		audit_close(e->audit_fd);
	e->audit_fd = -1;
	e->syslog = AGENT_SYSLOG_NONE;
	emb_eventlog_close(&e->log);
	pthread_mutex_destroy(&e->lock);
}
