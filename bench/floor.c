// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * floor OBJ - load and attach floor.bpf.o's empty exec program, print its
 * program id, and keep it attached until SIGTERM or SIGINT (the link goes
 * with the process: nothing is pinned, nothing outlives the bench).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;

	if (argc != 2) {
		fprintf(stderr, "usage: floor OBJ\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "floor_exec");
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
		fprintf(stderr, "floor: cannot attach floor_exec: %s\n", strerror(errno));
		bpf_object__close(obj);
		return 1;
	}
	printf("%u\n", info.id);
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
