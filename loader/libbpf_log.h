/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* libbpf_log.h - libbpf's own messages through the program's log (log.h). */
#ifndef EMBARGO_LIBBPF_LOG_H
#define EMBARGO_LIBBPF_LOG_H

/* libbpf warn/info/debug become log warn/info/debug, text as libbpf wrote
 * it: by default what libbpf would print itself (warn and info) is printed. */
void emb_libbpf_log_route(void);

#endif
