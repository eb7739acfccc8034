// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* logfmt.c - the human-readable view of the JSON event log (`embargo log`). */
#include "logfmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TIME_W 19   /* "2026-11-23 09:08:43" */
#define ACTION_W 7  /* "REFUSED" */
#define EVENT_W 10  /* "unverified" */
#define SHA_SHOWN 16
#define MAX_USED 24
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/*
 * One line being rendered. Writes go to a memstream whose error flag is
 * sticky: the caller checks ferror() once at the end instead of after each
 * fprintf.
 */
struct render {
	FILE *f;
	const struct emb_record *ev;
	const char *event;
	const char *used[MAX_USED]; /* keys already shown */
	size_t n_used;
	int n_cols;                 /* columns written so far */
	int in_kv;                  /* inside the key=value group */
};

/*
 * Length of the well-formed UTF-8 sequence at s (no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void escape_byte(FILE *f, unsigned char c)
{
	switch (c) {
	case '\n': fputs("\\n", f); break;
	case '\t': fputs("\\t", f); break;
	case '\r': fputs("\\r", f); break;
	case '\\': fputs("\\\\", f); break;
	default: fprintf(f, "\\x%02x", c); break;
	}
}

/* Escape control characters and bad UTF-8; with quote, also '"'. */
static void escape(FILE *f, const char *str, size_t n, int quote)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(s + i, n - i);

		if (len == 0 || s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\') {
			escape_byte(f, s[i]);
			i++;
		} else if (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			fprintf(f, "\\u%04x", s[i + 1]); /* C1 control, e.g. CSI */
			i += 2;
		} else {
			if (quote && s[i] == '"')
				fputc('\\', f);
			fwrite(s + i, 1, len, f);
			i += len;
		}
	}
}

int emb_logfmt_escape(FILE *f, const char *s, size_t n)
{
	escape(f, s, n, 0);
	return ferror(f) ? -1 : 0;
}

static void use(struct render *r, const char *key)
{
	if (r->n_used < MAX_USED)
		r->used[r->n_used++] = key;
}

static int used(const struct render *r, const char *key)
{
	for (size_t i = 0; i < r->n_used; i++)
		if (strcmp(r->used[i], key) == 0)
			return 1;
	return 0;
}

/* The string value of key, marked as shown; NULL if absent or not a string. */
static const char *take_str(struct render *r, const char *key)
{
	const char *s = emb_record_str(r->ev, key);

	if (s)
		use(r, key);
	return s;
}

static void put_str(FILE *f, const struct emb_rv *v, int quote)
{
	const char *s = v->s;
	size_t n = v->len;
	int q = quote && (n == 0 || strpbrk(s, " \"=") != NULL);

	if (q)
		fputc('"', f);
	escape(f, s, n, q);
	if (q)
		fputc('"', f);
}

/* Strings escaped (quoted if quote and needed), numbers and literals as in
 * JSON, arrays as comma-joined elements, objects as compact JSON. */
static void put_value(FILE *f, const struct emb_rv *v, int quote)
{
	char *dump;

	switch (v->type) {
	case EMB_RV_STR:
		put_str(f, v, quote);
		break;
	case EMB_RV_INT:
		if (v->is_unsigned)
			fprintf(f, "%" PRIu64, v->u);
		else
			fprintf(f, "%" PRId64, v->i);
		break;
	case EMB_RV_ARRAY:
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				fputc(',', f);
			put_value(f, &v->items[i], quote);
		}
		break;
	default:
		dump = emb_rv_json(v);
		if (!dump) {
			fputs("?", f);
			break;
		}
		escape(f, dump, strlen(dump), 0);
		free(dump);
		break;
	}
}

/* Separator before the next column: the event name's padding, then two spaces. */
static void sep(struct render *r)
{
	if (r->n_cols++ == 0) {
		int pad = EVENT_W - (int)strlen(r->event);

		fprintf(r->f, "%*s ", pad > 0 ? pad : 0, "");
	} else {
		fputs("  ", r->f);
	}
	r->in_kv = 0;
}

/* A positional column: the string value of key, or "-". */
static void col(struct render *r, const char *key)
{
	const char *s = take_str(r, key);

	sep(r);
	if (s)
		escape(r->f, s, strlen(s), 0);
	else
		fputc('-', r->f);
}

static void kv_sep(struct render *r)
{
	if (r->in_kv) {
		fputc(' ', r->f);
		return;
	}
	sep(r);
	r->in_kv = 1;
}

/* " key=value" when key is present. */
static void kv(struct render *r, const char *key)
{
	const struct emb_rv *v = emb_record_get(r->ev, key);

	if (!v || used(r, key))
		return;
	use(r, key);
	kv_sep(r);
	escape(r->f, key, strlen(key), 0);
	fputc('=', r->f);
	put_value(r->f, v, 1);
}

static void kvs(struct render *r, const char *const *keys)
{
	for (; *keys; keys++)
		kv(r, *keys);
}

/* Every key not shown yet, in the line's order. */
static void extras(struct render *r)
{
	int policy = strcmp(r->event, "policy") == 0;
	for (size_t i = 0; i < r->ev->n; i++) {
		const char *key = r->ev->f[i].key;

		if (!policy && strcmp(key, "host_level") == 0)
			continue;
		kv(r, key);
	}
}

/* sha256=<first 16 hex digits>… when the value is a full digest. */
static void sha_col(struct render *r)
{
	const struct emb_rv *v = emb_record_get(r->ev, "sha256");
	const char *s = v && v->type == EMB_RV_STR ? v->s : NULL;

	if (!s || v->len != 64 || strspn(s, "0123456789abcdef") != 64)
		return; /* absent, or shown as it is among the extras */
	use(r, "sha256");
	sep(r);
	fprintf(r->f, "sha256=%.*s" ELLIPSIS, SHA_SHOWN, s);
}

/* ADDR:PORT/PROTO, IPv6 as [ADDR]:PORT/PROTO; "-" without daddr. */
static void endpoint_col(struct render *r)
{
	const char *addr = take_str(r, "daddr");
	const struct emb_rv *port = emb_record_get(r->ev, "dport");
	const char *proto;
	int v6;

	sep(r);
	if (!addr) {
		fputc('-', r->f);
		return;
	}
	v6 = strchr(addr, ':') != NULL;
	fputs(v6 ? "[" : "", r->f);
	escape(r->f, addr, strlen(addr), 0);
	fputs(v6 ? "]" : "", r->f);
	if (port && port->type == EMB_RV_INT) {
		use(r, "dport");
		fputc(':', r->f);
		put_value(r->f, port, 0);
	}
	proto = take_str(r, "proto");
	if (proto) {
		fputc('/', r->f);
		escape(r->f, proto, strlen(proto), 0);
	}
}

static const char *const proc_keys[] = { "method", "socket", "pid", "ppid", "uid", "comm", "exe", NULL };

/* exec, mmap, unverified: POLICY  VENDOR  PATH  sha256=…  method pid ppid uid comm */
static void body_file(struct render *r)
{
	col(r, "policy");
	col(r, "vendor");
	col(r, "path");
	sha_col(r);
	kvs(r, proc_keys);
}

/* connect, sendmsg: POLICY  VENDOR  ADDR:PORT/PROTO  method pid uid comm exe */
static void body_net(struct render *r)
{
	col(r, "policy");
	col(r, "vendor");
	endpoint_col(r);
	kvs(r, proc_keys);
}

/* dns refused: HOST  ADDR  reason=... */
static void body_dns(struct render *r)
{
	col(r, "host");
	col(r, "daddr");
	kv(r, "reason");
}

/* contain: POLICY  [ADDR:PORT/PROTO]  ... */
static void body_contain(struct render *r)
{
	col(r, "policy");
	if (emb_record_get(r->ev, "daddr"))
		endpoint_col(r);
	kvs(r, proc_keys);
}

/* "id (mode), id (mode)" when modes pairs with policies, else "id, id". */
static void policies_col(struct render *r)
{
	const struct emb_rv *ids = emb_record_get(r->ev, "policies");
	const struct emb_rv *modes = emb_record_get(r->ev, "modes");
	int paired = modes && modes->type == EMB_RV_ARRAY && modes->n == ids->n;
	size_t i;

	use(r, "policies");
	sep(r);
	if (ids->n == 0)
		fputs("(no policies)", r->f);
	for (i = 0; paired && i < modes->n; i++)
		paired = modes->items[i].type == EMB_RV_STR;
	if (paired)
		use(r, "modes");
	for (i = 0; i < ids->n; i++) {
		fputs(i ? ", " : "", r->f);
		put_value(r->f, &ids->items[i], 0);
		if (paired) {
			fputs(" (", r->f);
			put_value(r->f, &modes->items[i], 0);
			fputc(')', r->f);
		}
	}
}

/* "N error(s): e1; e2" */
static void errors_col(struct render *r)
{
	const struct emb_rv *errs = emb_record_get(r->ev, "errors");
	size_t n = errs->n;

	use(r, "errors");
	sep(r);
	fprintf(r->f, "%zu error%s", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "; " : ": ", r->f);
		put_value(r->f, &errs->items[i], 0);
	}
}

static int is_array(const struct emb_rv *v)
{
	return v && v->type == EMB_RV_ARRAY;
}

/* policy loaded: ID (MODE), ...  key=value; refused: N errors: E; E */
static void body_policy(struct render *r)
{
	if (is_array(emb_record_get(r->ev, "policies")))
		policies_col(r);
	if (is_array(emb_record_get(r->ev, "errors")))
		errors_col(r);
}

static void body_none(struct render *r)
{
	(void)r;
}

static const struct {
	const char *event;
	void (*body)(struct render *r);
} kinds[] = {
	{ "exec", body_file },
	{ "mmap", body_file },
	{ "unverified", body_file },
	{ "running", body_file },
	{ "connect", body_net },
	{ "sendmsg", body_net },
	{ "packet", body_net },
	{ "contain", body_contain },
	{ "dns", body_dns },
	{ "policy", body_policy },
	{ "lost", body_none },
};

static int is_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") >= n;
}

/* "2026-11-23T09:08:43.123456Z" -> "2026-11-23 09:08:43" (UTC, as logged). */
static void put_time(struct render *r)
{
	const char *t = take_str(r, "time");

	if (t && strlen(t) >= TIME_W && is_digits(t, 4) && t[4] == '-' && is_digits(t + 5, 2) &&
	    t[7] == '-' && is_digits(t + 8, 2) && t[10] == 'T' && is_digits(t + 11, 2) &&
	    t[13] == ':' && is_digits(t + 14, 2) && t[16] == ':' && is_digits(t + 17, 2)) {
		fprintf(r->f, "%.10s %.8s", t, t + 11);
		return;
	}
	if (!t) {
		fprintf(r->f, "%-*s", TIME_W, "-");
		return;
	}
	escape(r->f, t, strlen(t), 0);
	fprintf(r->f, "%*s", strlen(t) < TIME_W ? (int)(TIME_W - strlen(t)) : 0, "");
}

/* ACTION upper-cased when it is a plain word; "-" when absent. */
static void put_action(struct render *r)
{
	const char *a = take_str(r, "action");
	size_t n = a ? strlen(a) : 0;

	fputc(' ', r->f);
	if (!a || n == 0 || strspn(a, "abcdefghijklmnopqrstuvwxyz_-") != n) {
		if (a)
			escape(r->f, a, n, 0);
		else
			fputc('-', r->f);
		fprintf(r->f, "%*s", n < ACTION_W ? (int)(ACTION_W - (a ? n : 1)) : 0, "");
		return;
	}
	for (size_t i = 0; i < n; i++)
		fputc(a[i] >= 'a' && a[i] <= 'z' ? a[i] - 'a' + 'A' : a[i], r->f);
	fprintf(r->f, "%*s", n < ACTION_W ? (int)(ACTION_W - n) : 0, "");
}

static void render_event(struct render *r)
{
	void (*body)(struct render *r) = body_none;

	put_time(r);
	put_action(r);
	fputc(' ', r->f);
	escape(r->f, r->event, strlen(r->event), 0);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].event, r->event) == 0)
			body = kinds[i].body;
	body(r);
	extras(r);
}

/* r.f open; the line's text when ev has no string "event". */
static int render_to(struct render *r, const char *line, size_t len)
{
	int failed;

	if (r->ev) {
		use(r, "event");
		r->event = emb_record_str(r->ev, "event");
	}
	if (r->event) {
		render_event(r);
	} else {
		fputs(EMB_LOGFMT_MALFORMED, r->f);
		escape(r->f, line, len, 0);
	}
	failed = ferror(r->f);
	return failed;
}

static char *render(const struct emb_record *ev, const char *line, size_t len)
{
	struct render r = { .ev = ev };
	char *buf = NULL;
	size_t size = 0;
	int failed;

	r.f = open_memstream(&buf, &size);
	if (!r.f)
		return NULL;
	/* buf is only valid after fclose; the error flag is read before it. */
	failed = render_to(&r, line, len);
	if (fclose(r.f) || failed) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *emb_logfmt_record(const struct emb_record *ev)
{
	return render(ev, "", 0);
}

char *emb_logfmt_human(const char *line, size_t len)
{
	struct emb_record ev;
	char *out;

	if (emb_record_from_json(&ev, line, len))
		return render(NULL, line, len);
	out = render(&ev, line, len);
	emb_record_free(&ev);
	return out;
}
