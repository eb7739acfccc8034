/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * loader.h - the libbpf side: open, size, load, attach, pin, map writes.
 *
 * Lifecycle: emb_loader_open() (open + size + load), emb_loader_put_*()
 * (fill maps), emb_loader_attach() (attach + pin). Pins make enforcement
 * outlive the agent; only emb_loader_unload() removes them.
 */
#ifndef EMBARGO_LOADER_H
#define EMBARGO_LOADER_H

#include <stdint.h>

#include "embargo_abi.h"

struct emb_loader;

struct emb_loader_opts {
	const char *pin_dir;     /* e.g. /sys/fs/bpf/embargo */
	const char *cgroup_path; /* cgroup v2 directory for the network hooks */
	uint32_t inode_entries;  /* capacity of the inode verdict map */
	uint32_t net4_entries;   /* capacity of the IPv4 prefix map */
	uint32_t net6_entries;   /* capacity of the IPv6 prefix map */
};

/* Open, size and load (verifier) the classic backend. Errors are printed. */
int emb_loader_open(struct emb_loader **out, const struct emb_loader_opts *opts);

/*
 * Attach every program and pin links and maps under the pin dir. Pins left
 * by an earlier instance are held open until the new links are attached and
 * only then dropped, so enforcement has no gap.
 */
int emb_loader_attach(struct emb_loader *l);

/* Map writes: each failure is printed with the map and the key. */
int emb_loader_put_inode(struct emb_loader *l, const struct emb_inode_key *k,
			 const struct emb_verdict *v);
int emb_loader_put_net4(struct emb_loader *l, const struct emb_lpm4_key *k,
			const struct emb_net_value *v);
int emb_loader_put_net6(struct emb_loader *l, const struct emb_lpm6_key *k,
			const struct emb_net_value *v);

/* The ring buffer map's fd, for ring_buffer__new(). */
int emb_loader_events_fd(const struct emb_loader *l);

/* Sum the per-CPU counters into out[EMB_STAT_MAX]. */
int emb_loader_read_stats(const struct emb_loader *l, uint64_t out[EMB_STAT_MAX]);

/* Close fds; pinned programs keep enforcing. */
void emb_loader_close(struct emb_loader *l);

/* Remove every pin under pin_dir and the dir itself: enforcement stops.
 * Returns 0, or -ENOENT when nothing was loaded there. */
int emb_loader_unload(const char *pin_dir);

/* Mount bpffs at the pin dir's parent if it is /sys/fs/bpf and not mounted
 * yet (as bpftool does), and create the pin dir. */
int emb_loader_prepare_pin_dir(const char *pin_dir);

#endif
