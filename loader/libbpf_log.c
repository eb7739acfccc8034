// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "libbpf_log.h"

#include <stdarg.h>

#include <bpf/libbpf.h>

#include "log.h"

static int to_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum emb_log_level lvl = level == LIBBPF_WARN ? EMB_LOG_WARN :
				 level == LIBBPF_INFO ? EMB_LOG_INFO : EMB_LOG_DEBUG;

	emb_vlog_raw(lvl, fmt, ap);
	return 0;
}

void emb_libbpf_log_route(void)
{
	libbpf_set_print(to_log);
}
