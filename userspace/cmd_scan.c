// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo scan [--policy F | --policy-dir D] [--host F] [--json | --csv]
 * PATH...`: offline sweep, no root, no kernel. Every regular file under the
 * PATHs whose SHA-256 any policy of the set bans is reported, whatever the
 * host's level (sweep.h). Exit 0 none found, 10 found, 2 usage, policy or
 * setup error (SPEC §4). The host tag is read only for scan.exclude (the
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
#include "options.h"
#include "policy.h"
#include "progress.h"
#include "sweep.h"

#define SCAN_OPTS "host,policy,policy-dir,json"

enum { EXIT_CLEAN = 0, EXIT_FOUND = 10, EXIT_ERROR = 2 };
enum scan_format { FMT_HUMAN, FMT_JSON, FMT_CSV };

struct scan_ctx {
	enum scan_format fmt;
	struct emb_progress *bar; /* NULL: stderr is not a terminal */
	int write_failed;
};

static int usage(void)
{
	fprintf(stderr, "usage: embargo scan [--policy F | --policy-dir D] [--host F] "
			"[--json | --csv] PATH...\n");
	return EXIT_ERROR;
}

/* Take --csv out of argv (emb_opts has no such option); 1 if it was there. */
static int take_csv(int *argc, char **argv)
{
	int found = 0, out = 1, i;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--csv"))
			found = 1;
		else
			argv[out++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[out++] = argv[i];
	*argc = out;
	return found;
}

static int print_finding(void *ctx, const struct emb_sweep_finding *f)
{
	struct scan_ctx *c = ctx;
	int rc;

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

	if (c->bar)
		emb_progress_hold(c->bar);
	fprintf(stderr, "embargo scan: %s: %s\n", path, strerror(err));
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
			fprintf(stderr, "embargo scan: %s: %s\n", roots[i], strerror(errno));
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
	for (size_t i = 0; i < diag.n; i++)
		fprintf(stderr, "%s\n", diag.msgs[i]);
	emb_diag_free(&diag);
	if (!err && !set->n) {
		fprintf(stderr, "embargo scan: no policy in %s: nothing to sweep for\n",
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
			fprintf(stderr, "embargo scan: %s\n", strerror(-err));
		else
			fprintf(stderr, "embargo scan: write error on standard output\n");
		return EXIT_ERROR;
	}
	fprintf(stderr, "scanned %llu files (%llu bytes) in %.2f s: %llu banned\n",
		(unsigned long long)st.files, (unsigned long long)st.bytes, now() - t0,
		(unsigned long long)st.banned);
	if (st.errors)
		fprintf(stderr, "embargo scan: %llu files or directories could not be read\n",
			(unsigned long long)st.errors);
	return st.banned ? EXIT_FOUND : EXIT_CLEAN;
}

static int run(const struct emb_opts *o, struct scan_ctx *c)
{
	const char *const *roots = (const char *const *)o->args;
	struct emb_policy_set set = { 0 };
	struct emb_host host = { 0 };
	struct emb_sweep sw;
	struct emb_sweep_run_opts ro = { .roots = roots, .n_roots = (size_t)o->n_args,
					 .sink = print_finding, .ctx = c,
					 .err_cb = print_unreadable };
	int rc = EXIT_ERROR, oom;

	if (check_roots(o->args, o->n_args) || load_policies(o, &set, &host))
		return EXIT_ERROR;
	ro.exclude = emb_sweep_excludes(roots, ro.n_roots, host.exclude, host.n_exclude,
					&ro.n_exclude, &oom);
	if (oom || emb_sweep_init(&sw, &set)) {
		fprintf(stderr, "embargo scan: out of memory\n");
		goto out;
	}
	if (c->fmt == FMT_CSV && emb_sweep_print_csv_header(stdout)) {
		fprintf(stderr, "embargo scan: write error on standard output\n");
		goto out_sweep;
	}
	rc = sweep(&sw, &ro, c);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "embargo scan: write error on standard output\n");
		rc = EXIT_ERROR;
	}
out_sweep:
	emb_sweep_free(&sw);
out:
	free((void *)ro.exclude);
	emb_policy_set_free(&set);
	emb_host_free(&host);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_ctx c = { .fmt = FMT_HUMAN };
	struct emb_opts o;
	int csv = take_csv(&argc, argv), rc;

	if (emb_opts_parse(&o, argc, argv, SCAN_OPTS))
		return EXIT_ERROR;
	if (!o.n_args || (o.json && csv)) {
		rc = usage();
		goto out;
	}
	c.fmt = o.json ? FMT_JSON : csv ? FMT_CSV : FMT_HUMAN;
	rc = run(&o, &c);
out:
	emb_opts_free(&o);
	return rc;
}
