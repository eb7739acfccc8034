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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/wait.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return do_exit(argv[2]);
	if (argc == 3 && strcmp(argv[1], "exec") == 0)
		return do_exec(argv[2]);
	fprintf(stderr, "usage: vmhelper exit N | exec PATH\n");
	return 2;
}
