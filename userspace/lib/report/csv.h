/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* csv.h - RFC 4180 records: comma-separated, CRLF-terminated. */
#ifndef EMBARGO_CSV_H
#define EMBARGO_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * One field: as is, or, when it holds a comma, a double quote, CR or LF (or
 * starts or ends with a space, which some readers trim), enclosed in double
 * quotes with each double quote doubled. Returns 0, or -1 on a write error.
 */
int emb_csv_field(FILE *f, const char *s);
/* n fields separated by commas, then CRLF. Returns 0, or -1 on a write error. */
int emb_csv_row(FILE *f, const char *const *fields, size_t n);

#endif
