// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* jsonw.c - one JSON object per line, built in a growing buffer. */
#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JSON_INIT_CAP 256

/* Make room for extra more bytes plus the NUL; on failure the line is dead. */
static int json_reserve(struct emb_json *j, size_t extra)
{
	size_t need, cap;
	char *grown;

	if (j->failed)
		return -1;
	need = j->len + extra + 1;
	if (need <= j->cap)
		return 0;
	cap = j->cap ? j->cap : JSON_INIT_CAP;
	while (cap < need)
		cap *= 2;
	grown = realloc(j->buf, cap);
	if (!grown) {
		j->failed = 1;
		return -1;
	}
	j->buf = grown;
	j->cap = cap;
	return 0;
}

static void json_putn(struct emb_json *j, const char *s, size_t n)
{
	if (json_reserve(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void json_puts(struct emb_json *j, const char *s)
{
	json_putn(j, s, strlen(s));
}

static void json_putc(struct emb_json *j, char c)
{
	json_putn(j, &c, 1);
}

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void json_put_ascii_escaped(struct emb_json *j, unsigned char c)
{
	char esc[8];

	switch (c) {
	case '"':
		json_puts(j, "\\\"");
		return;
	case '\\':
		json_puts(j, "\\\\");
		return;
	case '\n':
		json_puts(j, "\\n");
		return;
	case '\t':
		json_puts(j, "\\t");
		return;
	case '\r':
		json_puts(j, "\\r");
		return;
	case '\b':
		json_puts(j, "\\b");
		return;
	case '\f':
		json_puts(j, "\\f");
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		json_puts(j, esc);
		return;
	}
	json_putc(j, (char)c);
}

/* A quoted JSON string of the n bytes at s. */
static void json_put_string(struct emb_json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	json_putc(j, '"');
	while (i < n && !j->failed) {
		if (p[i] < 0x80) {
			json_put_ascii_escaped(j, p[i]);
			i++;
			continue;
		}
		len = utf8_seq_len(p + i, n - i);
		if (len) {
			json_putn(j, s + i, len);
			i += len;
		} else {
			/* One replacement character per invalid byte. */
			json_puts(j, "\xef\xbf\xbd");
			i++;
		}
	}
	json_putc(j, '"');
}

/* The string a JSON parser reads back from json_put_string's text: every
 * invalid byte a U+FFFD. */
static char *clean_utf8(const char *s, size_t n, size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(n * 3 + 1);
	size_t i = 0, o = 0, len;

	if (!out)
		return NULL;
	while (i < n) {
		len = p[i] < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
		if (len) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* A string (NULL: JSON null) as a record value; failed on no memory. */
static struct emb_rv rv_str(struct emb_json *j, const char *s, size_t n)
{
	struct emb_rv v = { .type = EMB_RV_STR };

	if (!s) {
		v.type = EMB_RV_RAW;
		v.s = strdup("null");
		v.len = 4;
	} else {
		v.s = clean_utf8(s, n, &v.len);
	}
	if (!v.s)
		j->failed = 1;
	return v;
}

static void rec_add(struct emb_json *j, const char *key, struct emb_rv v)
{
	emb_record_add(&j->rec, key, v);
	if (j->rec.failed)
		j->failed = 1;
}

static void json_key(struct emb_json *j, const char *key)
{
	if (j->n_keys++)
		json_putc(j, ',');
	json_put_string(j, key, strlen(key));
	json_putc(j, ':');
}

void emb_json_begin(struct emb_json *j)
{
	memset(j, 0, sizeof(*j));
	json_putc(j, '{');
}

void emb_json_str(struct emb_json *j, const char *key, const char *val)
{
	emb_json_strn(j, key, val, val ? strlen(val) : 0);
}

void emb_json_strn(struct emb_json *j, const char *key, const char *val, size_t len)
{
	if (j->failed)
		return;
	json_key(j, key);
	if (!val)
		json_puts(j, "null");
	else
		json_put_string(j, val, strnlen(val, len));
	rec_add(j, key, rv_str(j, val, val ? strnlen(val, len) : 0));
}

void emb_json_u64(struct emb_json *j, const char *key, uint64_t val)
{
	char num[24];

	if (j->failed)
		return;
	snprintf(num, sizeof(num), "%" PRIu64, val);
	json_key(j, key);
	json_puts(j, num);
	rec_add(j, key, (struct emb_rv){ .type = EMB_RV_INT, .is_unsigned = 1, .u = val });
}

void emb_json_i64(struct emb_json *j, const char *key, int64_t val)
{
	char num[24];

	if (j->failed)
		return;
	snprintf(num, sizeof(num), "%" PRId64, val);
	json_key(j, key);
	json_puts(j, num);
	rec_add(j, key, (struct emb_rv){ .type = EMB_RV_INT, .i = val });
}

void emb_json_bool(struct emb_json *j, const char *key, int val)
{
	if (j->failed)
		return;
	json_key(j, key);
	json_puts(j, val ? "true" : "false");
	rec_add(j, key, (struct emb_rv){ .type = EMB_RV_BOOL, .b = !!val });
}

void emb_json_strv(struct emb_json *j, const char *key, const char *const *v, size_t n)
{
	struct emb_rv arr = { .type = EMB_RV_ARRAY };
	size_t i;

	if (j->failed)
		return;
	arr.items = calloc(n ? n : 1, sizeof(*arr.items));
	if (!arr.items) {
		j->failed = 1;
		return;
	}
	for (i = 0; i < n; i++, arr.n++)
		arr.items[i] = rv_str(j, v[i], v[i] ? strlen(v[i]) : 0);
	json_key(j, key);
	json_putc(j, '[');
	for (i = 0; i < n; i++) {
		if (i)
			json_putc(j, ',');
		if (v[i])
			json_put_string(j, v[i], strlen(v[i]));
		else
			json_puts(j, "null");
	}
	json_putc(j, ']');
	rec_add(j, key, arr);
}

int emb_json_end(struct emb_json *j)
{
	json_putc(j, '}');
	return j->failed ? -1 : 0;
}

void emb_json_free(struct emb_json *j)
{
	free(j->buf);
	emb_record_free(&j->rec);
	memset(j, 0, sizeof(*j));
}

void emb_json_time_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[24];

	if (!len)
		return;
	/* The epoch stands in if the clock cannot be read: never garbage. */
	if (clock_gettime(CLOCK_REALTIME, &ts))
		ts = (struct timespec){ 0 };
	if (!gmtime_r(&ts.tv_sec, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "1970-01-01T00:00:00.000000Z");
		return;
	}
	snprintf(buf, len, "%s.%06ldZ", date, ts.tv_nsec / 1000);
}
