/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* logfmt.h - one event-log line (contract.md §6 JSON) rendered for people. */
#ifndef EMBARGO_LOGFMT_H
#define EMBARGO_LOGFMT_H

#include <stddef.h>
#include <stdio.h>

#include "record.h"

/* Prefix of a line that is not a JSON object with an "event": shown raw. */
#define EMB_LOGFMT_MALFORMED "[malformed] "

/*
 * Render one line of the JSON event log (len bytes, no newline needed):
 *
 *   TIME(UTC, 19) ACTION(7) EVENT(10) FIELDS...
 *
 * FIELDS are columns separated by two spaces, then key=value pairs; every
 * key the renderer does not place in a column is shown as key=value, so no
 * field is ever hidden (host_level is shown on policy events only). Control
 * characters are escaped so one event stays one line. A line that is not a
 * JSON object with a string "event" is returned as EMB_LOGFMT_MALFORMED
 * followed by the line, escaped the same way.
 *
 * Returns a malloc'd NUL-terminated string without a newline, or NULL when
 * out of memory.
 */
char *emb_logfmt_human(const char *line, size_t len);
/* The same view of a record (no string "event": "[malformed] "). */
char *emb_logfmt_record(const struct emb_record *ev);

/*
 * Append s (n bytes) to f with every control character (C0, DEL, C1) and
 * every byte that is not well-formed UTF-8 escaped: \n \t \r \\ and \xNN,
 * C1 as \u0080..\u009f. Returns 0, or -1 on a write error.
 */
int emb_logfmt_escape(FILE *f, const char *s, size_t n);

#endif
