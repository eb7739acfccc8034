// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo scan [--policy F | --policy-dir D] [--host F] [--json | --csv]
 * PATH...`: offline sweep, no root, no kernel. Every regular file under the
 * PATHs whose SHA-256 any policy of the set bans is reported, whatever the
 * host's level (sweep.h). Exit 0 none found, 10 found, 2 usage, policy or
 * setup error (contract.md §4). The host tag is read only for scan.exclude (the
 * defaults /proc, /sys, /dev, /run without one); a PATH named on the command
 * line is swept even when an exclude covers it.
 *
 * A hard-linked banned file is reported under every path it has in the
 * PATHs (one line each): deleting one name leaves the content in place.
 * A file banned by several policies or vendors gives one line for each;
 * "K banned" in the summary counts files. Unreadable files are reported on
 * stderr and counted, and do not change the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "localpolicy.h"
#include "argtake.h"
#include "learn.h"
#include "namelist.h"
#include "options.h"
#include "policy.h"
#include "progress.h"
#include "sweep.h"
#include "log.h"

enum { EXIT_CLEAN = 0, EXIT_FOUND = 10, EXIT_ERROR = 2 };
enum scan_format { FMT_HUMAN, FMT_JSON, FMT_CSV };

struct scan_ctx {
	enum scan_format fmt;
	struct emb_learn *learn; /* --learn: digests of the vendor's findings */
	const char *learn_vendor, *learn_out;
	struct emb_progress *bar; /* NULL: stderr is not a terminal */
	int write_failed;
};

static int usage(void)
{
	fprintf(stderr, "usage: embargo scan [--policy F | --policy-dir D] [--host F] "
			"[--json | --csv] [--learn VENDOR --out FILE] PATH...\n");
	return EXIT_ERROR;
}

static int print_finding(void *ctx, const struct emb_sweep_finding *f)
{
	struct scan_ctx *c = ctx;
	int rc;

	if (c->learn && emb_learn_add(c->learn, f))
		return -ENOMEM;

	if (c->bar)
		emb_progress_hold(c->bar);
	if (c->fmt == FMT_JSON)
		rc = emb_sweep_print_json(stdout, f);
	else if (c->fmt == FMT_CSV)
		rc = emb_sweep_print_csv(stdout, f);
	else
		rc = emb_sweep_print_human(stdout, f);
	/* Findings reach a pipe as they are found, not at exit. */
	if (!rc && fflush(stdout))
		rc = -1;
	if (c->bar)
		emb_progress_release(c->bar);
	if (rc)
		c->write_failed = 1;
	return rc ? -EIO : 0;
}

static void print_unreadable(void *ctx, const char *path, int err)
{
	struct scan_ctx *c = ctx;
	char why[128];

	if (c->bar)
		emb_progress_hold(c->bar);
	emb_logf(EMB_LOG_ERR, "embargo scan", "%s: %s", path,
		 emb_hash_strerror(-err, why, sizeof(why)));
	if (c->bar)
		emb_progress_release(c->bar);
}

static void sample(void *ctx, uint64_t *files, uint64_t *bytes)
{
	uint64_t banned;

	emb_sweep_progress(ctx, files, bytes, &banned);
}

/* Every PATH must exist: a typo must not read as "nothing found". */
static int check_roots(char **roots, int n)
{
	struct stat st;
	int bad = 0;

	for (int i = 0; i < n; i++) {
		if (lstat(roots[i], &st)) {
			emb_logf(EMB_LOG_ERR, "embargo scan", "%s: %s", roots[i], strerror(errno));
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static int load_policies(const struct emb_opts *o, struct emb_policy_set *set,
			 struct emb_host *host)
{
	struct emb_diag diag = { 0 };
	int err;

	err = emb_host_load(host, o->host, EMB_DEFAULT_HOST, NULL, &diag);
	if (!err) {
		err = emb_policy_set_load_for(set, host, o->policies, o->n_policies,
					      emb_opts_policy_dir(o), &diag);
		if (err)
			emb_host_free(host);
	}
	emb_diag_log(&diag, EMB_LOG_ERR, NULL);
	emb_diag_free(&diag);
	if (!err && !set->n) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "no policy in %s: nothing to sweep for",
			 emb_opts_policy_dir(o));
		emb_policy_set_free(set);
		emb_host_free(host);
		err = -1;
	}
	return err;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A progress bar only when stderr is a terminal; without one, no bar. */
static struct emb_progress *start_bar(struct emb_progress *bar, struct emb_sweep *sw,
				      const struct emb_sweep_run_opts *ro)
{
	struct emb_progress_opts po = {
		.out = stderr,
		.roots = ro->roots,
		.n_roots = ro->n_roots,
		.exclude = ro->exclude,
		.n_exclude = ro->n_exclude,
		.sample = sample,
		.ctx = sw,
	};

	if (!isatty(STDERR_FILENO) || emb_progress_start(bar, &po))
		return NULL;
	return bar;
}

static int sweep(struct emb_sweep *sw, struct emb_sweep_run_opts *ro, struct scan_ctx *c)
{
	struct emb_progress bar;
	struct emb_sweep_stats st;
	double t0 = now();
	int err;

	c->bar = start_bar(&bar, sw, ro);
	err = emb_sweep_run(sw, ro, &st);
	if (c->bar)
		emb_progress_stop(c->bar);
	c->bar = NULL;
	if (err) {
		if (!c->write_failed)
			emb_logf(EMB_LOG_ERR, "embargo scan", "%s", strerror(-err));
		else
			emb_logf(EMB_LOG_ERR, "embargo scan", "write error on standard output");
		return EXIT_ERROR;
	}
	fprintf(stderr, "scanned %llu files (%llu bytes) in %.2f s: %llu banned\n",
		(unsigned long long)st.files, (unsigned long long)st.bytes, now() - t0,
		(unsigned long long)st.banned);
	if (st.errors)
		emb_logf(EMB_LOG_ERR, "embargo scan", "%llu files or directories could not be read",
			 (unsigned long long)st.errors);
	return st.banned ? EXIT_FOUND : EXIT_CLEAN;
}

/* --learn: the vendor's digests as a policy file, checked by the parser
 * before it is written (atomically). */
static int write_learnt(struct scan_ctx *c, const struct emb_host *host)
{
	struct emb_diag diag = { 0 };
	struct emb_policy p;
	char why[256];
	char *text = emb_learn_policy_text(c->learn, host, time(NULL));
	size_t n = emb_learn_count(c->learn);
	int rc = -1;

	if (!text) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "--learn: cannot write the policy (out of memory or unknown scheme)");
		return -1;
	}
	if (!n) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "--learn: no file of '%s' found: %s not written",
			 c->learn_vendor, c->learn_out);
		rc = 0;
		goto out;
	}
	if (emb_policy_parse_buf_for(c->learn_out, text, strlen(text), &host->schemes, &p, &diag)) {
		emb_diag_log(&diag, EMB_LOG_ERR, "embargo scan: --learn");
		goto out;
	}
	emb_policy_free(&p);
	if (emb_file_replace(c->learn_out, text, strlen(text), 0644, why, sizeof(why))) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "--learn: %s", why);
		goto out;
	}
	emb_logf(EMB_LOG_INFO, "embargo scan", "--learn: %zu sha256 of '%s' written to %s", n,
		 c->learn_vendor, c->learn_out);
	rc = 0;
out:
	emb_diag_free(&diag);
	free(text);
	return rc;
}

/* Absolute roots: path globs match the paths swept. A relative root is
 * resolved; an absolute one is kept as the user wrote it. */
static char **absolute_roots(char **roots, int n)
{
	char **abs = calloc((size_t)n + 1, sizeof(*abs));

	for (int i = 0; abs && i < n; i++) {
		abs[i] = roots[i][0] == '/' ? strdup(roots[i]) : realpath(roots[i], NULL);
		if (!abs[i]) {
			emb_logf(EMB_LOG_ERR, "embargo scan", "%s: %s", roots[i], strerror(errno));
			emb_names_free(abs, (size_t)i);
			return NULL;
		}
	}
	return abs;
}

static int run(const struct emb_opts *o, struct scan_ctx *c)
{
	char **abs = absolute_roots(o->args, o->n_args);
	const char *const *roots = (const char *const *)abs;
	struct emb_learn learn;
	char why[256];
	struct emb_policy_set set = { 0 };
	struct emb_host host = { 0 };
	struct emb_sweep sw;
	struct emb_sweep_run_opts ro = { .roots = roots, .n_roots = (size_t)o->n_args,
					 .sink = print_finding, .ctx = c,
					 .err_cb = print_unreadable };
	int rc = EXIT_ERROR, oom;

	if (!abs)
		return EXIT_ERROR;
	if (check_roots(o->args, o->n_args) || load_policies(o, &set, &host)) {
		emb_names_free(abs, (size_t)o->n_args);
		return EXIT_ERROR;
	}
	ro.exclude = emb_sweep_excludes(roots, ro.n_roots, host.exclude, host.n_exclude,
					&ro.n_exclude, &oom);
	if (oom || emb_sweep_init(&sw, &set)) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "out of memory");
		goto out;
	}
	if (emb_sweep_add_globs(&sw)) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "too many matchers");
		goto out_sweep;
	}
	if (c->learn_vendor) {
		if (emb_learn_init(&learn, &set, c->learn_vendor, why, sizeof(why))) {
			emb_logf(EMB_LOG_ERR, "embargo scan", "--learn: %s", why);
			goto out_sweep;
		}
		c->learn = &learn;
	}
	if (c->fmt == FMT_CSV && emb_sweep_print_csv_header(stdout)) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "write error on standard output");
		goto out_sweep;
	}
	rc = sweep(&sw, &ro, c);
	if (fflush(stdout) || ferror(stdout)) {
		emb_logf(EMB_LOG_ERR, "embargo scan", "write error on standard output");
		rc = EXIT_ERROR;
	}
	if (c->learn && rc != EXIT_ERROR && write_learnt(c, &host))
		rc = EXIT_ERROR;
	if (c->learn)
		emb_learn_free(c->learn);
	c->learn = NULL;
out_sweep:
	emb_sweep_free(&sw);
out:
	free((void *)ro.exclude);
	emb_policy_set_free(&set);
	emb_host_free(&host);
	emb_names_free(abs, (size_t)o->n_args);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_ctx c = { .fmt = FMT_HUMAN };
	struct emb_opts o;
	const char **learn = NULL, **out = NULL;
	size_t n_learn = 0, n_out = 0;
	int csv = emb_take_flag(&argc, argv, "csv") > 0, rc;

	if (emb_take_opt(&argc, argv, "learn", &learn, &n_learn) < 0 ||
	    emb_take_opt(&argc, argv, "out", &out, &n_out) < 0 || n_learn > 1 || n_out != n_learn) {
		free(learn);
		free(out);
		return usage();
	}
	c.learn_vendor = n_learn ? learn[0] : NULL;
	c.learn_out = n_out ? out[0] : NULL;
	rc = emb_opts_parse(&o, argc, argv);
	if (rc) {
		free(learn);
		free(out);
		return rc > 0 ? EXIT_CLEAN : EXIT_ERROR;
	}
	if (!o.n_args || (o.json && csv)) {
		rc = usage();
		goto out;
	}
	c.fmt = o.json ? FMT_JSON : csv ? FMT_CSV : FMT_HUMAN;
	rc = run(&o, &c);
out:
	emb_opts_free(&o);
	free(learn);
	free(out);
	return rc;
}
