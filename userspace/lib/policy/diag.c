// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "diag.h"
#include "namelist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void diag_push(struct emb_diag *d, char *msg)
{
	char **grown = realloc(d->msgs, (d->n + 1) * sizeof(*d->msgs));

	if (!grown) {
		emb_err("out of memory recording an error");
		abort();
	}
	d->msgs = grown;
	d->msgs[d->n++] = msg;
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
	char *body = NULL, *msg = NULL;

	if (vasprintf(&body, fmt, ap) < 0 || asprintf(&msg, "%s%s", prefix, body) < 0) {
		emb_err("out of memory recording an error");
		abort();
	}
	free(body);
	return msg;
}

void emb_diag_add(struct emb_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_push(d, vformat("", fmt, ap));
	va_end(ap);
}

void emb_diag_at(struct emb_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
	char *prefix = NULL;
	va_list ap;

	if (asprintf(&prefix, "%s:%d:%d: ", file, line, col) < 0) {
		emb_err("out of memory recording an error");
		abort();
	}
	va_start(ap, fmt);
	diag_push(d, vformat(prefix, fmt, ap));
	va_end(ap);
	free(prefix);
}

void emb_diag_log(const struct emb_diag *d, enum emb_log_level lvl, const char *tag)
{
	for (size_t i = 0; i < d->n; i++)
		emb_logf(lvl, tag, "%s", d->msgs[i]);
}

void emb_diag_free(struct emb_diag *d)
{
	emb_names_free(d->msgs, d->n);
	d->msgs = NULL;
	d->n = 0;
}
