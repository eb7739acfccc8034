/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef EMBARGO_CGROUP_H
#define EMBARGO_CGROUP_H

#include <stddef.h>

/* Mount point of the first cgroup2 filesystem in /proc/self/mountinfo.
 * Returns 0, or -ENOENT when there is none. */
int emb_cgroup2_root(char *buf, size_t len);

/* dir (a cgroup2 directory under mount root) as the hierarchy names it:
 * "/" for the root, "/a/b" below. 0, or -EINVAL when dir is not under root. */
int emb_cgroup_rel(const char *root, const char *dir, char *buf, size_t len);

/* 1 when cgroup path is scope or below it (by whole components: "/a"
 * holds "/a" and "/a/b", not "/ab"). Both as emb_cgroup_rel gives them. */
int emb_cgroup_within(const char *path, const char *scope);

/* The cgroup v2 path of pid (the "0::" line of proc_root/PID/cgroup).
 * 0, or -errno (-ENOENT: no v2 line). */
int emb_proc_cgroup(const char *proc_root, int pid, char *buf, size_t len);

#endif
