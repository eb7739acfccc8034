// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* csv.c - RFC 4180 records. */
#include "csv.h"

#include <string.h>

static int needs_quotes(const char *s)
{
	size_t len = strlen(s);

	if (strpbrk(s, ",\"\r\n"))
		return 1;
	return len && (s[0] == ' ' || s[len - 1] == ' ');
}

static int quoted(FILE *f, const char *s)
{
	if (putc('"', f) == EOF)
		return -1;
	for (; *s; s++) {
		if (*s == '"' && putc('"', f) == EOF)
			return -1;
		if (putc(*s, f) == EOF)
			return -1;
	}
	return putc('"', f) == EOF ? -1 : 0;
}

int emb_csv_field(FILE *f, const char *s)
{
	if (needs_quotes(s))
		return quoted(f, s);
	return fputs(s, f) == EOF ? -1 : 0;
}

int emb_csv_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i && putc(',', f) == EOF)
			return -1;
		if (emb_csv_field(f, fields[i]))
			return -1;
	}
	return fputs("\r\n", f) == EOF ? -1 : 0;
}
