// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fillinodes PINNED_MAP TOTAL - top the agent's pinned inode map up to
 * TOTAL entries with synthetic ones (dev 0xfffff, a device number no
 * filesystem has, so no real file ever matches one), for the exec hook's
 * cost at a given map fill. Keys are struct emb_inode_key {dev, ino}; values
 * are zeroed at whatever size the map has, so it works for every ABI
 * version. A map smaller than TOTAL is filled to its capacity (said on
 * stderr). Prints the map's entry count before and after.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#define BATCH 8192
#define FAKE_DEV 0xfffffULL

struct key {
	uint64_t dev;
	uint64_t ino;
};

static long count_entries(int fd, uint32_t ksz)
{
	char cur[64], next[64];
	long n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(cur, next, ksz);
		prev = cur;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info), count;
	struct key *keys = NULL;
	char *vals = NULL;
	long have, want, ino = 1;
	int fd, err = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: fillinodes PINNED_MAP TOTAL\n");
		return 2;
	}
	want = atol(argv[2]);
	fd = bpf_obj_get(argv[1]);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "fillinodes: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (info.key_size != sizeof(struct key)) {
		fprintf(stderr, "fillinodes: %s: key size %u, want %zu\n", argv[1], info.key_size,
			sizeof(struct key));
		return 1;
	}
	if ((long)info.max_entries < want) {
		fprintf(stderr, "fillinodes: %s holds at most %u entries: filling that, not %ld\n",
			argv[1], info.max_entries, want);
		want = info.max_entries;
	}
	keys = calloc(BATCH, sizeof(*keys));
	vals = calloc(BATCH, info.value_size);
	if (!keys || !vals)
		goto out;
	have = count_entries(fd, info.key_size);
	printf("before %ld\n", have);
	while (have < want) {
		count = want - have < BATCH ? want - have : BATCH;
		for (uint32_t i = 0; i < count; i++)
			keys[i] = (struct key){ .dev = FAKE_DEV, .ino = ino++ };
		if (bpf_map_update_batch(fd, keys, vals, &count, NULL)) {
			fprintf(stderr, "fillinodes: update_batch at %ld: %s\n", have, strerror(errno));
			goto out;
		}
		have += count;
	}
	printf("after %ld\n", count_entries(fd, info.key_size));
	err = 0;
out:
	free(keys);
	free(vals);
	return err;
}
