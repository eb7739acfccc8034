// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * vmhelper - guest-side helper of the VM tests (static, runs as /init's
 * child inside QEMU).
 *
 *   vmhelper exit N    report verdict N to QEMU's isa-debug-exit device
 *                      (I/O port 0xf4): QEMU exits with (N << 1) | 1.
 *                      The cloud kernel has no /dev/port: ioperm + outb.
 *   vmhelper exec PATH exec PATH in a child and print how it went: "exit N",
 *                      "signal N", or the errno name of a failed execve
 *                      (EPERM...), so the test sees the errno, not a guess
 *                      from a shell status.
 *   vmhelper bench exec PATH N   fork + exec PATH (no arguments) N times;
 *   vmhelper bench mmap FILE N   mmap(FILE, PROT_READ|PROT_EXEC) + munmap
 *                      N times: print the mean ns per round (CLOCK_MONOTONIC).
 *   vmhelper eloop PATH N  execve PATH N times in this process, for a PATH
 *                      whose exec fails (ENOEXEC, EPERM: no new image);
 *                      prints "eloop N enoexec A eperm B other C ns_per_exec T".
 *   vmhelper kmod attach PINDIR | kmod release
 *                      hand embargo.ko the pinned maps of PINDIR, or take
 *                      them back (the A/B rounds of the cost measurement).
 *   vmhelper storm PATH N  posix_spawn PATH + wait, N times in a row; prints
 *                      "storm N ran R failed F eperm E ns_per_exec T" (wall
 *                      clock; E: execs refused with EPERM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embargo_abi.h"

#define DEBUG_EXIT_PORT 0xf4

static int do_exit(const char *arg)
{
	long v = strtol(arg, NULL, 10);

	if (v < 0 || v > 255) {
		fprintf(stderr, "vmhelper: verdict out of range: %s\n", arg);
		return 2;
	}
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("vmhelper: ioperm");
		return 1;
	}
	outb((unsigned char)v, DEBUG_EXIT_PORT);
	/* Not reached when QEMU has the device. */
	fprintf(stderr, "vmhelper: no isa-debug-exit device at 0x%x\n", DEBUG_EXIT_PORT);
	return 1;
}

/* The child writes execve's errno into the pipe; a successful exec closes
 * it (O_CLOEXEC) with nothing written. */
static int do_exec(char *path)
{
	int fds[2], status, child_errno = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		perror("vmhelper: pipe");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("vmhelper: fork");
		return 2;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		/* Only our report goes to stdout. */
		if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
			_exit(125);
		close(fds[0]);
		execv(path, (char *[]){ path, NULL });
		child_errno = errno;
		if (write(fds[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], &child_errno, sizeof(child_errno));
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0) {
		perror("vmhelper: waitpid");
		return 2;
	}
	if (n == (ssize_t)sizeof(child_errno))
		printf("%s\n", strerrorname_np(child_errno) ?: "unknown");
	else if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("exit %d\n", WEXITSTATUS(status));
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bench_exec(char *path, long n)
{
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

			if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
				_exit(125);
			execv(path, (char *[]){ path, NULL });
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "vmhelper: %s did not exit 0\n", path);
			return 2;
		}
	}
	return 0;
}

static int bench_mmap(const char *path, long n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 2;
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED || munmap(p, 4096)) {
			perror("vmhelper: mmap");
			return 2;
		}
	}
	return 0;
}

static int do_bench(const char *what, char *path, const char *count)
{
	long n = strtol(count, NULL, 10);
	long long t0 = now_ns();
	int err;

	if (n <= 0)
		return 2;
	err = strcmp(what, "exec") == 0 ? bench_exec(path, n) : bench_mmap(path, n);
	if (err)
		return err;
	printf("%lld\n", (now_ns() - t0) / n);
	return 0;
}

/* Sequential execs: the per-exec cost with and without the module. */
static int do_storm(char *path, const char *count)
{
	long n = strtol(count, NULL, 10), ran = 0, failed = 0, eperm = 0;
	long long start = now_ns();
	int status;

	for (long i = 0; i < n; i++) {
		pid_t pid;
		/* posix_spawn: clone(CLONE_VM | CLONE_VFORK), no page tables to
		 * copy, so the exec is what is timed. */
		int err = posix_spawn(&pid, path, NULL, NULL, (char *[]){ path, NULL }, environ);

		if (err == EPERM) { /* the exec was refused: nothing to wait for */
			eperm++;
			continue;
		}
		if (err) {
			fprintf(stderr, "vmhelper: posix_spawn %s: %s\n", path, strerror(err));
			return 2;
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("vmhelper: waitpid");
			return 2;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ran++;
		else
			failed++;
	}
	printf("storm %ld ran %ld failed %ld eperm %ld ns_per_exec %lld\n", n, ran, failed, eperm,
	       n ? (now_ns() - start) / n : 0);
	return 0;
}

/* A failing execve returns here: no fork needed, the loop times the exec. */
static int do_eloop(char *path, const char *count)
{
	long n = strtol(count, NULL, 10), noexec = 0, eperm = 0, other = 0;
	long long start = now_ns();

	for (long i = 0; i < n; i++) {
		execv(path, (char *[]){ path, NULL });
		if (errno == ENOEXEC)
			noexec++;
		else if (errno == EPERM)
			eperm++;
		else
			other++;
	}
	printf("eloop %ld enoexec %ld eperm %ld other %ld ns_per_exec %lld\n", n, noexec, eperm,
	       other, n ? (now_ns() - start) / n : 0);
	return 0;
}

static int pinned(const char *dir, const char *name)
{
	char path[512];
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	a.pathname = (__u64)(unsigned long)path;
	return (int)syscall(SYS_bpf, BPF_OBJ_GET, &a, sizeof(a));
}

static int do_kmod(const char *what, const char *dir)
{
	struct emb_kmod_maps m = { .abi_version = EMBARGO_ABI_VERSION };
	int fd = open(EMB_KMOD_DEV, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0) {
		perror("vmhelper: " EMB_KMOD_DEV);
		return 2;
	}
	if (strcmp(what, "release") == 0) {
		err = ioctl(fd, EMB_KMOD_IOC_RELEASE);
	} else {
		m.inodes_fd = pinned(dir, "emb_clean");
		m.listed_fd = pinned(dir, "emb_listed");
		m.banned_fd = pinned(dir, "emb_banned");
		m.config_fd = pinned(dir, "emb_config");
		m.stats_fd = pinned(dir, "emb_stats");
		err = ioctl(fd, EMB_KMOD_IOC_ATTACH, &m);
	}
	if (err)
		perror("vmhelper: kmod ioctl");
	close(fd);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return do_exit(argv[2]);
	if (argc == 3 && strcmp(argv[1], "exec") == 0)
		return do_exec(argv[2]);
	if (argc == 5 && strcmp(argv[1], "bench") == 0 &&
	    (strcmp(argv[2], "exec") == 0 || strcmp(argv[2], "mmap") == 0))
		return do_bench(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "storm") == 0)
		return do_storm(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "eloop") == 0)
		return do_eloop(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "kmod") == 0 && strcmp(argv[2], "attach") == 0)
		return do_kmod("attach", argv[3]);
	if (argc == 3 && strcmp(argv[1], "kmod") == 0 && strcmp(argv[2], "release") == 0)
		return do_kmod("release", NULL);
	fprintf(stderr, "usage: vmhelper exit N | exec PATH | bench exec|mmap PATH N | storm PATH N |\n"
		"       eloop PATH N | kmod attach PINDIR | kmod release\n");
	return 2;
}
