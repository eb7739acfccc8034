// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum emb_log_level threshold = EMB_LOG_INFO;

static const char *const level_names[] = { "err", "warn", "info", "debug" };

void emb_log_init(void)
{
	const char *v = getenv("EMBARGO_LOG_LEVEL");

	if (!v || !*v)
		return;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcmp(v, level_names[i])) {
			threshold = (enum emb_log_level)i;
			return;
		}
	}
	emb_warn("EMBARGO_LOG_LEVEL=%s is not err, warn, info or debug: level info", v);
}

void emb_log_set_level(enum emb_log_level lvl)
{
	threshold = lvl;
}

int emb_log_enabled(enum emb_log_level lvl)
{
	return lvl <= threshold;
}

/* One fwrite of the whole line: stderr is unbuffered, so a line built piece
 * by piece could interleave with another thread's. */
static void put_line(const char *tag, const char *fmt, va_list ap, int newline)
{
	char stackbuf[1024], *heap = NULL, *line = stackbuf;
	va_list copy;
	int head = 0, n;

	if (tag)
		head = snprintf(stackbuf, sizeof(stackbuf), "%s: ", tag);
	if (head < 0 || (size_t)head >= sizeof(stackbuf))
		head = 0;
	va_copy(copy, ap);
	n = vsnprintf(stackbuf + head, sizeof(stackbuf) - head, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)head + n + 2 > sizeof(stackbuf)) {
		/* Long line: on the heap; without memory, the truncated one. */
		heap = malloc((size_t)head + n + 2);
		if (heap) {
			memcpy(heap, stackbuf, head);
			vsnprintf(heap + head, (size_t)n + 1, fmt, ap);
			line = heap;
		} else {
			n = (int)(sizeof(stackbuf) - head - 2);
		}
	}
	n += head;
	if (newline)
		line[n++] = '\n';
	fwrite(line, 1, n, stderr);
	free(heap);
}

void emb_logf(enum emb_log_level lvl, const char *tag, const char *fmt, ...)
{
	va_list ap;

	if (!emb_log_enabled(lvl))
		return;
	va_start(ap, fmt);
	put_line(tag, fmt, ap, 1);
	va_end(ap);
}

void emb_vlog_raw(enum emb_log_level lvl, const char *fmt, va_list ap)
{
	if (emb_log_enabled(lvl))
		put_line(NULL, fmt, ap, 0);
}
