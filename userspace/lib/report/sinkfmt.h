/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sinkfmt.h - one event record (record.h, contract.md §6) in the shapes the
 * system logs take: journal fields, a syslog priority, an audit record's
 * text. Every field of the record is carried over, in order, so the
 * journal and the audit trail hold the same fields as the JSON log.
 */
#ifndef EMBARGO_SINKFMT_H
#define EMBARGO_SINKFMT_H

#include <stddef.h>

#include "record.h"

struct emb_fields {
	char **v; /* "NAME=value" */
	size_t n;
};

/*
 * Journal fields of a record: MESSAGE= (the `embargo log` view), PRIORITY=,
 * SYSLOG_IDENTIFIER=embargo, then EMBARGO_<KEY>= for every key in order
 * (key upper-cased; arrays joined with ","; other values as compact JSON).
 * -1 when out of memory.
 */
int emb_journal_fields(const struct emb_record *r, struct emb_fields *out);
void emb_fields_free(struct emb_fields *f);

/* syslog(3) priority of an event: LOG_WARNING for a deny, kill or lost,
 * LOG_ERR for a refused policy, LOG_NOTICE otherwise. */
int emb_record_priority(const struct emb_record *r);

/*
 * The audit record's text: "op=embargo key=value ..." for every key but
 * "time" (the record has its own), strings encoded by libaudit's
 * audit_encode_nv_string (quoted, or hex when they hold spaces, quotes or
 * control characters, as ausearch expects). *success: 0 for a deny or
 * kill (the operation was refused), else 1. malloc'd, or NULL.
 */
char *emb_audit_text(const struct emb_record *r, int *success);

#endif
