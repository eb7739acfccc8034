/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's one tracepoint: a bare one (no trace event format), for the
 * raw_tp program that copies the struct emb_event into emb_events
 * (bpf/embargo.bpf.c, emb_kmod_event).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM embargo

#if !defined(EMB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define EMB_TRACE_H

#include <linux/tracepoint.h>

#include "embargo_abi.h"

DECLARE_TRACE(embargo_kmod_event, TP_PROTO(const struct emb_event *e), TP_ARGS(e));

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE emb_trace
#include <trace/define_trace.h>
