// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of the files the incident-response commands write: atomic
 * replace/remove, the local ban list, option taking, the agent pid file,
 * and the --kill process walk (over a fake /proc tree). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argtake.h"
#include "hashindex.h"
#include "localbans.h"
#include "localpolicy.h"
#include "pidfile.h"
#include "prockill.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/embargo-unit-local.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void rm_tree(const char *path)
{
	char sub[512];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(path);

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static size_t entries(const char *path)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(path);

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_replace_and_remove(void **state)
{
	char path[128], why[256];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/00-x.yaml", dir);
	assert_int_equal(emb_file_replace(path, "one\n", 4, 0644, why, sizeof(why)), 0);
	assert_string_equal(slurp(path), "one\n");
	assert_int_equal(emb_file_replace(path, "two\n", 4, 0644, why, sizeof(why)), 0);
	assert_string_equal(slurp(path), "two\n");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
	assert_int_equal(entries(dir), 1); /* no temp file left behind */
	assert_int_equal(emb_file_remove(path, why, sizeof(why)), 0);
	assert_int_equal(entries(dir), 0);
	assert_int_equal(emb_file_remove(path, why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "");
}

static void test_replace_fails_cleanly(void **state)
{
	char path[128], why[256], want[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing/00-x.yaml", dir);
	assert_int_equal(emb_file_replace(path, "x", 1, 0644, why, sizeof(why)), -ENOENT);
	snprintf(want, sizeof(want), "creating a temp file for %s: No such file or directory", path);
	assert_string_equal(why, want);
	/* a directory in the way: rename fails, the temp file is removed */
	snprintf(path, sizeof(path), "%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(want, sizeof(want), "%s/adir/f", dir);
	assert_int_equal(mkdir(want, 0755), 0);
	assert_int_equal(emb_file_replace(path, "x", 1, 0644, why, sizeof(why)), -EISDIR);
	snprintf(want, sizeof(want), "renaming the temp file over %s: Is a directory", path);
	assert_string_equal(why, want);
	assert_int_equal(entries(dir), 1);
}

static void test_mkdir_p(void **state)
{
	char path[128];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_int_equal(emb_mkdir_p(path, 0755), 0);
	assert_int_equal(emb_mkdir_p(path, 0755), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
}

static const char sha_a[] = "0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a";
static const char sha_b[] = "1111111111111111111111111111111111111111111111111111111111111111";

static void test_sha_and_vendor_checks(void **state)
{
	static const char *const bad_sha[] = {
		"", "0f34", "0F343B0931126A20F133D67C2B018A3B0B2A4F7D6F0E6BD5B5F6A7C58C3B9E1",
		"0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1aa",
		"zf343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a",
	};
	const char *why;
	char hex[65];

	(void)state;
	assert_int_equal(emb_sha256_hex_norm("0F343B0931126A20F133D67C2B018A3B0B2A4F7D6F0E6BD5B5F6A7C58C3B9E1A",
					     hex, &why), 0);
	assert_string_equal(hex, sha_a);
	for (size_t i = 0; i < ARRAY_SIZE(bad_sha); i++) {
		why = NULL;
		assert_int_equal(emb_sha256_hex_norm(bad_sha[i], hex, &why), -1);
		assert_string_equal(why, "expected 64 hex digits");
	}
	assert_int_equal(emb_vendor_name_check("Kaspersky Lab", &why), 0);
	assert_int_equal(emb_vendor_name_check("", &why), -1);
	assert_string_equal(why, "a vendor name is 1 to 200 bytes");
	assert_int_equal(emb_vendor_name_check("a\nb", &why), -1);
	assert_string_equal(why, "control characters are not allowed in a vendor name");
}

static const char want_bans[] =
	"# Local bans, kept by `embargo ban` and `embargo unban`: edits by hand are\n"
	"# kept as long as the file stays valid. Enforced at the host's own level.\n"
	"embargo: 1\n"
	"id: local-bans\n"
	"title: Local bans (embargo ban)\n"
	"scheme: \"uk-gsc\"\n"
	"enforce: \"TOP SECRET\"\n"
	"vendors:\n"
	"  - name: \"local ban\"\n"
	"    sha256:\n"
	"      - 0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a\n"
	"  - name: \"Acme \\\"Q\\\" \\\\ Co\"\n"
	"    sha256:\n"
	"      - 1111111111111111111111111111111111111111111111111111111111111111\n"
	"      - 0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a\n";

static void test_localbans_text_round_trip(void **state)
{
	struct emb_localbans b = { 0 }, back = { 0 };
	struct emb_diag diag = { 0 };
	struct emb_policy p = { 0 };
	const char *vendor = "Acme \"Q\" \\ Co";
	char *text, *again;

	(void)state;
	assert_int_equal(emb_localbans_add(&b, "local ban", sha_a), 1);
	assert_int_equal(emb_localbans_add(&b, "local ban", sha_a), 0);
	assert_int_equal(emb_localbans_add(&b, vendor, sha_b), 1);
	assert_int_equal(emb_localbans_add(&b, vendor, sha_a), 1);
	assert_int_equal(emb_localbans_count(&b), 3);
	text = emb_localbans_text(&b, "uk-gsc", "TOP SECRET");
	assert_non_null(text);
	assert_string_equal(text, want_bans);

	/* what the agent's parser reads is what was written */
	if (emb_policy_parse_buf("bans.yaml", text, strlen(text), &p, &diag))
		fail_msg("%s", diag.n ? diag.msgs[0] : "parse failed");
	assert_string_equal(p.id, "local-bans");
	assert_int_equal(p.n_vendors, 2);
	assert_string_equal(p.vendors[1].name, vendor);
	assert_int_equal(emb_localbans_from_policy(&back, &p), 0);
	again = emb_localbans_text(&back, "uk-gsc", "TOP SECRET");
	assert_string_equal(again, text);

	/* unban removes the hash under every vendor; an empty vendor goes */
	assert_int_equal(emb_localbans_remove(&back, sha_a), 2);
	assert_int_equal(emb_localbans_remove(&back, sha_a), 0);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.v[0].name, vendor);
	assert_int_equal(emb_localbans_remove(&back, sha_b), 1);
	assert_int_equal(emb_localbans_count(&back), 0);
	assert_int_equal(back.n, 0);

	free(again);
	free(text);
	emb_policy_free(&p);
	emb_diag_free(&diag);
	emb_localbans_free(&b);
	emb_localbans_free(&back);
}

static void test_argtake(void **state)
{
	char *argv[] = { "contain", "--allow", "192.0.2.1", "--dns", "--allow=[::1]:22",
			 "--pin-dir", "/p", "--allowx", "--", "--allow", "x", NULL };
	int argc = (int)ARRAY_SIZE(argv) - 1;
	const char **vals = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(emb_take_opt(&argc, argv, "allow", &vals, &n), 2);
	assert_int_equal(n, 2);
	assert_string_equal(vals[0], "192.0.2.1");
	assert_string_equal(vals[1], "[::1]:22");
	assert_int_equal(emb_take_flag(&argc, argv, "dns"), 1);
	assert_int_equal(emb_take_flag(&argc, argv, "dns"), 0);
	assert_int_equal(argc, 7);
	assert_string_equal(argv[1], "--pin-dir");
	assert_string_equal(argv[3], "--allowx");
	assert_string_equal(argv[4], "--");
	assert_string_equal(argv[5], "--allow");
	assert_null(argv[7]);
	free(vals);

	char *argv2[] = { "ban", "--vendor", NULL };
	argc = 2;
	vals = NULL;
	n = 0;
	assert_int_equal(emb_take_opt(&argc, argv2, "vendor", &vals, &n), -1);
	free(vals);
}

static void test_pidfile(void **state)
{
	char sd[128];
	pid_t pid = -1, holder = -1;
	int fd, status;
	pid_t child;

	(void)state;
	snprintf(sd, sizeof(sd), "%s/state", dir);
	assert_int_equal(emb_pidfile_agent(sd, &pid), 0);
	assert_int_equal(pid, 0); /* no file: no agent */
	fd = emb_pidfile_acquire(sd, NULL);
	assert_true(fd >= 0);
	/* the lock is per open file: another open of it (as another process
	 * would) sees the agent */
	assert_int_equal(emb_pidfile_agent(sd, &pid), 0);
	assert_int_equal(pid, getpid());
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int r = emb_pidfile_acquire(sd, &holder);

		_exit(r == -EBUSY && holder == getppid() ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	/* stale file: nobody holds the lock, nobody is signalled */
	assert_int_equal(emb_pidfile_agent(sd, &pid), 0);
	assert_int_equal(pid, 0);
	assert_int_equal(emb_agent_request_reload(sd, &pid), 0);
	assert_int_equal(pid, 0);
}

static void make_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

struct seen {
	pid_t pids[8];
	size_t n;
};

static int record(void *ctx, const struct emb_proc_match *m)
{
	struct seen *s = ctx;

	s->pids[s->n++] = m->pid;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static void test_proc_walk(void **state)
{
	char proc[128], path[256], target[256], banned[128], other[128];
	static const char *const layout[][2] = {
		{ "100", "banned" }, { "101", "other" }, { "102", "banned" }, { "103", NULL },
		{ "self", "banned" },
	};
	struct emb_proc_stats st;
	struct seen s = { 0 };
	uint8_t sha[32];
	int fd;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	snprintf(banned, sizeof(banned), "%s/banned", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	assert_int_equal(mkdir(proc, 0755), 0);
	make_file(banned, "banned content\n");
	make_file(other, "other content\n");
	for (size_t i = 0; i < ARRAY_SIZE(layout); i++) {
		snprintf(path, sizeof(path), "%s/%s", proc, layout[i][0]);
		assert_int_equal(mkdir(path, 0755), 0);
		if (!layout[i][1])
			continue; /* a kernel thread: no exe */
		snprintf(path, sizeof(path), "%s/%s/exe", proc, layout[i][0]);
		snprintf(target, sizeof(target), "%s/%s", dir, layout[i][1]);
		assert_int_equal(symlink(target, path), 0);
	}
	fd = open(banned, O_RDONLY);
	assert_int_equal(emb_sha256_fd(fd, sha), 0);
	close(fd);

	assert_int_equal(emb_proc_find_sha256(proc, sha, record, &s, &st), 0);
	qsort(s.pids, s.n, sizeof(s.pids[0]), cmp_pid);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.pids[0], 100);
	assert_int_equal(s.pids[1], 102);
	assert_int_equal(st.procs, 3);
	assert_int_equal(st.hashed, 2); /* each distinct executable once */
	assert_int_equal(st.matched, 2);
	assert_int_equal(st.errors, 0);
	assert_int_equal(emb_proc_find_sha256("/nonexistent", sha, record, &s, &st), -ENOENT);
}

static void test_proc_kill(void **state)
{
	struct emb_proc_match m = { .pid = 1 };
	struct stat sb;
	char exe[64];
	int status;
	pid_t child;

	(void)state;
	assert_int_equal(emb_proc_kill("/proc", &m), -EPERM); /* never init */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)child);
	assert_int_equal(stat(exe, &sb), 0);
	m.pid = child;
	m.dev = (uint64_t)sb.st_dev;
	m.ino = (uint64_t)sb.st_ino + 1; /* another executable: not killed */
	assert_int_equal(emb_proc_kill("/proc", &m), -ESTALE);
	m.ino = (uint64_t)sb.st_ino;
	assert_int_equal(emb_proc_kill("/proc", &m), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* (No kill after the reap: the pid could belong to anyone by then.) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
		cmocka_unit_test(test_sha_and_vendor_checks),
		cmocka_unit_test(test_localbans_text_round_trip),
		cmocka_unit_test(test_argtake),
		cmocka_unit_test_setup_teardown(test_pidfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_walk, setup, teardown),
		cmocka_unit_test(test_proc_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
