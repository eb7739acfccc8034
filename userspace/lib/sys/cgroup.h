/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef EMBARGO_CGROUP_H
#define EMBARGO_CGROUP_H

#include <stddef.h>

/* Mount point of the first cgroup2 filesystem in /proc/self/mountinfo.
 * Returns 0, or -ENOENT when there is none. */
int emb_cgroup2_root(char *buf, size_t len);

#endif
