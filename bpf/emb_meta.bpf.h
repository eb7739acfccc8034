/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * emb_meta.bpf.h - the pin dir's identity card (include/emb_meta.h): one
 * array slot that userspace writes and reads; no program uses it. It lives
 * in the object so that it is created, sized and pinned like every other
 * map, and adopted with them.
 */
#ifndef EMB_META_BPF_H
#define EMB_META_BPF_H

#include "emb_meta.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct emb_meta);
	__uint(max_entries, 1);
} emb_meta SEC(".maps");

#endif
