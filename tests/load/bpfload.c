// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bpfload OBJ - put every program of a BPF object through the verifier, one
 * at a time (autoload off for the others), attaching nothing. Prints one
 * line per program: "NAME SECTION ok" or "NAME SECTION ERRNAME"; libbpf's
 * verifier log goes to stderr. Exit 0 when every program loaded, 1 when
 * any was refused, 2 on usage or open errors.
 *
 * Unlike `bpftool prog loadall`, a refusal names the program, so the test
 * can tell "this kernel refuses LSM programs" from a verifier failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

/* Number of programs in path, or a negative errno. */
static int count_progs(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int n = 0;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
		n++;
	bpf_object__close(obj);
	return n;
}

/* Load only program number idx of path; 0 or a negative errno. */
static int load_one(const char *path, int idx, char *name, size_t nlen, char *sec, size_t slen)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int i = 0, err = 0;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj) {
		if (i == idx) {
			snprintf(name, nlen, "%s", bpf_program__name(p));
			snprintf(sec, slen, "%s", bpf_program__section_name(p));
		}
		err = err ?: bpf_program__set_autoload(p, i == idx);
		i++;
	}
	err = err ?: bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

int main(int argc, char **argv)
{
	char name[128], sec[128];
	int failed = 0, n;

	if (argc != 2) {
		fprintf(stderr, "usage: bpfload OBJ\n");
		return 2;
	}
	n = count_progs(argv[1]);
	if (n <= 0) {
		fprintf(stderr, "bpfload: %s: %s\n", argv[1], n ? strerror(-n) : "no programs");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int err;

		snprintf(name, sizeof(name), "?");
		snprintf(sec, sizeof(sec), "?");
		err = load_one(argv[1], i, name, sizeof(name), sec, sizeof(sec));
		if (err)
			failed = 1;
		printf("%s %s %s\n", name, sec, err ? strerrorname_np(-err) ?: "error" : "ok");
		fflush(stdout);
	}
	return failed;
}
