/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * log.h - the program's own messages to stderr, with a level.
 *
 * One line per call, "TAG: message\n" (no "TAG: " when tag is NULL), written
 * with one write so lines of two threads never interleave. Lines above the
 * threshold are dropped; the threshold is info unless EMBARGO_LOG_LEVEL
 * (err, warn, info, debug) says otherwise, so every err/warn/info line is
 * printed by default. The event log (contract.md §6) does not pass here.
 */
#ifndef EMBARGO_LOG_H
#define EMBARGO_LOG_H

#include <stdarg.h>

enum emb_log_level {
	EMB_LOG_ERR = 0,   /* the operation failed */
	EMB_LOG_WARN = 1,  /* it goes on, degraded */
	EMB_LOG_INFO = 2,  /* what the program did */
	EMB_LOG_DEBUG = 3, /* for developers; hidden by default */
};

/* Read EMBARGO_LOG_LEVEL once; an unknown value is named and ignored. */
void emb_log_init(void);
void emb_log_set_level(enum emb_log_level lvl);
int emb_log_enabled(enum emb_log_level lvl);

void emb_logf(enum emb_log_level lvl, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* fmt as it is: no tag, no newline added (libbpf's lines carry their own). */
void emb_vlog_raw(enum emb_log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The agent's and the library's lines: "embargo: ...". */
#define emb_err(...)   emb_logf(EMB_LOG_ERR, "embargo", __VA_ARGS__)
#define emb_warn(...)  emb_logf(EMB_LOG_WARN, "embargo", __VA_ARGS__)
#define emb_info(...)  emb_logf(EMB_LOG_INFO, "embargo", __VA_ARGS__)
#define emb_debug(...) emb_logf(EMB_LOG_DEBUG, "embargo", __VA_ARGS__)

#endif
