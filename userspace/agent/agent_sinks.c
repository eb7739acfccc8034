// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_sinks.c - every log line also to the system log (the journal with
 * structured fields, else syslog) and to the Linux audit trail.
 *
 * Fail-open for the log, never for enforcement: these sinks run after the
 * kernel has decided. A sink that is missing or refuses is reported once
 * with the reason and its failures are counted; the JSON log stays the
 * record of reference.
 */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "agent_life.h"
#include "sinkfmt.h"
#include "log.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SYSLOG_SOCKET "/dev/log"

static void open_syslog(struct agent_life *l)
{
	if (access(JOURNAL_SOCKET, F_OK) == 0) {
		l->syslog = AGENT_SYSLOG_JOURNAL;
		return;
	}
	if (access(SYSLOG_SOCKET, F_OK) == 0) {
		openlog("embargo", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		l->syslog = AGENT_SYSLOG_SYSLOG;
		emb_warn("no journal (%s): events go to syslog", JOURNAL_SOCKET);
		return;
	}
	l->syslog = AGENT_SYSLOG_NONE;
	emb_warn("no journal (%s) and no syslog socket (%s): events are in the "
		 "JSON log only", JOURNAL_SOCKET, SYSLOG_SOCKET);
}

static void open_audit(struct agent_life *l)
{
	l->audit_fd = audit_open();
	if (l->audit_fd < 0)
		emb_warn("no audit records: audit_open: %s", strerror(errno));
}

void agent_sinks_open(struct agent_life *l)
{
	open_syslog(l);
	open_audit(l);
}

static void sink_failed(uint64_t *count, const char *sink, int err)
{
	if ((*count)++ == 0)
		emb_err("writing to %s failed: %s (failures are counted, reported "
			"once)", sink, strerror(err));
}

static void to_journal(struct agent_life *l, const char *line)
{
	struct emb_fields f;
	struct iovec *iov;
	int err;

	if (emb_journal_fields(line, &f)) {
		sink_failed(&l->syslog_errors, "the journal", EINVAL);
		return;
	}
	iov = calloc(f.n, sizeof(*iov));
	if (!iov) {
		sink_failed(&l->syslog_errors, "the journal", ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		iov[i].iov_base = f.v[i];
		iov[i].iov_len = strlen(f.v[i]);
	}
	err = sd_journal_sendv(iov, (int)f.n);
	if (err < 0)
		sink_failed(&l->syslog_errors, "the journal", -err);
	free(iov);
out:
	emb_fields_free(&f);
}

/* Kernel refusals (EPERM without CAP_AUDIT_WRITE, ECONNREFUSED with audit
 * off): said once, then the audit sink is closed. */
static void to_audit(struct agent_life *l, const char *line)
{
	int success;
	char *text = emb_audit_text(line, &success);

	if (!text) {
		sink_failed(&l->audit_errors, "the audit trail", EINVAL);
		return;
	}
	if (audit_log_user_message(l->audit_fd, AUDIT_TRUSTED_APP, text, NULL, NULL, NULL,
				   success) <= 0) {
		emb_err("the kernel refused an audit record (%s): no audit "
			"records from now on", strerror(errno));
		l->audit_errors++;
		audit_close(l->audit_fd);
		l->audit_fd = -1;
	}
	free(text);
}

void agent_sinks_write(struct agent_life *l, const char *line)
{
	if (l->syslog == AGENT_SYSLOG_JOURNAL)
		to_journal(l, line);
	else if (l->syslog == AGENT_SYSLOG_SYSLOG)
		syslog(emb_line_priority(line), "%s", line);
	if (l->audit_fd >= 0)
		to_audit(l, line);
}

void agent_sinks_close(struct agent_life *l)
{
	if (l->syslog == AGENT_SYSLOG_SYSLOG)
		closelog();
	if (l->audit_fd >= 0)
		audit_close(l->audit_fd);
	l->audit_fd = -1;
	l->syslog = AGENT_SYSLOG_NONE;
}
