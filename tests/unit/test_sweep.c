// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for sweep.c (ban table, matchers, excludes, output) and the
 * progress line of progress.c, on a throwaway tree under /tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "sweep.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_FOO "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
#define SHA_NONE "0000000000000000000000000000000000000000000000000000000000000001"

/* --- a policy set built by hand: the parser is not under test here ------------ */

static void unhex(const char *hex, uint8_t out[EMB_SHA256_LEN])
{
	for (int i = 0; i < EMB_SHA256_LEN; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

static uint8_t v1_hashes[3][EMB_SHA256_LEN], v2_hashes[2][EMB_SHA256_LEN];
static struct emb_vendor v1 = { .name = "Vendor One", .sha256 = v1_hashes, .n_sha256 = 3 };
static struct emb_vendor v2 = { .name = "Vendor, Two", .sha256 = v2_hashes, .n_sha256 = 2 };
static struct emb_policy policies[] = {
	{ .id = "p-one", .scheme = "uk-gsc", .enforce = 1, .audit = -1, .vendors = &v1, .n_vendors = 1 },
	/* Another scheme and a level no host need have: a sweep ignores both. */
	{ .id = "p-two", .scheme = "us", .enforce = 3, .audit = -1, .vendors = &v2, .n_vendors = 1 },
};
static const struct emb_policy_set set = { .policies = policies, .n = 2 };

static void set_hashes(void)
{
	unhex(SHA_ABC, v1_hashes[0]);
	unhex(SHA_FOO, v1_hashes[1]);
	unhex(SHA_ABC, v1_hashes[2]); /* listed twice: reported once */
	unhex(SHA_FOO, v2_hashes[0]);
	unhex(SHA_NONE, v2_hashes[1]);
}

/* --- the tree ------------------------------------------------------------------- */

struct fx {
	char dir[64];
	char *lines; /* what the sink saw, "REL|policy|vendor|size\n" each, sorted */
	char **got;
	size_t n;
	int stop_at; /* > 0: the sink returns 77 at that finding */
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/embargo-sweep-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	set_hashes();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int ret = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	for (size_t i = 0; i < f->n; i++)
		free(f->got[i]);
	free(f->got);
	free(f);
	return ret ? -1 : 0;
}

static void mk(const struct fx *f, const char *rel, const char *data)
{
	char *p = NULL;
	int fd;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	if (!data) {
		assert_int_equal(mkdir(p, 0755), 0);
	} else {
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
		assert_int_equal(close(fd), 0);
	}
	free(p);
}

static void mk_link(const struct fx *f, const char *target, const char *rel)
{
	char *t = NULL, *p = NULL;

	assert_true(asprintf(&t, "%s/%s", f->dir, target) > 0);
	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	assert_int_equal(link(t, p), 0);
	free(t);
	free(p);
}

/*
 * a/abc        "abc"   banned by p-one
 * a/b/foo      "foo"   banned by p-one and p-two
 * c/foo.link   hard link to a/b/foo: a second name, reported too
 * c/clean      "clean"
 * x/abc        "abc"   under an exclude in test_excluded
 */
static void mk_tree(const struct fx *f)
{
	mk(f, "a", NULL);
	mk(f, "a/b", NULL);
	mk(f, "c", NULL);
	mk(f, "x", NULL);
	mk(f, "a/abc", "abc");
	mk(f, "a/b/foo", "foo");
	mk_link(f, "a/b/foo", "c/foo.link");
	mk(f, "c/clean", "clean");
	mk(f, "x/abc", "abc");
}

/* Serialised by the sweep. */
static int sink(void *ctx, const struct emb_sweep_finding *fd)
{
	struct fx *f = ctx;
	char hex[65], **grown;

	emb_sha256_hex(fd->sha256, hex);
	grown = realloc(f->got, (f->n + 1) * sizeof(*grown));
	if (!grown)
		abort();
	f->got = grown;
	if (asprintf(&f->got[f->n], "%s|%.8s|%s|%s|%llu", fd->path + strlen(f->dir), hex,
		     fd->policy, fd->vendor, (unsigned long long)fd->size) < 0)
		abort();
	f->n++;
	return f->stop_at && (int)f->n == f->stop_at ? 77 : 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void assert_got(struct fx *f, const char *const *want, size_t n)
{
	qsort(f->got, f->n, sizeof(*f->got), str_cmp);
	for (size_t i = 0; i < n && i < f->n; i++)
		assert_string_equal(f->got[i], want[i]);
	assert_int_equal(f->n, n);
}

static void run(struct fx *f, struct emb_sweep *sw, const char *const *exclude, size_t n_ex,
		struct emb_sweep_stats *st, int want)
{
	const char *roots[] = { f->dir };
	struct emb_sweep_run_opts o = {
		.roots = roots, .n_roots = 1, .exclude = exclude, .n_exclude = n_ex,
		.threads = 3, .sink = sink, .ctx = f,
	};

	assert_int_equal(emb_sweep_run(sw, &o, st), want);
}

static void test_every_policy_every_path(void **state)
{
	static const char *const want[] = {
		"/a/abc|ba7816bf|p-one|Vendor One|3",
		"/a/b/foo|2c26b46b|p-one|Vendor One|3",
		"/a/b/foo|2c26b46b|p-two|Vendor, Two|3",
		"/c/foo.link|2c26b46b|p-one|Vendor One|3",
		"/c/foo.link|2c26b46b|p-two|Vendor, Two|3",
		"/x/abc|ba7816bf|p-one|Vendor One|3",
	};
	struct fx *f = *state;
	struct emb_sweep_stats st;
	struct emb_sweep sw;
	uint64_t files, bytes, banned;

	mk_tree(f);
	assert_int_equal(emb_sweep_init(&sw, &set), 0);
	assert_int_equal(sw.n_bans, 4); /* 5 listed, one a duplicate */
	run(f, &sw, NULL, 0, &st, 0);
	assert_got(f, want, 6);
	assert_int_equal(st.files, 5);
	assert_int_equal(st.bytes, 3 + 3 + 3 + 5 + 3);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.banned, 4);
	assert_int_equal(st.findings, 6);
	emb_sweep_progress(&sw, &files, &bytes, &banned);
	assert_int_equal(files, 5);
	assert_int_equal(bytes, 17);
	assert_int_equal(banned, 4);
	emb_sweep_free(&sw);
}

static void test_excluded(void **state)
{
	static const char *const want[] = {
		"/a/abc|ba7816bf|p-one|Vendor One|3",
	};
	struct fx *f = *state;
	struct emb_sweep_stats st;
	struct emb_sweep sw;
	char *ex[2] = { NULL, NULL };

	mk_tree(f);
	assert_true(asprintf(&ex[0], "%s/x", f->dir) > 0);
	assert_true(asprintf(&ex[1], "%s/a/b/", f->dir) > 0);
	assert_int_equal(emb_sweep_init(&sw, &set), 0);
	run(f, &sw, (const char *const *)ex, 2, &st, 0);
	/* c/foo.link is not under an exclude */
	assert_int_equal(f->n, 3);
	qsort(f->got, f->n, sizeof(*f->got), str_cmp);
	assert_string_equal(f->got[0], want[0]);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.banned, 2);
	emb_sweep_free(&sw);
	free(ex[0]);
	free(ex[1]);
}

static void test_sink_stops(void **state)
{
	struct fx *f = *state;
	struct emb_sweep_stats st;
	struct emb_sweep sw;

	mk_tree(f);
	f->stop_at = 1;
	assert_int_equal(emb_sweep_init(&sw, &set), 0);
	run(f, &sw, NULL, 0, &st, 77);
	assert_int_equal(f->n, 1);
	emb_sweep_free(&sw);
}

static void test_no_bans(void **state)
{
	static const struct emb_policy_set empty = { 0 };
	struct fx *f = *state;
	struct emb_sweep_stats st;
	struct emb_sweep sw;

	mk_tree(f);
	assert_int_equal(emb_sweep_init(&sw, &empty), 0);
	run(f, &sw, NULL, 0, &st, 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(st.files, 5);
	assert_int_equal(st.banned, 0);
	emb_sweep_free(&sw);
}

/* A second matcher (as path globs will be): called for every file, its findings counted. */
static int match_clean(const void *data, const struct emb_file_hash *fh, emb_sweep_sink emit,
		       void *emit_ctx)
{
	const char *suffix = data;
	size_t len = strlen(fh->path), sl = strlen(suffix);
	struct emb_sweep_finding fd = {
		.path = fh->path, .sha256 = fh->sha256, .size = fh->size,
		.policy = "p-glob", .vendor = "Glob Vendor",
	};

	if (len < sl || strcmp(fh->path + len - sl, suffix))
		return 0;
	return emit(emit_ctx, &fd);
}

static void test_extra_matcher(void **state)
{
	struct fx *f = *state;
	struct emb_sweep_matcher m = { .match = match_clean, .data = "/clean" };
	struct emb_sweep_stats st;
	struct emb_sweep sw;

	mk_tree(f);
	assert_int_equal(emb_sweep_init(&sw, &set), 0);
	for (int i = 1; i < EMB_SWEEP_MAX_MATCHERS; i++)
		assert_int_equal(emb_sweep_add_matcher(&sw, &m), 0);
	assert_int_equal(emb_sweep_add_matcher(&sw, &m), -ENOSPC);
	run(f, &sw, NULL, 0, &st, 0);
	assert_int_equal(st.banned, 5);
	assert_int_equal(st.findings, 6 + EMB_SWEEP_MAX_MATCHERS - 1);
	qsort(f->got, f->n, sizeof(*f->got), str_cmp);
	assert_string_equal(f->got[5], "/c/clean|3b066804|p-glob|Glob Vendor|5");
	emb_sweep_free(&sw);
}

/* --- excludes vs the roots named ------------------------------------------------ */

static void test_excludes(void **state)
{
	static const struct {
		const char *roots[2];
		size_t n_roots;
		const char *want; /* the excludes kept, joined by ' ' */
	} cases[] = {
		{ { "/" }, 1, "/proc /sys /dev /run /opt/x/" },
		{ { "/proc/1" }, 1, "/sys /dev /run /opt/x/" },
		{ { "/proc" }, 1, "/sys /dev /run /opt/x/" },
		{ { "/procfs", "/run" }, 2, "/proc /sys /dev /opt/x/" },
		{ { "/opt/x", "/sys/kernel" }, 2, "/proc /dev /run" },
		{ { "/opt/xy" }, 1, "/proc /sys /dev /run /opt/x/" },
		{ { "relative" }, 1, "/proc /sys /dev /run /opt/x/" },
	};
	char *ex[] = { "/proc", "/sys", "/dev", "/run", "/opt/x/" };
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[256] = "";
		size_t n;
		int oom;
		const char **kept = emb_sweep_excludes(cases[i].roots, cases[i].n_roots, ex, 5, &n,
						       &oom);

		assert_int_equal(oom, 0);
		for (size_t k = 0; k < n; k++) {
			strcat(got, k ? " " : "");
			strcat(got, kept[k]);
		}
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
		free(kept);
	}
}

/* --- output formats --------------------------------------------------------------- */

typedef int (*print_fn)(FILE *f, const struct emb_sweep_finding *fd);

static char *capture(print_fn fn, const struct emb_sweep_finding *fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, fd), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_print(void **state)
{
	static const struct {
		const char *path;
		print_fn fn;
		const char *want;
	} cases[] = {
		{ "/opt/k/bin/kesl", emb_sweep_print_human,
		  "/opt/k/bin/kesl  sha256=" SHA_ABC "  vendor=Kaspersky Lab  policy=p-1\n" },
		{ "/tmp/a\nb\\c\x01", emb_sweep_print_human,
		  "/tmp/a\\nb\\\\c\\x01  sha256=" SHA_ABC "  vendor=Kaspersky Lab  policy=p-1\n" },
		{ "/opt/k/bin/kesl", emb_sweep_print_json,
		  "{\"path\":\"/opt/k/bin/kesl\",\"sha256\":\"" SHA_ABC "\",\"vendor\":\"Kaspersky Lab\","
		  "\"policy\":\"p-1\",\"size\":123456}\n" },
		{ "/tmp/\"q\"\n", emb_sweep_print_json,
		  "{\"path\":\"/tmp/\\\"q\\\"\\n\",\"sha256\":\"" SHA_ABC "\",\"vendor\":\"Kaspersky Lab\","
		  "\"policy\":\"p-1\",\"size\":123456}\n" },
		{ "/opt/k/bin/kesl", emb_sweep_print_csv,
		  "/opt/k/bin/kesl," SHA_ABC ",Kaspersky Lab,p-1,123456\r\n" },
		{ "/tmp/a,\"b\"", emb_sweep_print_csv,
		  "\"/tmp/a,\"\"b\"\"\"," SHA_ABC ",Kaspersky Lab,p-1,123456\r\n" },
	};
	uint8_t d[EMB_SHA256_LEN];
	(void)state;

	unhex(SHA_ABC, d);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct emb_sweep_finding fd = {
			.path = cases[i].path, .sha256 = d, .size = 123456,
			.policy = "p-1", .vendor = "Kaspersky Lab",
		};
		char *got = capture(cases[i].fn, &fd);

		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
		free(got);
	}
}

static void test_csv_header(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(emb_sweep_print_csv_header(f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "path,sha256,vendor,policy,size\r\n");
	free(buf);
}

/* --- the progress line ------------------------------------------------------------ */

static void test_progress_format(void **state)
{
	static const struct {
		struct emb_progress_sample s;
		int width;
		const char *want;
	} cases[] = {
		{ { 500, 1 << 20, 2000, 4 << 20, 1, 0.5 }, 0,
		  "[#####               ]  25%  500/2000 files  1.0 MiB/4.0 MiB  2.0 MiB/s  ETA 0:02" },
		{ { 500, 1 << 20, 1200, 2 << 20, 0, 0.5 }, 0,
		  "500/1200+ files  1.0 MiB/2.0 MiB+  2.0 MiB/s  ETA --:--" },
		/* Few bytes, many files: the ETA follows the files. */
		{ { 100, 3000, 1000, 4000, 1, 1.0 }, 0,
		  "[###############     ]  75%  100/1000 files  2.9 KiB/3.9 KiB  2.9 KiB/s  ETA 0:09" },
		{ { 10, 10ULL << 30, 20, 30ULL << 30, 1, 4000.0 }, 0,
		  "[######              ]  33%  10/20 files  10.0 GiB/30.0 GiB  2.6 MiB/s  ETA 2:13:20" },
		{ { 0, 0, 0, 0, 1, 0.0 }, 0,
		  "[####################] 100%  0/0 files  0 B/0 B  0 B/s  ETA --:--" },
		/* 80 columns: the bar narrows to fit, then goes, then the line is cut. */
		{ { 2001, 2ULL << 30, 2001, 2ULL << 30, 1, 1.5 }, 80,
		  "[#################] 100%  2001/2001 files  2.0 GiB/2.0 GiB  1.3 GiB/s  ETA 0:00" },
		{ { 2001, 2ULL << 30, 2001, 2ULL << 30, 1, 1.5 }, 74,
		  "[###########] 100%  2001/2001 files  2.0 GiB/2.0 GiB  1.3 GiB/s  ETA 0:00" },
		{ { 2001, 2ULL << 30, 2001, 2ULL << 30, 1, 1.5 }, 66,
		  "100%  2001/2001 files  2.0 GiB/2.0 GiB  1.3 GiB/s  ETA 0:00" },
		{ { 500, 1 << 20, 2000, 4 << 20, 1, 0.5 }, 30, " 25%  500/2000 files  1.0 MiB" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[256];

		emb_progress_format(got, sizeof(got), &cases[i].s, cases[i].width);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

static void test_progress_bytes(void **state)
{
	static const struct {
		uint64_t n;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" },
		{ 1048576, "1.0 MiB" },
		{ 5ULL << 40, "5.0 TiB" },
		{ 3ULL << 60, "3072.0 PiB" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[32];

		emb_progress_bytes(got, sizeof(got), cases[i].n);
		assert_string_equal(got, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_policy_every_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_excluded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sink_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_bans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extra_matcher, setup, teardown),
		cmocka_unit_test(test_excludes),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_progress_format),
		cmocka_unit_test(test_progress_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
