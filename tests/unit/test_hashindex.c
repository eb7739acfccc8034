// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for hashindex.c on a throwaway tree under /tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hashindex.h"

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_HELLO_NL "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define SHA_FOO "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
#define SHA_OTHER "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa"
/* FIPS 180-2 test vector: one million 'a'. */
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

#define STRESS_DIRS 20
#define STRESS_PER_DIR 100
#define STRESS_FILES (STRESS_DIRS * STRESS_PER_DIR)

struct rec {
	char *path;
	char hex[65];
	uint64_t kdev, ino, size;
};

/* Per-test state: the temp dir and what the callback saw. */
struct fx {
	char dir[64];
	struct rec *recs;
	size_t n, cap;
	int in_cb;	/* set while a callback runs: detects overlap */
	int overlaps;
	int stop_after; /* > 0: return 42 from the stop_after-th call */
};

static int collect(void *ctx, const struct emb_file_hash *fh)
{
	struct fx *f = ctx;
	struct rec *grown, *r;
	int ret = 0;

	/* No cmocka asserts here: this runs on a hashing thread. */
	if (__atomic_exchange_n(&f->in_cb, 1, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&f->overlaps, 1, __ATOMIC_SEQ_CST);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		grown = realloc(f->recs, f->cap * sizeof(*grown));
		if (!grown)
			abort();
		f->recs = grown;
	}
	r = &f->recs[f->n++];
	r->path = strdup(fh->path);
	if (!r->path)
		abort();
	emb_sha256_hex(fh->sha256, r->hex);
	r->kdev = fh->kdev;
	r->ino = fh->ino;
	r->size = fh->size;
	if (f->stop_after && (int)f->n == f->stop_after)
		ret = 42;
	/* Widen the window in which a second caller would be caught. */
	if (f->n % 97 == 0)
		usleep(100);
	__atomic_store_n(&f->in_cb, 0, __ATOMIC_SEQ_CST);
	return ret;
}

static void recs_clear(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->recs[i].path);
	f->n = 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Pre-order: opens a directory a failed test left at mode 000 before it is read. */
static int unlock_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_D && chmod(path, 0700) ? -1 : 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/embargo-hashindex-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Runs after failed tests too, so the temp tree never outlives the test. */
static int teardown(void **state)
{
	struct fx *f = *state;
	int ret;

	ret = nftw(f->dir, unlock_entry, 16, FTW_PHYS);
	if (!ret)
		ret = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	recs_clear(f);
	free(f->recs);
	free(f);
	return ret ? -1 : 0;
}

static char *tpath(const struct fx *f, const char *rel)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	return p;
}

static void mk_dir(const struct fx *f, const char *rel)
{
	char *p = tpath(f, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void mk_file(const struct fx *f, const char *rel, const void *data, size_t len, mode_t mode)
{
	char *p = tpath(f, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	/* fchmod: the umask must not decide which files count as executable. */
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	free(p);
}

static void set_mode(const struct fx *f, const char *rel, mode_t mode)
{
	char *p = tpath(f, rel);

	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void mk_link(const struct fx *f, const char *target_rel, const char *rel)
{
	char *t = tpath(f, target_rel), *p = tpath(f, rel);

	assert_int_equal(link(t, p), 0);
	free(t);
	free(p);
}

static void mk_symlink(const struct fx *f, const char *target, const char *rel)
{
	char *p = tpath(f, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/*
 * dir/
 *   empty            ""        0644
 *   abc              "abc"     0755
 *   abc.hard         hard link to abc
 *   abc.sym -> abc   symlink
 *   sub.sym -> sub   symlink to a directory
 *   other            "other"   0601 (only the others' x bit)
 *   fifo             named pipe
 *   sub/nested/hello "hello\n" 0644
 *   excl/secret      "secret"  0755 (excluded)
 *   exclfoo/foo      "foo"     0644 (shares a prefix, not a component)
 */
static void build_tree(const struct fx *f)
{
	char *fifo = tpath(f, "fifo");

	mk_file(f, "empty", "", 0, 0644);
	mk_file(f, "abc", "abc", 3, 0755);
	mk_link(f, "abc", "abc.hard");
	mk_symlink(f, "abc", "abc.sym");
	mk_symlink(f, "sub", "sub.sym");
	mk_file(f, "other", "other", 5, 0601);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	free(fifo);
	mk_dir(f, "sub");
	mk_dir(f, "sub/nested");
	mk_file(f, "sub/nested/hello", "hello\n", 6, 0644);
	mk_dir(f, "excl");
	mk_file(f, "excl/secret", "secret", 6, 0755);
	mk_dir(f, "exclfoo");
	mk_file(f, "exclfoo/foo", "foo", 3, 0644);
}

static const struct rec *find_rec(const struct fx *f, const char *rel)
{
	char *p = tpath(f, rel);
	const struct rec *r = NULL;
	size_t i;

	for (i = 0; i < f->n && !r; i++)
		if (!strcmp(f->recs[i].path, p))
			r = &f->recs[i];
	free(p);
	return r;
}

/* The record must exist and describe the file now at rel. */
static void expect_rec(const struct fx *f, const char *rel, const char *hex)
{
	const struct rec *r = find_rec(f, rel);
	char *p = tpath(f, rel);
	struct stat st;

	assert_non_null(r);
	assert_string_equal(r->hex, hex);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(r->kdev, emb_kdev(st.st_dev));
	assert_int_equal(r->ino, st.st_ino);
	assert_int_equal(r->size, st.st_size);
	free(p);
}

/* abc and its hard link are one inode: exactly one of the two is reported. */
static void expect_abc_once(const struct fx *f)
{
	const struct rec *a = find_rec(f, "abc"), *h = find_rec(f, "abc.hard");

	assert_true(!!a + !!h == 1);
	assert_string_equal((a ? a : h)->hex, SHA_ABC);
}

static int scan_dir(struct fx *f, const char *root, const char *ex, int threads, int exec_only,
		    struct emb_scan_stats *st)
{
	const char *roots[] = { root };
	const char *excl[] = { ex };
	struct emb_scan_opts o = {
		.roots = roots,
		.n_roots = 1,
		.exclude = excl,
		.n_exclude = ex ? 1 : 0,
		.threads = threads,
		.exec_only = exec_only,
	};

	return emb_scan(&o, collect, f, st);
}

static void test_tree_all_files(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *ex = tpath(f, "excl");

	build_tree(f);
	/* threads 0: one per online CPU. */
	assert_int_equal(scan_dir(f, f->dir, ex, 0, 0, &st), 0);
	assert_int_equal(f->n, 5);
	expect_rec(f, "empty", SHA_EMPTY);
	expect_abc_once(f);
	expect_rec(f, "other", SHA_OTHER);
	expect_rec(f, "sub/nested/hello", SHA_HELLO_NL);
	expect_rec(f, "exclfoo/foo", SHA_FOO);
	assert_null(find_rec(f, "abc.sym"));
	assert_null(find_rec(f, "sub.sym/nested/hello"));
	assert_null(find_rec(f, "excl/secret"));
	assert_int_equal(st.files, 5);
	assert_int_equal(st.bytes, 0 + 3 + 5 + 6 + 3);
	assert_int_equal(st.errors, 0);
	assert_int_equal(f->overlaps, 0);
	free(ex);
}

static void test_tree_exec_only(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *ex = tpath(f, "excl");

	build_tree(f);
	assert_int_equal(scan_dir(f, f->dir, ex, 2, 1, &st), 0);
	assert_int_equal(f->n, 2);
	expect_abc_once(f);
	expect_rec(f, "other", SHA_OTHER);
	assert_int_equal(st.files, 2);
	assert_int_equal(st.bytes, 3 + 5);
	assert_int_equal(st.errors, 0);
	free(ex);
}

/* Trailing slashes on root and exclude change nothing, and paths have no "//". */
static void test_trailing_slashes(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *root = tpath(f, ""), *ex = tpath(f, "excl//");
	size_t i;

	build_tree(f);
	assert_int_equal(scan_dir(f, root, ex, 3, 0, &st), 0);
	assert_int_equal(f->n, 5);
	assert_null(find_rec(f, "excl/secret"));
	expect_rec(f, "exclfoo/foo", SHA_FOO);
	for (i = 0; i < f->n; i++)
		assert_null(strstr(f->recs[i].path, "//"));
	free(root);
	free(ex);
}

static void test_excluded_root(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *root = tpath(f, "sub");

	build_tree(f);
	assert_int_equal(scan_dir(f, root, f->dir, 1, 0, &st), 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.errors, 0);
	free(root);
}

static void test_root_is_file(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *root = tpath(f, "sub/nested/hello");

	build_tree(f);
	assert_int_equal(scan_dir(f, root, NULL, 1, 0, &st), 0);
	assert_int_equal(f->n, 1);
	expect_rec(f, "sub/nested/hello", SHA_HELLO_NL);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.bytes, 6);
	free(root);
	recs_clear(f);

	/* exec_only applies to a file root too. */
	root = tpath(f, "sub/nested/hello");
	assert_int_equal(scan_dir(f, root, NULL, 1, 1, &st), 0);
	assert_int_equal(f->n, 0);
	free(root);
}

static void test_root_symlink_not_followed(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *file = tpath(f, "abc.sym"), *dir = tpath(f, "sub.sym");

	build_tree(f);
	assert_int_equal(scan_dir(f, file, NULL, 1, 0, &st), 0);
	assert_int_equal(scan_dir(f, dir, NULL, 1, 0, &st), 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(st.errors, 0);
	free(file);
	free(dir);
}

static void test_missing_root_is_error(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *root = tpath(f, "no-such-dir");

	assert_int_equal(scan_dir(f, root, NULL, 1, 0, &st), 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.errors, 1);
	free(root);
}

/* Overlapping roots and a file listed on its own: each inode still once. */
static void test_overlapping_roots(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *sub = tpath(f, "sub"), *hello = tpath(f, "sub/nested/hello");
	const char *roots[] = { sub, f->dir, hello, f->dir };
	struct emb_scan_opts o = { .roots = roots, .n_roots = 4, .threads = 4 };

	build_tree(f);
	assert_int_equal(emb_scan(&o, collect, f, &st), 0);
	/* All six regular inodes, the excluded-elsewhere secret included. */
	assert_int_equal(f->n, 6);
	assert_int_equal(st.files, 6);
	expect_rec(f, "sub/nested/hello", SHA_HELLO_NL);
	expect_abc_once(f);
	free(sub);
	free(hello);
}

/* Scan dir and encode what the unreadable-entries test expects as an exit code. */
static int unreadable_scan(struct fx *f)
{
	struct emb_scan_stats st = { 0 };

	if (scan_dir(f, f->dir, NULL, 2, 0, &st))
		return 1;
	if (st.errors != 2)
		return 2;
	if (f->n != 1 || !find_rec(f, "ok"))
		return 3;
	return 0;
}

/*
 * A directory and a file nobody may read: two errors, the rest scanned.
 * Root reads through mode 000, so as root the scan runs in a child that has
 * become nobody.
 */
static void test_unreadable_entries(void **state)
{
	struct fx *f = *state;
	int status = -1;
	pid_t pid;

	mk_dir(f, "locked");
	mk_file(f, "locked/inside", "x", 1, 0644);
	mk_file(f, "noread", "x", 1, 0);
	mk_file(f, "ok", "abc", 3, 0644);
	assert_int_equal(chmod(f->dir, 0755), 0);
	/* Lock the directory last: its file had to be created first. */
	set_mode(f, "locked", 0);
	if (geteuid() != 0) {
		assert_int_equal(unreadable_scan(f), 0);
		goto out;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* _exit: the child's copy of the test state is not ours to free. */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		_exit(unreadable_scan(f));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
out:
	set_mode(f, "locked", 0755);
}

static void test_callback_stops_scan(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char name[32];
	int i;

	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		mk_file(f, name, name, strlen(name), 0644);
	}
	f->stop_after = 3;
	assert_int_equal(scan_dir(f, f->dir, NULL, 4, 0, &st), 42);
	assert_int_equal(f->n, 3);
	assert_int_equal(st.files, 3);
}

static void test_bad_args(void **state)
{
	struct emb_scan_opts o = { .n_roots = 1 };
	struct fx *f = *state;

	assert_int_equal(emb_scan(&o, collect, f, NULL), -EINVAL);
	o.n_roots = 0;
	assert_int_equal(emb_scan(&o, NULL, f, NULL), -EINVAL);
	/* Nothing to scan is not an error; stats may be NULL. */
	assert_int_equal(emb_scan(&o, collect, f, NULL), 0);
	assert_int_equal(f->n, 0);
}

static void sha256_ref(const void *data, size_t len, char hex[65])
{
	uint8_t md[32];
	unsigned int mdlen = 0;

	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	emb_sha256_hex(md, hex);
}

/* 2000 files in 20 directories, 4 threads: every file reported exactly once. */
static void test_stress(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	static int seen[STRESS_FILES];
	char name[64], body[64], hex[65];
	uint64_t bytes = 0;
	int d, i, n;
	size_t k;

	memset(seen, 0, sizeof(seen));
	for (d = 0; d < STRESS_DIRS; d++) {
		snprintf(name, sizeof(name), "d%02d", d);
		mk_dir(f, name);
		for (i = 0; i < STRESS_PER_DIR; i++) {
			n = d * STRESS_PER_DIR + i;
			snprintf(name, sizeof(name), "d%02d/f%04d", d, n);
			snprintf(body, sizeof(body), "file %d\n", n);
			mk_file(f, name, body, strlen(body), 0644);
			bytes += strlen(body);
		}
	}
	assert_int_equal(scan_dir(f, f->dir, NULL, 4, 0, &st), 0);
	assert_int_equal(f->n, STRESS_FILES);
	assert_int_equal(st.files, STRESS_FILES);
	assert_int_equal(st.bytes, bytes);
	assert_int_equal(st.errors, 0);
	assert_int_equal(f->overlaps, 0);
	for (k = 0; k < f->n; k++) {
		const char *slash = strrchr(f->recs[k].path, '/');

		assert_non_null(slash);
		assert_int_equal(sscanf(slash, "/f%d", &n), 1);
		assert_true(n >= 0 && n < STRESS_FILES);
		seen[n]++;
		snprintf(body, sizeof(body), "file %d\n", n);
		sha256_ref(body, strlen(body), hex);
		assert_string_equal(f->recs[k].hex, hex);
	}
	for (n = 0; n < STRESS_FILES; n++)
		assert_int_equal(seen[n], 1);
}

/* Larger than the 256 KiB read buffer: several reads feed one digest. */
static void test_large_file(void **state)
{
	struct fx *f = *state;
	struct emb_scan_stats st = { 0 };
	char *data = malloc(1000000);

	assert_non_null(data);
	memset(data, 'a', 1000000);
	mk_file(f, "million", data, 1000000, 0644);
	free(data);
	assert_int_equal(scan_dir(f, f->dir, NULL, 2, 0, &st), 0);
	assert_int_equal(f->n, 1);
	expect_rec(f, "million", SHA_MILLION_A);
	assert_int_equal(st.bytes, 1000000);
}

static void test_sha256_fd(void **state)
{
	struct fx *f = *state;
	uint8_t md[32];
	char hex[65], *p;
	int fd;

	mk_file(f, "abc", "abc", 3, 0644);
	p = tpath(f, "abc");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	assert_true(fd >= 0);
	/* pread from 0: the fd's own offset does not matter. */
	assert_int_equal(lseek(fd, 0, SEEK_END), 3);
	assert_int_equal(emb_sha256_fd(fd, md), 0);
	emb_sha256_hex(md, hex);
	assert_string_equal(hex, SHA_ABC);
	assert_int_equal(close(fd), 0);
	assert_true(emb_sha256_fd(-1, md) < 0);
}

static void test_sha256_hex(void **state)
{
	uint8_t d[32];
	char hex[65];
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		d[i] = (uint8_t)(i * 8 + 7);
	memset(hex, 'X', sizeof(hex));
	emb_sha256_hex(d, hex);
	assert_string_equal(hex, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
}

static void test_kdev(void **state)
{
	(void)state;
	assert_int_equal(emb_kdev(makedev(8, 1)), (8ULL << 20) | 1);
	assert_int_equal(emb_kdev(makedev(0, 0)), 0);
	assert_int_equal(emb_kdev(makedev(259, 0xfffff)), (259ULL << 20) | 0xfffff);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tree_all_files),
		T(test_tree_exec_only),
		T(test_trailing_slashes),
		T(test_excluded_root),
		T(test_root_is_file),
		T(test_root_symlink_not_followed),
		T(test_missing_root_is_error),
		T(test_overlapping_roots),
		T(test_unreadable_entries),
		T(test_callback_stops_scan),
		T(test_bad_args),
		T(test_stress),
		T(test_large_file),
		T(test_sha256_fd),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_kdev),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
