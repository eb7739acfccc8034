// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sweep.c - offline sweep: the ban table, the matchers, the output formats.
 *
 * The hashing is hashindex's; this file adds what a sweep needs on top of
 * it: every regular file (exec_only = 0), every path of a hard link
 * (each_link = 1: a responder deleting banned content must learn every name
 * it has), and the ban lookup in a table of every policy's sha256 list.
 */
#include "sweep.h"
#include "pathglob.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonw.h"

/* --- the ban table ---------------------------------------------------------- */

static int ban_cmp(const void *a, const void *b)
{
	const struct emb_sweep_ban *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, EMB_SHA256_LEN);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static size_t count_bans(const struct emb_policy_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		for (size_t j = 0; j < set->policies[i].n_vendors; j++)
			n += set->policies[i].vendors[j].n_sha256;
	return n;
}

static void fill_bans(struct emb_sweep_ban *bans, const struct emb_policy_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct emb_policy *p = &set->policies[i];

		for (size_t j = 0; j < p->n_vendors; j++) {
			const struct emb_vendor *v = &p->vendors[j];

			for (size_t k = 0; k < v->n_sha256; k++, n++) {
				memcpy(bans[n].sha256, v->sha256[k], EMB_SHA256_LEN);
				bans[n].order = n;
				bans[n].policy = p;
				bans[n].vendor = v;
			}
		}
	}
}

/* A vendor listing a digest twice is reported once. */
static size_t dedup_bans(struct emb_sweep_ban *bans, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (out && !memcmp(bans[out - 1].sha256, bans[i].sha256, EMB_SHA256_LEN) &&
		    bans[out - 1].policy == bans[i].policy && bans[out - 1].vendor == bans[i].vendor)
			continue;
		bans[out++] = bans[i];
	}
	return out;
}

/* First ban of digest d, or NULL. */
static const struct emb_sweep_ban *ban_first(const struct emb_sweep *sw, const uint8_t *d)
{
	size_t lo = 0, hi = sw->n_bans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(sw->bans[mid].sha256, d, EMB_SHA256_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sw->n_bans || memcmp(sw->bans[lo].sha256, d, EMB_SHA256_LEN))
		return NULL;
	return &sw->bans[lo];
}

static int match_sha256(const void *data, const struct emb_file_hash *fh, emb_sweep_sink emit,
			void *emit_ctx)
{
	const struct emb_sweep *sw = data;
	const struct emb_sweep_ban *b = ban_first(sw, fh->sha256), *end = sw->bans + sw->n_bans;
	struct emb_sweep_finding f = { .path = fh->path, .sha256 = fh->sha256, .size = fh->size };
	int ret;

	for (; b && b < end && !memcmp(b->sha256, fh->sha256, EMB_SHA256_LEN); b++) {
		f.policy = b->policy->id;
		f.vendor = b->vendor->name;
		ret = emit(emit_ctx, &f);
		if (ret)
			return ret;
	}
	return 0;
}

/* Does vendor v of policy p already ban digest d (reported by match_sha256)? */
static int hash_banned_by(const struct emb_sweep *sw, const uint8_t *d, const struct emb_policy *p,
			  const struct emb_vendor *v)
{
	const struct emb_sweep_ban *b = ban_first(sw, d), *end = sw->bans + sw->n_bans;

	for (; b && b < end && !memcmp(b->sha256, d, EMB_SHA256_LEN); b++)
		if (b->policy == p && b->vendor == v)
			return 1;
	return 0;
}

/* vendors[].paths: the file's path (absolute, as swept) against each glob.
 * A vendor that bans the file by digest too is reported once. */
static int match_globs(const void *data, const struct emb_file_hash *fh, emb_sweep_sink emit,
		       void *emit_ctx)
{
	const struct emb_sweep *sw = data;
	struct emb_sweep_finding f = { .path = fh->path, .sha256 = fh->sha256, .size = fh->size };

	for (size_t i = 0; i < sw->set->n; i++) {
		const struct emb_policy *p = &sw->set->policies[i];

		for (size_t k = 0; k < p->n_vendors; k++) {
			const struct emb_vendor *v = &p->vendors[k];
			int ret;

			for (size_t g = 0; g < v->n_paths; g++) {
				if (!emb_glob_match(v->paths[g], fh->path))
					continue;
				if (hash_banned_by(sw, fh->sha256, p, v))
					break;
				f.policy = p->id;
				f.vendor = v->name;
				ret = emit(emit_ctx, &f);
				if (ret)
					return ret;
				break;
			}
		}
	}
	return 0;
}

int emb_sweep_add_globs(struct emb_sweep *sw)
{
	struct emb_sweep_matcher m = { .match = match_globs, .data = sw };

	return emb_sweep_add_matcher(sw, &m);
}

int emb_sweep_init(struct emb_sweep *sw, const struct emb_policy_set *set)
{
	size_t n = count_bans(set);

	memset(sw, 0, sizeof(*sw));
	sw->set = set;
	if (n) {
		sw->bans = calloc(n, sizeof(*sw->bans));
		if (!sw->bans)
			return -ENOMEM;
		fill_bans(sw->bans, set);
		qsort(sw->bans, n, sizeof(*sw->bans), ban_cmp);
		sw->n_bans = dedup_bans(sw->bans, n);
	}
	sw->matchers[0] = (struct emb_sweep_matcher){ .match = match_sha256, .data = sw };
	sw->n_matchers = 1;
	return 0;
}

int emb_sweep_add_matcher(struct emb_sweep *sw, const struct emb_sweep_matcher *m)
{
	if (sw->n_matchers == EMB_SWEEP_MAX_MATCHERS)
		return -ENOSPC;
	sw->matchers[sw->n_matchers++] = *m;
	return 0;
}

void emb_sweep_free(struct emb_sweep *sw)
{
	free(sw->bans);
	memset(sw, 0, sizeof(*sw));
}

/* --- the run -------------------------------------------------------------- */

struct run {
	struct emb_sweep *sw;
	const struct emb_sweep_run_opts *o;
	uint64_t findings;
	int hit; /* the current file had a finding */
};

static int emit_finding(void *ctx, const struct emb_sweep_finding *f)
{
	struct run *r = ctx;

	r->hit = 1;
	r->findings++;
	return r->o->sink(r->o->ctx, f);
}

/* Serialised by emb_scan. */
static int on_file(void *ctx, const struct emb_file_hash *fh)
{
	struct run *r = ctx;
	struct emb_sweep *sw = r->sw;
	int ret = 0;

	r->hit = 0;
	for (size_t i = 0; i < sw->n_matchers && !ret; i++)
		ret = sw->matchers[i].match(sw->matchers[i].data, fh, emit_finding, r);
	__atomic_add_fetch(&sw->files, 1, __ATOMIC_RELAXED);
	if (r->hit)
		__atomic_add_fetch(&sw->banned, 1, __ATOMIC_RELAXED);
	return ret;
}

static void on_error(void *ctx, const char *path, int err)
{
	struct run *r = ctx;

	r->o->err_cb(r->o->ctx, path, err);
}

int emb_sweep_run(struct emb_sweep *sw, const struct emb_sweep_run_opts *o,
		  struct emb_sweep_stats *stats)
{
	struct run r = { .sw = sw, .o = o };
	struct emb_scan_opts so = {
		.roots = o->roots,
		.n_roots = o->n_roots,
		.exclude = o->exclude,
		.n_exclude = o->n_exclude,
		.threads = o->threads,
		.exec_only = 0,
		.each_link = 1,
		.err_cb = o->err_cb ? on_error : NULL,
		.live_bytes = &sw->bytes,
	};
	struct emb_scan_stats ss = { 0 };
	int err;

	if (!o->sink)
		return -EINVAL;
	sw->files = sw->bytes = sw->banned = 0;
	err = emb_scan(&so, on_file, &r, &ss);
	if (stats)
		*stats = (struct emb_sweep_stats){
			.files = ss.files,
			.bytes = ss.bytes,
			.errors = ss.errors,
			.banned = __atomic_load_n(&sw->banned, __ATOMIC_RELAXED),
			.findings = r.findings,
		};
	return err;
}

void emb_sweep_progress(const struct emb_sweep *sw, uint64_t *files, uint64_t *bytes,
			uint64_t *banned)
{
	*files = __atomic_load_n(&sw->files, __ATOMIC_RELAXED);
	*bytes = __atomic_load_n(&sw->bytes, __ATOMIC_RELAXED);
	*banned = __atomic_load_n(&sw->banned, __ATOMIC_RELAXED);
}

/* --- excludes ------------------------------------------------------------- */

static int covers_a_root(const char *ex, const char *const *roots, size_t n_roots)
{
	for (size_t i = 0; i < n_roots; i++)
		if (emb_path_covers(ex, roots[i]))
			return 1;
	return 0;
}

const char **emb_sweep_excludes(const char *const *roots, size_t n_roots, char *const *ex,
				size_t n_ex, size_t *n, int *oom)
{
	const char **out;

	*n = 0;
	*oom = 0;
	if (!n_ex)
		return NULL;
	out = calloc(n_ex, sizeof(*out));
	if (!out) {
		*oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n_ex; i++)
		if (!covers_a_root(ex[i], roots, n_roots))
			out[(*n)++] = ex[i];
	if (!*n) {
		free(out);
		return NULL;
	}
	return out;
}

/* --- output --------------------------------------------------------------- */

/* A path on one line: control bytes and '\' as C escapes, the rest as is. */
static int put_escaped(FILE *f, const char *s)
{
	static const char esc[] = { ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['\\'] = '\\' };
	int rc;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < sizeof(esc) && esc[c])
			rc = fprintf(f, "\\%c", esc[c]);
		else if (c < 0x20 || c == 0x7f)
			rc = fprintf(f, "\\x%02x", c);
		else
			rc = putc(c, f) == EOF ? -1 : 1;
		if (rc < 0)
			return -1;
	}
	return 0;
}

int emb_sweep_print_human(FILE *f, const struct emb_sweep_finding *fd)
{
	char hex[65];

	emb_sha256_hex(fd->sha256, hex);
	if (put_escaped(f, fd->path))
		return -1;
	return fprintf(f, "  sha256=%s  vendor=%s  policy=%s\n", hex, fd->vendor, fd->policy) < 0
		       ? -1 : 0;
}

int emb_sweep_print_json(FILE *f, const struct emb_sweep_finding *fd)
{
	struct emb_json j;
	char hex[65];
	int rc = -1;

	emb_sha256_hex(fd->sha256, hex);
	emb_json_begin(&j);
	emb_json_str(&j, "path", fd->path);
	emb_json_str(&j, "sha256", hex);
	emb_json_str(&j, "vendor", fd->vendor);
	emb_json_str(&j, "policy", fd->policy);
	emb_json_u64(&j, "size", fd->size);
	if (emb_json_end(&j))
		goto out;
	rc = fprintf(f, "%s\n", j.buf) < 0 ? -1 : 0;
out:
	emb_json_free(&j);
	return rc;
}

int emb_sweep_print_csv_header(FILE *f)
{
	static const char *const h[] = { "path", "sha256", "vendor", "policy", "size" };

	return emb_csv_row(f, h, sizeof(h) / sizeof(h[0]));
}

int emb_sweep_print_csv(FILE *f, const struct emb_sweep_finding *fd)
{
	char hex[65], size[24];
	const char *row[5] = { fd->path, hex, fd->vendor, fd->policy, size };

	emb_sha256_hex(fd->sha256, hex);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)fd->size);
	return emb_csv_row(f, row, 5);
}
