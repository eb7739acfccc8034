/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * emb_meta.h - the pinned map emb_meta[0]: what a pin dir holds, for the
 * next agent (adopt or replace) and for `embargo status` without an agent.
 *
 * Written by userspace only; the BPF programs never read it. Its layout is
 * fixed for good (magic + size checked): it is how a newer or older build
 * recognises the ABI of the pins it finds, so it must never change with
 * EMBARGO_ABI_VERSION. Append nothing; add a new map instead.
 */
#ifndef EMB_META_H
#define EMB_META_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define EMB_META_MAGIC 0x656d6261u /* "emba" */

struct emb_meta {
	__u32 magic;       /* EMB_META_MAGIC */
	__u32 abi_version; /* EMBARGO_ABI_VERSION of the programs and maps pinned */
	__u32 backend;     /* enum emb_backend (embargo_abi.h) */
	__u32 pad;
	__u64 generation;  /* +1 on every agent start over these pins (adopt or replace) */
	__u64 created_ns;  /* CLOCK_REALTIME when these links were attached */
	__u64 lost_logged; /* EMB_STAT_LOST already written to the log as "lost" lines */
};

#endif
