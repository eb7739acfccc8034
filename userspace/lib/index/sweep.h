/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sweep.h - offline sweep (`embargo scan`): hash every regular file under
 * some paths and report each one a policy bans, whatever the host's level.
 *
 * A sweep identifies (BOD 17-01 "identify"), so it does not compile the
 * policy for a host: it reads every vendor's ban list of every policy in the
 * set directly, including policies that would be off on this host and
 * policies of other schemes. A file is checked by a list of matchers; today
 * the sha256 matcher, which every sweep has. Path globs (`paths:`) plug in
 * as one more matcher with emb_sweep_add_matcher().
 */
#ifndef EMBARGO_SWEEP_H
#define EMBARGO_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hashindex.h"
#include "policy.h"

#define EMB_SWEEP_MAX_MATCHERS 4

/* One banned file as one policy's vendor bans it. */
struct emb_sweep_finding {
	const char *path;
	const uint8_t *sha256; /* EMB_SHA256_LEN bytes */
	uint64_t size;
	const char *policy; /* policy id */
	const char *vendor; /* vendor name */
};

/* Receives findings, serialised. Non-zero stops the sweep with that value. */
typedef int (*emb_sweep_sink)(void *ctx, const struct emb_sweep_finding *f);

/*
 * A matcher: emit one finding per (policy, vendor) that bans the hashed file
 * fh, through emit(emit_ctx, ...), and return 0 or emit's non-zero value.
 */
struct emb_sweep_matcher {
	int (*match)(const void *data, const struct emb_file_hash *fh, emb_sweep_sink emit,
		     void *emit_ctx);
	const void *data;
};

/* One digest banned by one vendor of one policy. */
struct emb_sweep_ban {
	uint8_t sha256[EMB_SHA256_LEN];
	size_t order; /* position in the set: findings come in policy order */
	const struct emb_policy *policy;
	const struct emb_vendor *vendor;
};

struct emb_sweep {
	const struct emb_policy_set *set;
	struct emb_sweep_ban *bans; /* sorted by (sha256, order), no duplicates */
	size_t n_bans;
	struct emb_sweep_matcher matchers[EMB_SWEEP_MAX_MATCHERS];
	size_t n_matchers;
	/* Progress: written by the scan, readable from any thread (emb_sweep_progress);
	 * bytes grows as files are read, not only when each is done. */
	uint64_t files, bytes, banned;
};

struct emb_sweep_run_opts {
	const char *const *roots;
	size_t n_roots;
	const char *const *exclude; /* prefixes not entered (emb_sweep_excludes) */
	size_t n_exclude;
	int threads; /* <= 0: one per online CPU */
	emb_sweep_sink sink;
	void *ctx; /* for sink and err_cb */
	emb_scan_err_cb err_cb; /* unreadable file or directory; NULL: stderr */
};

struct emb_sweep_stats {
	uint64_t files;    /* paths hashed (a hard link is one more path) */
	uint64_t bytes;
	uint64_t errors;   /* files or directories that could not be read */
	uint64_t banned;   /* files with at least one finding */
	uint64_t findings; /* (file, policy, vendor) reports */
};

/* The sha256 bans of every policy of set; set must outlive sw. */
int emb_sweep_init(struct emb_sweep *sw, const struct emb_policy_set *set);
/* -ENOSPC when EMB_SWEEP_MAX_MATCHERS are in use. */
int emb_sweep_add_matcher(struct emb_sweep *sw, const struct emb_sweep_matcher *m);
/* Also report files whose path matches a vendor's `paths` glob (weaker
 * evidence than a digest; the swept roots must be absolute). */
int emb_sweep_add_globs(struct emb_sweep *sw);
void emb_sweep_free(struct emb_sweep *sw);

/*
 * Sweep o->roots: every regular file (not only executables), every path of
 * a hard-linked file, in parallel; findings go to o->sink. Returns 0, the
 * sink's non-zero value, or -errno on a setup failure.
 */
int emb_sweep_run(struct emb_sweep *sw, const struct emb_sweep_run_opts *o,
		  struct emb_sweep_stats *stats);

/* Files hashed, bytes read and files found banned so far; any thread. */
void emb_sweep_progress(const struct emb_sweep *sw, uint64_t *files, uint64_t *bytes,
			uint64_t *banned);

/*
 * The excludes that apply to roots: those of ex (the host's scan.exclude)
 * except any that covers a root, since a path the user names is swept.
 * Returns a malloc'd array of pointers into ex (free it, not the strings),
 * its length in *n; NULL with *n = 0 when none apply or out of memory
 * (*oom set).
 */
const char **emb_sweep_excludes(const char *const *roots, size_t n_roots, char *const *ex,
				size_t n_ex, size_t *n, int *oom);

/* Output of one finding. Each returns 0, or -1 on a write error. */
/* "PATH  sha256=HEX  vendor=V  policy=P\n"; control bytes and '\' of PATH escaped. */
int emb_sweep_print_human(FILE *f, const struct emb_sweep_finding *fd);
/* {"path","sha256","vendor","policy","size"} and "\n". */
int emb_sweep_print_json(FILE *f, const struct emb_sweep_finding *fd);
/* The header "path,sha256,vendor,policy,size" and the records, RFC 4180. */
int emb_sweep_print_csv_header(FILE *f);
int emb_sweep_print_csv(FILE *f, const struct emb_sweep_finding *fd);

#endif
