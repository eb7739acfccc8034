/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * prockill.h - `embargo ban --kill`: find the running processes whose
 * executable has a given SHA-256, and kill them without ever hitting a
 * reused pid.
 */
#ifndef EMBARGO_PROCKILL_H
#define EMBARGO_PROCKILL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct emb_proc_match {
	pid_t pid;
	uint64_t dev, ino; /* of the executable, as hashed */
	const char *exe;   /* readlink of PROC/PID/exe ("" if unreadable) */
};

struct emb_proc_stats {
	size_t procs;   /* processes with an executable looked at */
	size_t hashed;  /* distinct executables hashed (each once) */
	size_t matched; /* processes whose executable has the hash */
	size_t errors;  /* executables that could not be opened or hashed */
};

/* Return non-zero to stop the walk (emb_proc_find_sha256 returns it). */
typedef int (*emb_proc_cb)(void *ctx, const struct emb_proc_match *m);

/*
 * Walk proc_root ("/proc"; a fake tree in tests), open every PID/exe
 * (kernel threads have none and are skipped), hash each distinct
 * executable (dev, inode, size, mtime) once and call cb for every process
 * whose executable has sha256. Our own process is skipped. Returns 0, cb's
 * value, or -errno when proc_root cannot be read.
 */
int emb_proc_find_sha256(const char *proc_root, const uint8_t sha256[32], emb_proc_cb cb,
			 void *ctx, struct emb_proc_stats *st);

/*
 * SIGKILL m->pid, through a pidfd opened first, and only if its executable
 * is still m's (dev, inode): the pid cannot have been reused in between.
 * Returns 0 killed, -ESRCH gone already, -ESTALE it runs something else
 * now, -EPERM for pid 1 (killing init panics the kernel: never done), or
 * another -errno.
 */
int emb_proc_kill(const char *proc_root, const struct emb_proc_match *m);

/*
 * Kill every process running an image: its executable is (kdev, ino) (the
 * kernel's s_dev encoding, emb_kdev), or with mapped, any mapping of the
 * file (PROC/PID/maps). Each is checked again through a pidfd opened
 * first, so a pid reused meanwhile is never hit; pid 1 and ourselves are
 * never killed. Passes repeat (at most 8) until one finds nothing left: a
 * child forked during a pass is caught by the next. Returns the number
 * killed; *left counts matches that could not be killed.
 */
/*
 * SIGKILL pid if it still runs the image (kdev, ino) as its exe or, with
 * mapped, as a mapping, checked through a pidfd opened first. 0 killed,
 * -ESRCH gone, -ESTALE runs something else now, -EPERM pid 1 or ourselves.
 */
int emb_proc_kill_if_runs(const char *proc_root, pid_t pid, uint64_t kdev, uint64_t ino,
			  int mapped);

/*
 * SIGKILL every task running the image (kdev, ino), each checked again
 * through a pidfd (never a reused pid), passes repeated until one kills
 * nothing. scope: NULL for every task, else a cgroup v2 path
 * (emb_cgroup_rel) whose tasks alone are killed. Returns the number
 * killed; *left the matches that could not be.
 */
size_t emb_proc_kill_image(const char *proc_root, uint64_t kdev, uint64_t ino, int mapped,
			   const char *scope, size_t *left);

#endif
