/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * procimg.h - the files every running process executes: its executable
 * and each file mapped executable (PROC/PID/maps "x"), with the identity
 * the kernel's inode map is keyed by. For the sweep of instances already
 * running when a ban arrives (agent_running.c).
 */
#ifndef EMBARGO_PROCIMG_H
#define EMBARGO_PROCIMG_H

#include <stdint.h>
#include <sys/types.h>

struct emb_proc_image {
	pid_t pid;
	uint64_t kdev, ino;   /* kernel s_dev encoding (emb_kdev), inode */
	int64_t ctime_sec;    /* of the file now (stat through PROC links) */
	uint32_t ctime_nsec;
	uint64_t size;
	int is_exe;           /* PROC/PID/exe; else an executable mapping */
	const char *path;     /* as the kernel names it ("" if unknown) */
	const char *comm;     /* PROC/PID/comm */
};

/* Return non-zero to stop the walk (emb_proc_images returns it). */
typedef int (*emb_proc_image_cb)(void *ctx, const struct emb_proc_image *img);

/*
 * Call cb for each process of proc_root ("/proc") but ourselves: its exe,
 * then each distinct file it maps executable. Kernel threads (no exe) and
 * processes gone meanwhile are skipped. Returns 0, cb's value, or -errno
 * when proc_root cannot be read.
 */
int emb_proc_images(const char *proc_root, emb_proc_image_cb cb, void *ctx);

#endif
