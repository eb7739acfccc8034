// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fmrfloor OBJ -- CMD [ARG...] - load and attach every program of OBJ, run
 * CMD with them attached, detach (links go with this process: nothing is
 * pinned) and exit with CMD's status.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	int status;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: fmrfloor OBJ -- CMD [ARG...]\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "fmrfloor: cannot load %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__attach(p)) {
			fprintf(stderr, "fmrfloor: attaching %s: %s\n", bpf_program__name(p),
				strerror(errno));
			return 2;
		}
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execv(argv[3], argv + 3);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	bpf_object__close(obj);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
